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


SPEAKER_KEYS = (
    "quote_precision", "quote_recall", "kind_accuracy", "speech_precision", "speech_recall",
    "attribution_accuracy", "attributed_accuracy", "evidence_accuracy",
)
COUNT_KEYS = ("n_gold", "n_ledger", "n_matched", "n_gold_speech", "n_gold_attributed")
DEFINITIONS = (
    "A ledger quotation (direct speech or scare quote) matches a gold one when their normalised texts are "
    "equal or one holds the other and has at least 80% of its length, one to one in document order "
    "(`retrieval.quotes.ledger_metrics`). `quote_precision` / `quote_recall`: matched quotations over the "
    "ledger's / over the gold's; `kind_accuracy`: share of matched quotations of the gold's kind; "
    "`speech_precision` / `speech_recall`: the same as quote precision and recall for direct speech alone; "
    "`attribution_accuracy`: share of matched quotations given the gold speaker (no one, for a gold that "
    "is not direct speech); `attributed_accuracy`: the same over matched direct speech whose gold names a "
    "speaker; `evidence_accuracy`: share of those, with gold evidence, whose evidence span holds or is "
    "held by the gold evidence."
)


def speakers_table(metrics: dict) -> str:
    """A Markdown table of a ledger's scores, with its counts."""
    rows = [f"| {key} | {metrics[key]:.4f} |" for key in SPEAKER_KEYS if isinstance(metrics.get(key), float)]
    counts = ", ".join(f"{key} {metrics[key]}" for key in COUNT_KEYS if key in metrics)
    return "| metric | ledger |\n|---|---|\n" + "\n".join(rows) + f"\n\ncounts: {counts}"


def format_speakers(metrics: dict) -> str:
    """Plain-text summary of a ledger evaluation for a terminal, as a table like the other datasets'."""
    from .report import plural

    errors = metrics.get("errors") or []
    return "\n\n".join([
        f"{metrics['dataset']} (speakers, quote ledger of {metrics['index_dir']}): "
        + (plural(metrics["n_gold"], "gold quotation") if isinstance(metrics.get("n_gold"), int)
           else f"{metrics.get('n_gold')} gold quotations"),
        speakers_table(metrics),
        plural(len(errors), "error") + (": " + "; ".join(_error_text(e) for e in errors[:10]) if errors else "")
        + (f"; … and {len(errors) - 10} more (see --json or --report)" if len(errors) > 10 else ""),
    ])


def _error_text(error: dict) -> str:
    if error.get("error") == "attribution":
        return (f"{error.get('id')}: attributed to {error.get('speaker')!r} ({error.get('kind')}), gold "
                f"{error.get('gold_speaker')!r} ({error.get('gold_kind')})")
    return f"{error.get('id') or 'ledger'}: {error.get('error')} “{error.get('quote')}”"


def write_speakers_report(folder: Path, metrics: dict, *, comparison=None, command: str = "") -> Path:
    """metrics.json and a short report.md for a ledger evaluation."""
    import json

    from .report import comparison_markdown, report_head

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "metrics.json").write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n",
                                         encoding="utf-8")
    header = [f"- dataset: `{metrics['dataset']}` (quote-ledger gold; {metrics.get('n_gold')} quotations)",
              f"- index: `{metrics['index_dir']}`"]
    parts = report_head(Path(metrics["dataset"]).name, header, metrics, command, comparison)
    parts += ["## Scores", speakers_table(metrics)]
    errors = metrics.get("errors") or []
    parts.append("## Errors")
    parts.append("\n".join(f"- {_error_text(e)}" for e in errors) if errors else "None.")
    if comparison is not None:
        parts.extend(comparison_markdown(comparison, SPEAKER_KEYS, questions=False))
    parts.append("## Definitions\n" + DEFINITIONS)
    (folder / "report.md").write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    return folder / "report.md"


def evaluate_speakers(path: Path, index_dir: Path) -> dict:
    """Precision and recall of the ledger's quotes and attributions over the indexed documents."""
    from ..answer import Assistant
    from ..quotes import ledger_metrics

    ledger = Assistant.load(index_dir).ledger()
    metrics = ledger_metrics(ledger, read_gold(path))
    return {"dataset": str(path), "kind": "speakers", "index_dir": str(index_dir), **metrics}
