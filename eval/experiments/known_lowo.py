"""Known questions, measured on news_train without its own writer (issue 5, twentieth session).

The project's index is built with eval/news_train.jsonl as known questions (`retrieval.known`), so
`eval --dataset eval/news_train.jsonl` on it is in-sample: each question finds itself. This asks each
of news_train's five briefs (na … ne, each written by another helper with another aim) of an index
whose known questions are the other four briefs', pools the answers, and prints the pipeline's figures
beside those of an index without known questions.

    .venv/bin/python eval/experiments/known_lowo.py
    # as the project's index is built: every index also knows the other known-question files
    .venv/bin/python eval/experiments/known_lowo.py --also-known eval/news_known.jsonl
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from retrieval.evaluation.metrics import auroc  # noqa: E402


def ask(dataset: Path, index_dir: Path, report: Path) -> list[dict]:
    """Each question's outcome (hit rank, abstained, confidence), from `eval --report`."""
    subprocess.run([sys.executable, "-m", "retrieval", "eval", "--dataset", str(dataset), "--index-dir",
                    str(index_dir), "--no-baselines", "--report", str(report)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    return [json.loads(line) for line in (report / "outcomes.jsonl").read_text().splitlines() if line.strip()]


def figures(outcomes: list[dict], answerable: dict[str, bool]) -> dict[str, float]:
    ans = [o for o in outcomes if answerable[o["id"]]]
    una = [o for o in outcomes if not answerable[o["id"]]]
    return {
        "hit@1": np.mean([o["hit_rank"] == 1 for o in ans]),
        "hit@3": np.mean([o["hit_rank"] is not None and o["hit_rank"] <= 3 for o in ans]),
        "abstain_recall": np.mean([o["abstained"] for o in una]),
        "false_abstain_rate": np.mean([o["abstained"] for o in ans]),
        "abstain_auroc": auroc([-o["confidence"] for o in outcomes], [not answerable[o["id"]] for o in outcomes]),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=Path, default=ROOT / "eval/news_train.jsonl")
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("--keep", type=Path, help="write the indexes and reports here instead of a temporary folder")
    parser.add_argument("--also-known", type=Path, action="append", default=[], metavar="FILE",
                        help="known questions every index also holds (repeat), e.g. eval/news_known.jsonl")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    briefs: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        briefs[row["id"][:2]].append(row)
    answerable = {row["id"]: bool(row.get("answers")) for row in rows}

    def index(folder: Path, known: Path | None) -> None:
        files = ([known] if known else []) + args.also_known
        extra = [arg for path in files for arg in ("--known-questions", str(path))]
        subprocess.run([sys.executable, "-m", "retrieval", "index", str(args.data), "--index-dir", str(folder),
                        *extra], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)

    with tempfile.TemporaryDirectory(prefix="known-lowo-") as scratch:
        tmp = args.keep or Path(scratch)
        tmp.mkdir(parents=True, exist_ok=True)
        index(tmp / "plain", None)
        without = ask(args.questions, tmp / "plain", tmp / "report-plain")  # with --also-known's, if any
        pooled: list[dict] = []
        for brief, own in sorted(briefs.items()):
            (tmp / f"{brief}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in own), encoding="utf-8")
            others = [r for r in rows if r["id"][:2] != brief]
            (tmp / f"not-{brief}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in others), encoding="utf-8")
            index(tmp / f"index-{brief}", tmp / f"not-{brief}.jsonl")
            outcomes = ask(tmp / f"{brief}.jsonl", tmp / f"index-{brief}", tmp / f"report-{brief}")
            pooled += outcomes
            got = figures(outcomes, answerable)
            print(f"{brief} ({len(own)} questions, known: the other {len(others)}): "
                  + ", ".join(f"{k} {v:.3f}" for k, v in got.items()), file=sys.stderr)
    for name, outcomes in (("without known questions", without), ("leave-one-writer-out", pooled)):
        print(f"{args.questions.name}, {name}: "
              + ", ".join(f"{k} {v:.3f}" for k, v in figures(outcomes, answerable).items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
