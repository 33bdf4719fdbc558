"""The first questions in a fresh process, with and without `Assistant.warm_up()` (what the chat does
at start): each candidate sentence's token vectors are otherwise encoded the first time it is met.

    .venv/bin/python bench/first_ask.py [--runs 3]

Each run is a new Python process: load the index, optionally warm up, then ask four questions once.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, machine, save  # noqa: E402

QUESTIONS = ["How many people have asked the network for help?", "Who is Ekaterina Sokirianskaia?",
             "What did the minister say about the editors?", "Where are the men being evacuated to?"]

ONE_RUN = """
import json, sys, time
from retrieval import Assistant
t0 = time.perf_counter()
a = Assistant.load()
if sys.argv[1] == "warm":
    a.warm_up()
start = time.perf_counter() - t0
asks = []
for q in json.loads(sys.argv[2]):
    t = time.perf_counter(); a.ask(q); asks.append(1000 * (time.perf_counter() - t))
print(json.dumps({"start_ms": 1000 * start, "asks_ms": asks}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, list] = {"cold": [], "warm": []}
    for _ in range(args.runs):
        for mode in results:
            done = subprocess.run([sys.executable, "-c", ONE_RUN, mode, json.dumps(QUESTIONS)], cwd=ROOT,
                                  capture_output=True, text=True, check=True)
            results[mode].append(json.loads(done.stdout.strip().splitlines()[-1]))
    for mode, runs in results.items():
        firsts = sorted(r["asks_ms"][0] for r in runs)
        print(f"{mode}: start {sorted(r['start_ms'] for r in runs)[len(runs) // 2]:.0f} ms (median); "
              f"first ask median {firsts[len(firsts) // 2]:.1f} ms; asks of one run: "
              + ", ".join(f"{t:.1f}" for t in runs[0]["asks_ms"]))
    save("first_ask", {"machine": machine(), "questions": QUESTIONS, "runs": results})
    return 0


if __name__ == "__main__":
    sys.exit(main())
