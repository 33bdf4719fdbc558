"""Shared work files of the issue-5 experiments: every question's candidates, labels and quote texts.

    .venv/bin/python eval/experiments/candidates.py      # writes tune/test/dev/seed .pkl to --work

For tune.json and test.json each article is indexed alone; dev and seed are asked of the article
(data/). Every experiment here studied the packaged model alone (before the shipped adapter), so they
all use it (`base_encoder`, `base_article_retriever`) and the scorer trained for it. Also here: the shipped ranker's features with extra score columns appended
(`design`), a ranker fitted on them (`fit_ranker`) and hit@1 / hit@3 of a score function (`ranked`).
"""

from __future__ import annotations

import argparse
import pickle
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "eval"))
import train_scorer as ts  # noqa: E402

from retrieval import Retriever, build_index  # noqa: E402
from retrieval.embedding import BASE_MODEL, get_embedder  # noqa: E402
from retrieval.evaluation.datasets import load_dataset  # noqa: E402
from retrieval.extract import BASE_SCORER_FILE, default_scorer, quote_span  # noqa: E402

SQUAD = ROOT.parent / "shared/benchmarks/squad-v2"
WORK = Path("/tmp/ce")


def base_encoder(backend: str | None = None):
    """The packaged model alone, which the experiments studied."""
    return get_embedder(BASE_MODEL, backend=backend)


def base_scorer():
    """The scorer trained for the packaged model alone."""
    return default_scorer(BASE_SCORER_FILE)


def base_article_retriever(embedder=None) -> Retriever:
    """The article (data/) indexed with the packaged model alone, in a fresh temporary folder."""
    embedder = embedder or base_encoder()
    folder = Path(tempfile.mkdtemp(prefix="experiment-index-"))
    build_index([ROOT / "data"], folder, embedder=embedder)
    return Retriever.load(folder, embedder=embedder)


def rows_of(retriever: Retriever, questions) -> list[dict]:
    """Per question: its candidates, 0/1 labels, quote texts and each quote's previous sentence."""
    out = []
    for q, (cands, labels, impossible) in zip(
            questions, ts.labelled_candidates(retriever, questions, ts.PASSAGES, ts.SENTENCES)):
        texts, prevs = [], []
        for row, pid in zip(cands.rows, cands.passage_ids):
            passage = retriever.passages[int(pid)]
            text = retriever.documents[passage.doc_id].text
            j = passage.sentences.index(retriever.sentences[int(row)][1])
            start, end = quote_span(text, passage.sentences, j)
            texts.append(text[start:end])
            prevs.append(text[passage.sentences[j - 1].start:passage.sentences[j - 1].end] if j > 0 else "")
        out.append({"id": q.qid, "question": q.question, "impossible": impossible, "cands": cands,
                    "labels": labels, "texts": texts, "prevs": prevs})
    return out


def collect(work: Path) -> None:
    embedder = base_encoder()
    work.mkdir(parents=True, exist_ok=True)
    for name, path in (("tune", SQUAD / "tune.json"), ("test", SQUAD / "test.json")):
        articles = []
        with tempfile.TemporaryDirectory() as tmp:
            for n, group in enumerate(load_dataset(path).groups):
                articles.append(rows_of(ts.article_retriever(group, n, Path(tmp) / f"a{n}", embedder),
                                        group.questions))
                print(f"{name} article {n + 1}", file=sys.stderr, flush=True)
        (work / f"{name}.pkl").write_bytes(pickle.dumps(articles))
    retriever = base_article_retriever(embedder)
    for name in ("dev", "seed"):
        (group,) = load_dataset(ROOT / f"eval/{name}_qa.jsonl").groups
        (work / f"{name}.pkl").write_bytes(pickle.dumps([rows_of(retriever, group.questions)]))


def load(work: Path, name: str) -> list[list[dict]]:
    return pickle.loads((work / f"{name}.pkl").read_bytes())


def extra_columns(score: np.ndarray) -> np.ndarray:
    """An extra score of the candidates, its gap to the best candidate and its reciprocal rank."""
    if len(score) == 0:
        return np.zeros((0, 3))
    rank = np.empty(len(score))
    rank[np.argsort(-score, kind="stable")] = np.arange(1, len(score) + 1)
    return np.column_stack([score, score - score.max(), 1.0 / rank])


def design(row: dict, extra: np.ndarray | None) -> np.ndarray:
    return row["cands"].features if extra is None else np.column_stack([row["cands"].features, extra_columns(extra)])


def fit_ranker(articles, extra_articles=None):
    """The shipped ranker's recipe (`train_scorer.fit_sentence_model`), with the extra columns."""
    rows, extra = [], []
    for n, article in enumerate(articles):
        for i, row in enumerate(article):
            rows.append((row["cands"], row["labels"], row["impossible"]))
            extra.append(None if extra_articles is None else extra_columns(extra_articles[n][i]))
    if extra_articles is None:
        return ts.fit_sentence_model(rows)
    return ts.fit_sentence_model(rows, extra, ("extra", "extra_gap", "extra_rr"))


def ranked(article, score_fn) -> tuple[float, float, list]:
    """hit@1 and hit@3 over the article's answerable questions, and every question's scores."""
    h1, h3, tops = [], [], []
    for i, row in enumerate(article):
        s = score_fn(i, row)
        tops.append(s)
        if row["impossible"]:
            continue
        order = np.argsort(-s, kind="stable")
        h1.append(bool(row["labels"][order[:1]].any()))
        h3.append(bool(row["labels"][order[:3]].any()))
    return float(np.mean(h1)), float(np.mean(h3)), tops


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=WORK)
    collect(parser.parse_args().work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
