"""Cold start: a fresh `python -m retrieval ask`, and the app from launch to its first answer.

    .venv/bin/python bench/cold_start.py [--runs 5] [--no-make]

  cli_onnx   `python -m retrieval ask Q --json`, default (ONNX Runtime) backend: wall time per process
  cli_torch  the same with RETRIEVAL_BACKEND=torch (imports torch and sentence-transformers)
  serve      `python -m retrieval serve` until /ask has answered one question
  make_run   `make run` (install check, `index --if-stale`, serve) until /ask has answered
Servers bind 127.0.0.1 on a free port and are stopped by their own process group id.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, machine, save, summary  # noqa: E402
from load import free_port, one_request  # noqa: E402

Q = "Who rules Chechnya?"


def cli_runs(runs: int, backend: str) -> list[float]:
    env = dict(os.environ, RETRIEVAL_BACKEND=backend, HF_HUB_OFFLINE="1")
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "retrieval", "ask", Q, "--json"], cwd=ROOT, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        out.append((time.perf_counter() - t) * 1000)
    return out


def first_answer(cmd: list[str], port: int, env_extra: dict | None = None) -> dict:
    import asyncio

    import httpx

    env = dict(os.environ, HF_HUB_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False", **(env_extra or {}))
    log = (ROOT / "bench" / "out" / f"cold-{cmd[0].rsplit('/', 1)[-1]}.log").open("w")
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    ready = None
    try:
        while time.perf_counter() - t < 600:
            if proc.poll() is not None:
                return {"error": f"exited {proc.returncode}"}
            try:
                if ready is None and httpx.get(f"{url}/gradio_api/info", timeout=2).status_code == 200:
                    ready = time.perf_counter() - t
            except httpx.HTTPError:
                pass
            if ready is not None:
                async def ask():
                    async with httpx.AsyncClient(timeout=60) as client:
                        return await one_request(client, url, Q, None)

                _, err, answer = asyncio.run(ask())
                if answer is not None and not err:
                    return {"ready_s": round(ready, 2), "first_answer_s": round(time.perf_counter() - t, 2)}
            time.sleep(0.2)
        return {"error": "timeout"}
    finally:
        try:
            os.killpg(proc.pid, signal.SIGINT)
            proc.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-make", action="store_true")
    args = parser.parse_args()
    (ROOT / "bench" / "out").mkdir(parents=True, exist_ok=True)
    info = machine()
    cli_runs(1, "auto")  # the first run may export the ONNX model and fill the page cache
    res = {"cli_onnx": summary(cli_runs(args.runs, "auto")), "cli_torch": summary(cli_runs(args.runs, "torch"))}
    for k in ("cli_onnx", "cli_torch"):
        print(f"{k:10s} p50 {res[k]['p50_ms'] / 1000:6.2f} s  (n={res[k]['n']})", flush=True)
    port = free_port()
    res["serve"] = first_answer([sys.executable, "-m", "retrieval", "serve", "--host", "127.0.0.1", "--port",
                                 str(port)], port)
    print("serve", res["serve"], flush=True)
    if not args.no_make:
        port = free_port()
        res["make_run"] = first_answer(["make", "run", f"PORT={port}", "HOST=127.0.0.1"], port)
        print("make run", res["make_run"], flush=True)
    save("cold_start", {"machine": info, "question": Q, "results": res})
    return 0


if __name__ == "__main__":
    sys.exit(main())
