"""`eval` on a quote-ledger gold file (`{"id", "quote", "speaker", "evidence", "kind"}` per line)."""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import SourceError

GOLD_KEYS = {"quote", "speaker"}


def is_speakers_gold(path: Path) -> bool:
    """True when the first record of a JSONL file has the ledger-gold keys."""
    try:
        with Path(path).open(encoding="utf-8-sig") as fh:
            first = next((line for line in fh if line.strip()), "")
        record = json.loads(first)
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return isinstance(record, dict) and GOLD_KEYS <= set(record) and "question" not in record


def read_gold(path: Path) -> list[dict]:
    rows = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8-sig").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError:
            raise SourceError(f"{path}:{number} is not valid JSON; fix that line.") from None
        if not isinstance(row, dict) or not GOLD_KEYS <= set(row):
            raise SourceError(f"{path}:{number} needs the keys quote and speaker.")
        rows.append(row)
    return rows


def evaluate_speakers(path: Path, index_dir: Path) -> dict:
    """Precision and recall of the ledger's quotes and attributions over the indexed documents."""
    from ..answer import Assistant
    from ..quotes import ledger_metrics

    ledger = Assistant.load(index_dir).ledger()
    metrics = ledger_metrics(ledger, read_gold(path))
    return {"dataset": str(path), "kind": "speakers", "index_dir": str(index_dir), **metrics}
