"""How the quote ledger's cost grows with a document's length: the first question that reaches a
document builds its ledger (`quotes.build_ledger`) and the ranker's speaker heads
(`SentenceTable.speaker_heads`), so a long document in an archive makes that question wait.

    .venv/bin/python bench/ledger_scale.py --copies 1 4 16 32

Each document is the article's report (from its first body sentence) repeated `copies` times, indexed
with the hashing embedder (the encoder plays no part); the ledger and the heads are timed once per
document, fresh. Prints milliseconds and milliseconds per sentence: a flat per-sentence cost is linear
growth. Writes bench/out/ledger_scale.json.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ARTICLE, save  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 4, 16, 32])
    args = parser.parse_args()

    from retrieval import Retriever, build_index
    from retrieval.embedding import FakeEmbedder
    from retrieval.extract import sentence_table

    text = ARTICLE.read_text(encoding="utf-8")
    body = text[text.index("Activists are working"):]
    rows = []
    print("copies  sentences  entries  ledger ms  heads ms  ms/sentence")
    for copies in args.copies:
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "src").mkdir()
            (Path(tmp) / "src" / "doc.txt").write_text("\n\n".join([body] * copies), encoding="utf-8")
            embedder = FakeEmbedder(64)
            build_index([Path(tmp) / "src"], Path(tmp) / "index", embedder=embedder)
            retriever = Retriever.load(Path(tmp) / "index", embedder=embedder)
            table = sentence_table(retriever)
            start = time.perf_counter()
            ledger = table.ledger("doc")
            built = time.perf_counter()
            table.speaker_heads("doc")
            done = time.perf_counter()
        n = len(retriever.sentences)
        row = {"copies": copies, "sentences": n, "entries": len(ledger),
               "ledger_ms": round((built - start) * 1000, 1), "heads_ms": round((done - built) * 1000, 1),
               "ms_per_sentence": round((done - start) * 1000 / n, 3)}
        rows.append(row)
        print(f"{copies:>6}  {n:>9}  {len(ledger):>7}  {row['ledger_ms']:>9}  {row['heads_ms']:>8}  "
              f"{row['ms_per_sentence']:>11}")
    growth = rows[-1]["ms_per_sentence"] / rows[0]["ms_per_sentence"]
    print(f"per-sentence cost, largest / smallest document: {growth:.2f}x (1x: linear)")
    save("ledger_scale", {"rows": rows, "per_sentence_growth": round(growth, 2)})
    return 0


if __name__ == "__main__":
    sys.exit(main())
