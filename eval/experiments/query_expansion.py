"""Experiment (issue 5, dropped): query rewriting as pseudo-relevance feedback in vector space.

The question's vector q becomes q' = q + alpha * mean(vectors of its m best candidates by q), normalised
(Rocchio), and the cosine of each candidate with q' (with its gap to the best and its reciprocal rank) is
added to the shipped ranker's features. Tune: leave-one-article-out; dev, seed and test.json: rankers
trained on all of tune (test is only reported).

    .venv/bin/python eval/experiments/candidates.py     # candidates
    .venv/bin/python eval/experiments/query_adapter.py vectors      # question and sentence vectors
    .venv/bin/python eval/experiments/query_expansion.py
"""

from __future__ import annotations

import argparse
import pickle
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "eval"))
sys.path.insert(0, str(ROOT / "eval/experiments"))
import candidates as cand  # noqa: E402


def expanded(articles, vecs, alpha: float, m: int) -> list[list[np.ndarray]]:
    out = []
    for article, (qv, sv) in zip(articles, vecs):
        per = []
        for i, row in enumerate(article):
            rows = row["cands"].rows
            if not len(rows):
                per.append(np.zeros(0))
                continue
            best = np.argsort(-(sv[rows] @ qv[i]))[:m]
            q = qv[i] + alpha * sv[rows[best]].mean(axis=0)
            per.append(sv[rows] @ (q / np.linalg.norm(q)))
        out.append(per)
    return out


def figures(tune, sets, extra_tune, extra_sets) -> str:
    def score_fn(model, extra, n):
        return lambda i, row: model.decision(cand.design(row, None if extra is None else extra[n][i]))

    cv = []
    for k in range(len(tune)):
        rest = None if extra_tune is None else extra_tune[:k] + extra_tune[k + 1:]
        model = cand.fit_ranker(tune[:k] + tune[k + 1:], rest)
        cv.append(cand.ranked(tune[k], score_fn(model, None if extra_tune is None else [extra_tune[k]], 0))[:2])
    model = cand.fit_ranker(tune, extra_tune)
    parts = [f"tune LOAO {np.mean(cv, axis=0)[0]:.3f} / {np.mean(cv, axis=0)[1]:.3f}"]
    for name, (articles, _) in sets.items():
        extra = None if extra_sets is None else extra_sets[name]
        h = np.mean([cand.ranked(a, score_fn(model, extra, n))[:2] for n, a in enumerate(articles)], axis=0)
        parts.append(f"{name} {h[0]:.3f} / {h[1]:.3f}")
    return " | ".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=cand.WORK)
    args = parser.parse_args()

    def load(name):
        return cand.load(args.work, name), pickle.loads((args.work / f"{name}-vectors.pkl").read_bytes())

    tune, tune_v = load("tune")
    sets = {name: load(name) for name in ("dev", "seed", "test")}
    print("hit@1 / hit@3; shipped features:", figures(tune, sets, None, None), flush=True)
    for alpha, m in ((0.5, 2), (1.0, 3)):
        extra_sets = {name: expanded(a, v, alpha, m) for name, (a, v) in sets.items()}
        print(f"+ expanded query (alpha {alpha}, m {m}):",
              figures(tune, sets, expanded(tune, tune_v, alpha, m), extra_sets), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
