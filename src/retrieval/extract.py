"""From retrieved passages to scored sentences: the features, the scorer, the quote spans."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from .fusion import fuse, ranks
from .models import Span
from .sparse import tokenize

SENTENCE_FEATURES = (
    "dense_sentence", "dense_passage", "dense_neighbour", "dense_gap", "dense_rank_recip",
    "bm25_sentence_norm", "bm25_sentence_log", "bm25_passage_norm", "passage_rank_recip",
    "overlap", "overlap_passage", "first_in_passage", "log_chars", "is_body",
)
QUESTION_FEATURES = (
    "top_score", "margin", "top_dense_sentence", "top_overlap", "top_bm25_log", "max_dense_passage",
)


class LinearModel(BaseModel):
    """A logistic model stored as plain numbers: sigmoid(coef · (x - mean) / scale + intercept)."""

    features: tuple[str, ...]
    coef: list[float]
    intercept: float
    mean: list[float]
    scale: list[float]

    def decision(self, x: np.ndarray) -> np.ndarray:
        z = (x - np.asarray(self.mean)) / np.asarray(self.scale)
        return z @ np.asarray(self.coef) + self.intercept


class Scorer(BaseModel):
    """The sentence ranker, the answerability model and the abstention threshold."""

    sentence: LinearModel
    question: LinearModel
    threshold: float
    passages_considered: int = 6
    note: str = ""

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Scorer":
        if path is None:
            return default_scorer()
        return cls.model_validate_json(Path(path).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def default_scorer() -> Scorer:
    text = resources.files("retrieval").joinpath("scorer.json").read_text(encoding="utf-8")
    return Scorer.model_validate_json(text)


@dataclass
class Candidates:
    """Sentences considered for one question, with their features (row-aligned)."""

    rows: np.ndarray             # index into retriever.sentences
    passage_ids: np.ndarray      # index into retriever.passages
    features: np.ndarray         # (n, len(SENTENCE_FEATURES))


def idf_weights(tokens: list[str], df: dict[str, int], n_docs: int) -> np.ndarray:
    return np.array([math.log(1 + (n_docs - df.get(t, 0) + 0.5) / (df.get(t, 0) + 0.5)) for t in tokens])


def coverage(query_tokens: list[str], weights: np.ndarray, text_tokens: set[str]) -> float:
    """Share of the query's IDF weight whose tokens occur in the text."""
    total = float(weights.sum())
    if total <= 0:
        return 0.0
    return float(sum(w for t, w in zip(query_tokens, weights) if t in text_tokens)) / total


def sentence_candidates(retriever, query: str, query_vector: np.ndarray, n_passages: int) -> Candidates:
    """Every sentence of the `n_passages` best fused passages, with ranking features."""
    ids, dense_p, bm25_p = retriever.candidate_scores(query, query_vector, max(50, 4 * n_passages))
    fused = fuse("rrf", dense_p, bm25_p)
    order = np.argsort(-fused, kind="stable")[:n_passages]
    bm25_p_max = float(bm25_p.max()) if len(bm25_p) and bm25_p.max() > 0 else 1.0
    query_tokens = list(dict.fromkeys(tokenize(query)))
    weights = idf_weights(query_tokens, retriever.sentence_df, len(retriever.sentences))
    bm25_s_all = retriever.bm25_sentences.scores(query)

    rows, pids, raw = [], [], []
    seen: set[int] = set()
    for rank, i in enumerate(order, start=1):
        pid = int(ids[i])
        passage = retriever.passages[pid]
        passage_tokens = set(tokenize(passage.text))
        spans = passage.sentences
        text = retriever.documents[passage.doc_id].text
        sent_rows = [retriever.sentence_row[(passage.doc_id, s.start, s.end)] for s in spans]
        sims = retriever.sentence_vectors[sent_rows] @ query_vector
        for j, (span, row) in enumerate(zip(spans, sent_rows)):
            if row in seen:
                continue
            seen.add(row)
            neighbours = [sims[m] for m in (j - 1, j + 1) if 0 <= m < len(spans)]
            raw.append([
                float(sims[j]), float(dense_p[i]), float(max(neighbours, default=sims[j])),
                0.0, 0.0,
                float(bm25_s_all[row]), math.log1p(float(bm25_s_all[row])), float(bm25_p[i]) / bm25_p_max,
                1.0 / rank,
                coverage(query_tokens, weights, set(tokenize(text[span.start:span.end]))),
                coverage(query_tokens, weights, passage_tokens),
                1.0 if j == 0 else 0.0, math.log(max(1, span.end - span.start)),
                1.0 if passage.section in ("body", "standfirst") else 0.0,
            ])
            rows.append(row)
            pids.append(pid)
    features = np.asarray(raw, dtype=np.float64).reshape(len(raw), len(SENTENCE_FEATURES))
    if len(features):
        col = SENTENCE_FEATURES.index
        features[:, col("dense_gap")] = features[:, col("dense_sentence")] - features[:, col("dense_sentence")].max()
        features[:, col("dense_rank_recip")] = 1.0 / ranks(features[:, col("dense_sentence")])
        bm = features[:, col("bm25_sentence_norm")]
        features[:, col("bm25_sentence_norm")] = bm / bm.max() if bm.max() > 0 else 0.0
    return Candidates(np.asarray(rows, dtype=np.int64), np.asarray(pids, dtype=np.int64), features)


def question_features(candidates: Candidates, scores: np.ndarray) -> np.ndarray:
    """Answerability features of one question from its scored candidates."""
    if len(scores) == 0:
        return np.zeros(len(QUESTION_FEATURES))
    order = np.argsort(-scores)
    top = order[0]
    second = scores[order[1]] if len(order) > 1 else scores[top] - 5.0
    f = candidates.features
    col = SENTENCE_FEATURES.index
    return np.array([
        scores[top], scores[top] - second, f[top, col("dense_sentence")], f[top, col("overlap")],
        f[:, col("bm25_sentence_log")].max(), f[:, col("dense_passage")].max(),
    ])


def quote_span(text: str, spans: tuple[Span, ...], j: int, min_chars: int = 25) -> tuple[int, int]:
    """The quote for sentence `j`: the sentence, joined to the next one when it is a fragment."""
    start, end = spans[j].start, spans[j].end
    if end - start < min_chars and j + 1 < len(spans):
        end = spans[j + 1].end
    return start, end
