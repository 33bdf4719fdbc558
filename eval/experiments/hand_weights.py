"""Choose a hand-set ranker weight (issue 5): tune LOAO and dev hit@1 / hit@3 at each value.

`section_named` and `speaker_asked` are left out of the ranker's fit (SQuAD has no page sections and
few quoted speakers) and given fixed weights in eval/train_scorer.py, chosen on dev hit@1 with ties
to tune leave-one-article-out. This prints that table for one of them, featurising tune as
train_scorer.py does (each article by the half-tune encoder that never saw it) and dev with the
default encoder, and lists the dev questions whose first quote changes against weight 0.

    .venv/bin/python eval/experiments/hand_weights.py --folds /tmp/ft/lora-0_4 /tmp/ft/lora-4_8 \
        --feature speaker_asked --weights 0 0.5 1 2 3 4 6
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "eval"))
import train_scorer as ts  # noqa: E402

from retrieval import Retriever, build_index  # noqa: E402
from retrieval.embedding import DEFAULT_MODEL, get_embedder  # noqa: E402
from retrieval.evaluation.datasets import load_dataset  # noqa: E402
from retrieval.extract import SENTENCE_FEATURES, LinearModel  # noqa: E402


def with_weight(model: LinearModel, feature: str, weight: float) -> LinearModel:
    coef = list(model.coef)
    coef[SENTENCE_FEATURES.index(feature)] = weight
    return model.model_copy(update={"coef": coef})


def first_hits(model: LinearModel, rows) -> list[bool | None]:
    """Per question: does the first quote hit (None for an unanswerable question)."""
    return [None if imp else bool(y[np.argsort(-model.decision(c.features), kind="stable")[:1]].any())
            for c, y, imp in rows]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", nargs=2, required=True, metavar=("FIRST", "SECOND"),
                        help="the two half-tune encoders (make encoder)")
    parser.add_argument("--feature", choices=("speaker_asked", "section_named"), default="speaker_asked")
    parser.add_argument("--weights", type=float, nargs="+", default=[0, 0.5, 1, 2, 3, 4, 6])
    parser.add_argument("--ranker", choices=("logistic", "listwise"), default=ts.TUNED_RANKER,
                        help=f"the ranker the weight is for (default {ts.TUNED_RANKER}, the shipped one)")
    parser.add_argument("--tune", type=Path, default=ROOT.parent / "shared/benchmarks/squad-v2/tune.json")
    parser.add_argument("--dev", type=Path, default=ROOT / "eval/dev_qa.jsonl")
    args = parser.parse_args()

    groups = load_dataset(args.tune).groups
    (dev_group,) = load_dataset(args.dev).groups
    with tempfile.TemporaryDirectory() as tmp:
        articles = []
        for n, group in enumerate(groups):
            embedder = get_embedder(ts.fold_encoder(args.folds, n, len(groups)))
            retriever = ts.article_retriever(group, n, Path(tmp) / f"a{n}", embedder)
            articles.append(ts.labelled_candidates(retriever, group.questions, ts.PASSAGES, ts.SENTENCES))
        embedder = get_embedder(DEFAULT_MODEL)
        build_index([ROOT / "data"], Path(tmp) / "dev", embedder=embedder)
        dev = ts.labelled_candidates(Retriever.load(Path(tmp) / "dev", embedder=embedder),
                                     dev_group.questions, ts.PASSAGES, ts.SENTENCES)

    penalty = ts.TUNED_LENGTH_PENALTY
    marked = sum(int(c.features[:, SENTENCE_FEATURES.index(args.feature)].sum()) for a in articles for c, _, _ in a)
    print(f"{args.feature}: {marked} of tune's {sum(len(c.rows) for a in articles for c, _, _ in a)} candidates")
    folds = [ts.fit_sentence_model([r for j, a in enumerate(articles) if j != k for r in a],
                                   length_penalty=penalty, ranker=args.ranker) for k in range(len(articles))]
    full = ts.fit_sentence_model([r for a in articles for r in a], length_penalty=penalty, ranker=args.ranker)
    base = first_hits(with_weight(full, args.feature, 0.0), dev)
    print("weight | tune LOAO hit@1 / hit@3 | dev hit@1 / hit@3 | dev questions changed against 0")
    for w in args.weights:
        tune = np.mean([ts.ranking_hits(with_weight(m, args.feature, w), a) for m, a in zip(folds, articles)], axis=0)
        model = with_weight(full, args.feature, w)
        d1, d3 = ts.ranking_hits(model, dev)
        changed = [("+" if now else "-") + q.qid for q, was, now in zip(dev_group.questions, base, first_hits(model, dev))
                   if was is not None and was != now]
        print(f"{w:g} | {tune[0]:.3f} / {tune[1]:.3f} | {d1:.3f} / {d3:.3f} | {' '.join(changed) or '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
