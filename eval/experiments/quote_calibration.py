"""Check (issue 5): are the per-quote scores the app shows ("confidence low (46%)") calibrated?

A citation's score was the sigmoid of the sentence ranker's logit; it is now that logit recalibrated
on dev (`Scorer.quote_score`, Platt scaling fitted by eval/train_scorer.py). For the first three quotes
of every answerable question, this compares a score with how often such quotes hit, in ten bins: on
tune (leave-one-article-out rankers, plain sigmoid) and on dev and seed (the shipped ranker: plain
sigmoid, the softmax share over the question's candidates, and the shipped calibrated score; dev is
where the calibration was fitted, seed is only measured). ECE = the bins' size-weighted
|mean score − hit rate|.

    .venv/bin/python eval/experiments/candidates.py   # candidates (shared work files)
    .venv/bin/python eval/experiments/quote_calibration.py
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "eval"))
sys.path.insert(0, str(ROOT / "eval/experiments"))
import candidates as cand  # noqa: E402
import train_scorer as ts  # noqa: E402

from retrieval.evaluation.datasets import load_dataset  # noqa: E402


def expected_calibration_error(p: np.ndarray, y: np.ndarray, bins: int = 10) -> tuple[float, list]:
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(p, edges) - 1, 0, bins - 1)
    rows, error = [], 0.0
    for b in range(bins):
        m = which == b
        if m.any():
            error += m.mean() * abs(p[m].mean() - y[m].mean())
            rows.append(f"{edges[b]:.1f}-{edges[b + 1]:.1f}: n={m.sum()} score {p[m].mean():.2f} hit {y[m].mean():.2f}")
    return float(error), rows


def top_quotes(articles, rankers, scorer=None) -> tuple[np.ndarray, ...]:
    sig, soft, hit, shipped = [], [], [], []
    for article, ranker in zip(articles, rankers):
        for row in article:
            if row["impossible"] or not len(row["labels"]):
                continue
            s = ranker.decision(row["cands"].features)
            share = np.exp(s - s.max())
            share /= share.sum()
            for j in np.argsort(-s, kind="stable")[:3]:
                sig.append(1 / (1 + np.exp(-s[j])))
                shipped.append(scorer.quote_score(float(s[j])) if scorer is not None else np.nan)
                soft.append(share[j])
                hit.append(row["labels"][j])
    return np.array(sig), np.array(soft), np.array(hit, dtype=float), np.array(shipped)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=cand.WORK)
    args = parser.parse_args()
    tune = cand.load(args.work, "tune")
    scorer = cand.base_scorer()
    retriever = cand.base_article_retriever()
    sets = {"tune (leave-one-article-out)": top_quotes(
        tune, [cand.fit_ranker(tune[:k] + tune[k + 1:], None) for k in range(len(tune))])}
    for name in ("dev", "seed"):
        (group,) = load_dataset(ROOT / f"eval/{name}_qa.jsonl").groups
        rows = [{"impossible": imp, "labels": y, "cands": c} for c, y, imp in ts.labelled_candidates(
            retriever, group.questions, scorer.passages_considered, scorer.sentences_considered)]
        sets[f"{name} (shipped ranker)"] = top_quotes([rows], [scorer.sentence], scorer)
    for name, (sig, soft, hit, shipped) in sets.items():
        kinds = [("sigmoid", sig), ("softmax share", soft)]
        if not np.isnan(shipped).all():
            kinds.append(("shipped (calibrated)", shipped))
        for label, p in kinds:
            error, rows = expected_calibration_error(p, hit)
            print(f"{name}, {label}: ECE {error:.3f} over {len(p)} quotes\n  " + "\n  ".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
