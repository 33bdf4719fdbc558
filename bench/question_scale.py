"""The cost of one question on a large index, without the encoder: a hashing embedder stands in, so
the figures are the library's own work (passage search, sentence scoring, speaker lookups).

    .venv/bin/python bench/question_scale.py --passages 20000

builds (once, in bench/out/fake-N/) an index of the synthetic corpus of bench/build.py with the
hashing embedder, then asks it the first 40 questions of eval/seed_qa.jsonl twice: the first pass
builds the quote ledgers of the documents that speaker questions reach, the second is warm.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build import synthetic_corpus  # noqa: E402
from common import OUT, ROOT, save  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=20000)
    parser.add_argument("--questions", type=int, default=40)
    args = parser.parse_args()

    from retrieval import Assistant, build_index
    from retrieval.embedding import FakeEmbedder
    from retrieval.errors import RetrievalError

    embedder = FakeEmbedder(384)
    index_dir = OUT / f"fake-{args.passages}"
    try:
        assistant = Assistant.load(index_dir, embedder=embedder)
    except RetrievalError:
        build_index([synthetic_corpus(args.passages)], index_dir, embedder=embedder, progress=True)
        assistant = Assistant.load(index_dir, embedder=embedder)
    lines = (ROOT / "eval" / "seed_qa.jsonl").read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line)["question"] for line in lines if line.strip()][:args.questions]
    vectors = assistant.retriever.encode(questions)

    start = time.perf_counter()
    for q in questions:
        assistant.ask(q)
    first = time.perf_counter() - start
    times = []
    for q, v in zip(questions, vectors):
        start = time.perf_counter()
        assistant._answer(q, v, 3)  # the answer without the (stand-in) encoder
        times.append((time.perf_counter() - start) * 1000)
    result = {
        "passages": len(assistant.retriever.passages), "sentences": len(assistant.retriever.sentences),
        "documents": len(assistant.retriever.documents), "ledgers_built": len(assistant._ledgers),
        "first_pass_s": round(first, 1), "warm_p50_ms": round(float(np.median(times)), 2),
        "warm_p95_ms": round(float(np.percentile(times, 95)), 2),
    }
    print(json.dumps(result))
    save(f"question_scale_{args.passages}", result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
