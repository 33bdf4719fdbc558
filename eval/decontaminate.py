"""Keep only the training questions that no held-out question is close to.

eval/news_train.jsonl was made this way (thirteenth session): questions written from the article alone,
then every one within a cosine of 0.8 (default encoder) of a dev or seed question dropped, so that dev's
out-of-fold figures and seed's stay unseen. Prints counts only, never a held-out question's text.

    .venv/bin/python eval/decontaminate.py NEW.jsonl --out eval/news_train.jsonl

The off-topic questions (fourteenth session) the same way, each set apart from the other: the training
ones from dev, seed and the probe the helpers wrote beside them, then the probe from every training set:

    .venv/bin/python eval/decontaminate.py OFF.jsonl --out eval/offtopic_train.jsonl \
        --against eval/dev_qa.jsonl eval/seed_qa.jsonl PROBE.jsonl
    .venv/bin/python eval/decontaminate.py PROBE.jsonl --out eval/offtopic_qa.jsonl \
        --against eval/news_train.jsonl eval/offtopic_train.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from retrieval.embedding import DEFAULT_MODEL, get_embedder
from retrieval.evaluation.datasets import load_dataset

ROOT = Path(__file__).resolve().parents[1]
HELD_OUT = (ROOT / "eval/dev_qa.jsonl", ROOT / "eval/seed_qa.jsonl")
MAX_COSINE = 0.8


def questions_of(path: Path) -> list[str]:
    return [q.question for group in load_dataset(path).groups for q in group.questions]


def closest_cosines(questions: list[str], held_out: list[str], embedder) -> np.ndarray:
    """Per question, its highest cosine to any of `held_out` (-1 when there is none)."""
    if not held_out:
        return np.full(len(questions), -1.0)

    def unit(texts):
        v = np.asarray(embedder.encode(texts), dtype=np.float64)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    return (unit(questions) @ unit(held_out).T).max(axis=1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("candidates", type=Path, help="JSONL questions ({id, question, answers})")
    parser.add_argument("--out", type=Path, required=True, help="where the kept questions go (JSONL)")
    parser.add_argument("--against", type=Path, nargs="+", default=list(HELD_OUT),
                        help="held-out question files (default: dev and seed)")
    parser.add_argument("--max-cosine", type=float, default=MAX_COSINE)
    parser.add_argument("--model", default=DEFAULT_MODEL)
    args = parser.parse_args()

    rows = [json.loads(line) for line in args.candidates.read_text(encoding="utf-8").splitlines() if line.strip()]
    load_dataset(args.candidates)  # the same checks as every question file (ids, answers, shape)
    embedder = get_embedder(args.model)
    held_out = [q for path in args.against for q in questions_of(path)]
    closest = closest_cosines([r["question"] for r in rows], held_out, embedder)
    kept = [r for r, c in zip(rows, closest) if c <= args.max_cosine]
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in kept), encoding="utf-8")
    print(f"{len(kept)} of {len(rows)} kept ({sum(bool(r['answers']) for r in kept)} answerable); "
          f"{len(rows) - len(kept)} within a cosine of {args.max_cosine} of a question in "
          f"{', '.join(p.name for p in args.against)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
