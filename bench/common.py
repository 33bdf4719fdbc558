"""Shared helpers for the benchmarks: machine facts, percentiles, JSON results in bench/out/."""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
ARTICLE = ROOT / "data" / "sbs-2017-04-19-chechnya.txt"
SEED_QA = ROOT / "eval" / "seed_qa.jsonl"
LANGCHAIN_PYTHON = ROOT / "bench" / ".venv-langchain" / "bin" / "python"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def machine() -> dict:
    """Cores, memory, CPU model, versions and the load average when the run started."""
    mem_kib = 0
    cpu = platform.processor()
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info = {
        "cpus": os.cpu_count(), "cpu_model": cpu, "memory_gib": round(mem_kib / 2**20, 1),
        "python": platform.python_version(), "platform": platform.platform(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    for mod in ("torch", "onnxruntime", "faiss", "sentence_transformers", "numpy"):
        try:
            info[mod] = __import__(mod).__version__
        except Exception:  # noqa: BLE001 - absent or broken: just not reported
            pass
    return info


def pct(values_ms, q: float) -> float:
    return float(np.percentile(np.asarray(values_ms, dtype=float), q)) if len(values_ms) else float("nan")


def summary(values_ms) -> dict:
    v = list(values_ms)
    return {"n": len(v), "p50_ms": round(pct(v, 50), 3), "p95_ms": round(pct(v, 95), 3),
            "p99_ms": round(pct(v, 99), 3), "mean_ms": round(float(np.mean(v)), 3) if v else None}


def questions(path: Path = SEED_QA) -> list[str]:
    return [json.loads(line)["question"] for line in path.open(encoding="utf-8") if line.strip()]


def save(name: str, payload: dict) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}", file=sys.stderr)
    return path
