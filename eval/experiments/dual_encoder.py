"""Experiment (issue 5): the packaged model's similarities beside the default encoder's.

The default encoder (packaged MiniLM + the LoRA adapter trained on tune) ranks SQuAD's questions
better than the packaged model, but on the article's paraphrased questions the two are closer, and
they may err on different questions. Here every candidate sentence of the shipped pipeline also gets
the packaged model's cosine with the question (its own, its gap to the best candidate's, its
reciprocal rank, and the same for the sentence with its neighbours' best), as extra ranker columns.

- tune.json leave-one-article-out (each article's candidates from the half-tune encoder that never saw
  it, as `eval/train_scorer.py --folds` does), macro hit@1 / hit@3, with and without the columns;
- eval/dev_qa.jsonl, rankers trained on all of tune (ranking only: the candidates' best-first order,
  without de-duplicating overlapping quotes, so figures can differ from `retrieval eval` by ~0.01).

    .venv/bin/python eval/experiments/dual_encoder.py --folds /tmp/ft/lora-0_4 /tmp/ft/lora-4_8

Never reads test.json or seed_qa.jsonl unless `--report-test` is given (after the decision).
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
from retrieval.embedding import BASE_MODEL, DEFAULT_MODEL, get_embedder  # noqa: E402
from retrieval.evaluation.datasets import load_dataset  # noqa: E402
from retrieval.extract import sentence_table  # noqa: E402
from retrieval.fusion import ranks  # noqa: E402

SQUAD = ROOT.parent / "shared/benchmarks/squad-v2"
NAMES = ("base_dense", "base_gap", "base_rank_recip", "base_context", "base_context_gap")


def base_columns(retriever: Retriever, questions, rows, base) -> list[np.ndarray]:
    """Per question, the packaged model's columns for each of its candidates."""
    texts = [retriever.documents[d].text[s.start:s.end] for d, s in retriever.sentences]
    sentence_vectors = base.encode(texts)
    question_vectors = base.encode([q.question for q in questions])
    table = sentence_table(retriever)
    out = []
    for q, (cands, _, _) in zip(question_vectors, rows):
        all_sims = sentence_vectors @ q
        r = cands.rows
        sims = all_sims[r]
        neighbours = np.stack([np.where(table.prev[r] >= 0, all_sims[np.maximum(table.prev[r], 0)], -1.0),
                               np.where(table.next[r] >= 0, all_sims[np.maximum(table.next[r], 0)], -1.0)])
        context = np.maximum(sims, neighbours.max(axis=0))
        out.append(np.column_stack([sims, sims - sims.max(), 1.0 / ranks(sims), context,
                                    context - context.max()]))
    return out


def hits(model, rows, extra) -> tuple[float, float]:
    h1, h3 = [], []
    for (c, y, imp), x in zip(rows, extra):
        if imp or not len(y):
            continue
        features = c.features if x is None else np.column_stack([c.features, x])
        order = np.argsort(-model.decision(features), kind="stable")
        h1.append(bool(y[order[:1]].any()))
        h3.append(bool(y[order[:3]].any()))
    return float(np.mean(h1)), float(np.mean(h3))


def fit(rows, extra, with_base: bool):
    return ts.fit_sentence_model(rows, extra=extra if with_base else None,
                                 extra_features=NAMES if with_base else (),
                                 length_penalty=ts.TUNED_LENGTH_PENALTY)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", nargs=2, required=True, metavar=("FIRST", "SECOND"))
    parser.add_argument("--report-test", action="store_true",
                        help="also measure SQuAD test.json (report only, after the decision)")
    args = parser.parse_args()
    base = get_embedder(BASE_MODEL)
    groups = load_dataset(SQUAD / "tune.json").groups
    articles, extras = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for n, group in enumerate(groups):
            embedder = get_embedder(ts.fold_encoder(args.folds, n, len(groups)))
            retriever = ts.article_retriever(group, n, Path(tmp) / f"a{n}", embedder)
            rows = ts.labelled_candidates(retriever, group.questions, ts.PASSAGES, ts.SENTENCES)
            articles.append(rows)
            extras.append(base_columns(retriever, group.questions, rows, base))
            print(f"tune article {n + 1}/{len(groups)}", file=sys.stderr, flush=True)

        for with_base in (False, True):
            scores = []
            for k in range(len(articles)):
                train = [r for j, a in enumerate(articles) if j != k for r in a]
                extra = [x for j, e in enumerate(extras) if j != k for x in e]
                model = fit(train, extra, with_base)
                scores.append(hits(model, articles[k], extras[k] if with_base else [None] * len(articles[k])))
            h = np.array(scores).mean(axis=0)
            print(f"tune LOAO {'with' if with_base else 'without'} the packaged model's columns: "
                  f"hit@1 {h[0]:.3f} hit@3 {h[1]:.3f}")

        models = {w: fit([r for a in articles for r in a], [x for e in extras for x in e], w)
                  for w in (False, True)}
        embedder = get_embedder(DEFAULT_MODEL)
        build_index([ROOT / "data"], Path(tmp) / "dev", embedder=embedder)
        retriever = Retriever.load(Path(tmp) / "dev", embedder=embedder)
        sets = [("dev", load_dataset(ROOT / "eval/dev_qa.jsonl").groups[0].questions, retriever)]
        for name, questions, r in sets:
            rows = ts.labelled_candidates(r, questions, ts.PASSAGES, ts.SENTENCES)
            extra = base_columns(r, questions, rows, base)
            for w, model in models.items():
                h1, h3 = hits(model, rows, extra if w else [None] * len(rows))
                print(f"{name} {'with' if w else 'without'}: hit@1 {h1:.3f} hit@3 {h3:.3f}")
        if args.report_test:
            test = []
            for n, group in enumerate(load_dataset(SQUAD / "test.json").groups):
                r = ts.article_retriever(group, n, Path(tmp) / f"t{n}", embedder)
                rows = ts.labelled_candidates(r, group.questions, ts.PASSAGES, ts.SENTENCES)
                extra = base_columns(r, group.questions, rows, base)
                test.append([hits(models[w], rows, extra if w else [None] * len(rows)) for w in (False, True)])
            h = np.array(test).mean(axis=0)
            print(f"test (report only) without: {h[0][0]:.3f} / {h[0][1]:.3f}; with: {h[1][0]:.3f} / {h[1][1]:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
