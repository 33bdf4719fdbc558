"""Score the quote ledger of the article against the hand-made gold file; print JSON metrics.

    .venv/bin/python eval/speakers_eval.py [SOURCE] [GOLD]

Defaults: data/sbs-2017-04-19-chechnya.txt and eval/speakers.jsonl. Exit status 0.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from retrieval.ingest import load_document  # noqa: E402
from retrieval.quotes import build_ledger, ledger_metrics  # noqa: E402

DEFAULT_SOURCE = ROOT / "data" / "sbs-2017-04-19-chechnya.txt"
DEFAULT_GOLD = ROOT / "eval" / "speakers.jsonl"


def read_gold(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def evaluate(source: Path = DEFAULT_SOURCE, gold: Path = DEFAULT_GOLD) -> dict:
    document = load_document(source)
    metrics = ledger_metrics(build_ledger(document), read_gold(gold))
    return {"source": str(source.relative_to(ROOT) if source.is_relative_to(ROOT) else source),
            "gold": str(gold.relative_to(ROOT) if gold.is_relative_to(ROOT) else gold), **metrics}


def main(argv: list[str]) -> int:
    source = Path(argv[0]) if argv else DEFAULT_SOURCE
    gold = Path(argv[1]) if len(argv) > 1 else DEFAULT_GOLD
    print(json.dumps(evaluate(source, gold), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
