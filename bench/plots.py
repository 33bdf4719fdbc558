"""Plots for bench/RESULTS.md from the JSON in bench/out/ (run the benchmarks first).

    .venv/bin/python bench/plots.py
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"


def scale_rows() -> list[dict]:
    path = OUT / "search_scale.json"
    if path.exists():
        return json.loads(path.read_text())["rows"]
    rows = []  # a run stopped early: read its log
    pat = re.compile(r"n=\s*(\d+) (\w+)\s+(\w*)\s*=(\d*)\s+build\s+([\d.]+)s\s+p50\s+([\d.]+) ms\s+p95\s+([\d.]+) ms"
                     r"\s+recall@10 ([\d.]+)\s+top1 ([\d.]+)")
    for line in (OUT / "search_scale.log").read_text().splitlines():
        m = pat.search(line)
        if m:
            n, kind, knob, value, build, p50, p95, rec, top1 = m.groups()
            rows.append({"n": int(n), "kind": kind, "knob": knob or None, "value": int(value) if value else None,
                         "build_s": float(build), "p50_ms": float(p50), "p95_ms": float(p95),
                         "recall@10": float(rec), "top1_agreement": float(top1)})
    return rows


def plot_latency() -> None:
    d = json.loads((OUT / "latency.json").read_text())
    names = ["encode_onnx", "ask", "encode_torch", "ask_torch_encoder", "langchain_embed_query", "langchain_search"]
    labels = ["encode (ONNX)\nfloor", "ask\n(ONNX, default)", "encode (torch)\nfloor", "ask\n(torch encoder)",
              "LangChain\nembed_query", "LangChain\nsimilarity_search"]
    raw = d["raw_ms"]
    fig, ax = plt.subplots(figsize=(9, 4.2))
    ax.boxplot([raw[n] for n in names], showfliers=False)
    ax.set_xticks(range(1, len(names) + 1), labels, fontsize=8)
    ax.set_yscale("log")
    ax.set_ylabel("ms per question (log)")
    ax.set_title(f"Warm latency, {d['n_questions']} questions x {d['repeats']}, interleaved in one run "
                 f"({d['machine']['cpus']} cores, load avg {d['machine']['load_average'][0]})", fontsize=9)
    fig.tight_layout()
    fig.savefig(BENCH / "latency.png", dpi=110)


def plot_scale() -> None:
    rows = scale_rows()
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4))
    for kind, knob, marker in (("flat", None, "o"), ("hnsw", 64, "s"), ("hnsw", 256, "^"), ("ivf", None, "d")):
        sel = [r for r in rows if r["kind"] == kind and (knob is None or r["value"] == knob)]
        if kind == "ivf":  # the library's default nprobe = nlist/16: the smaller of the two
            by_n = {}
            for r in sel:
                by_n.setdefault(r["n"], r if r["value"] is None else min(
                    (x for x in sel if x["n"] == r["n"]), key=lambda x: x["value"]))
            sel = list(by_n.values())
        sel.sort(key=lambda r: r["n"])
        label = kind if knob is None else f"{kind} efSearch={knob}"
        if kind == "ivf":
            label = "ivf nprobe=nlist/16"
        a.plot([r["n"] for r in sel], [r["p50_ms"] for r in sel], marker=marker, label=label)
        b.plot([r["n"] for r in sel], [r["recall@10"] for r in sel], marker=marker, label=label)
    flat_file = OUT / "flat_threshold.json"
    if flat_file.exists():
        fr = json.loads(flat_file.read_text())["rows"]
        a.plot([r["n"] for r in fr], [r["p50_ms"] for r in fr], "o:", color="grey", label="flat (threshold sweep)")
    for ax in (a, b):
        ax.set_xscale("log")
        ax.set_xlabel("vectors (random unit, dim 384)")
        ax.legend(fontsize=7)
    a.set_yscale("log")
    a.set_ylabel("p50 ms per query (k=10, 1 thread)")
    a.axvline(20_000, color="red", lw=0.8, ls="--")
    a.text(21_000, a.get_ylim()[0] * 1.5, "FLAT_LIMIT", color="red", fontsize=7)
    b.set_ylabel("recall@10 vs flat")
    fig.suptitle("Dense search at scale", fontsize=10)
    fig.tight_layout()
    fig.savefig(BENCH / "search_scale.png", dpi=110)


def main() -> int:
    import argparse

    argparse.ArgumentParser(description=(__doc__ or "Redraw the benchmark plots.").splitlines()[0]).parse_args()
    for fn in (plot_latency, plot_scale):
        try:
            fn()
            print(f"{fn.__name__}: ok")
        except FileNotFoundError as exc:
            print(f"{fn.__name__}: skipped ({exc.filename} missing)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
