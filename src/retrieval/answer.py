"""Answers: extract the best sentences as cited quotes, or abstain."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .errors import ConfigError, QuestionError
from .extract import Candidates, Scorer, quote_span, question_features, sentence_candidates
from .fusion import sigmoid
from .models import SECTION_LABELS, Answer, Citation
from .retriever import DEFAULT_INDEX_DIR, Retriever

MAX_QUESTION_CHARS = 2000
METHODS = ("pipeline", "bm25", "dense")


def check_question(question: str) -> str:
    """The question stripped, or `QuestionError` when empty, blank or too long."""
    if not isinstance(question, str):
        raise QuestionError(f"the question must be text, got {type(question).__name__}.")
    cleaned = "".join(ch for ch in question if ch.isprintable() or ch in "\n\t").strip()
    if not cleaned:
        raise QuestionError("the question is empty; ask something about the source.")
    if len(question) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"the question is {len(question)} characters long; the limit is {MAX_QUESTION_CHARS}. Shorten it."
        )
    return cleaned


class Assistant:
    """Answers questions with verbatim quotes from the indexed sources, or abstains.

    Example:
        >>> assistant = Assistant.load()
        >>> answer = assistant.ask("How many requests for help has the network received?")
        >>> answer.citations[0].quote
        'It says it has received “around 50” requests for help from people in the region.'
    """

    def __init__(self, retriever: Retriever, scorer: Scorer | None = None, method: str = "pipeline"):
        if method not in METHODS:
            raise ConfigError(f"unknown method {method!r}; choose from {', '.join(METHODS)}.")
        self.retriever = retriever
        self.scorer = scorer or Scorer.load()
        self.method = method

    @classmethod
    def load(
        cls,
        index_dir: str | Path | None = None,
        *,
        sources: Sequence[str | Path] | None = None,
        scorer: Scorer | None = None,
        method: str = "pipeline",
        **retriever_options,
    ) -> "Assistant":
        """Load an index (default `index/`), building it from `sources` (default `data/`) when missing."""
        from .store import MANIFEST, build_index

        index_dir = Path(index_dir) if index_dir is not None else DEFAULT_INDEX_DIR
        if not (index_dir / MANIFEST).exists():
            default_sources = [Path("data")] if index_dir == DEFAULT_INDEX_DIR else None
            if sources or default_sources:
                build_index(sources or default_sources, index_dir)
        return cls(Retriever.load(index_dir, **retriever_options), scorer=scorer, method=method)

    @property
    def documents(self):
        return self.retriever.documents

    @property
    def threshold(self) -> float:
        return self.scorer.threshold

    def ask(self, question: str, k: int = 3) -> Answer:
        """Answer one question with up to `k` citations, best first."""
        return self.ask_batch([question], k=k)[0]

    def ask_batch(self, questions: Sequence[str], k: int = 3) -> list[Answer]:
        """Answer many questions; their encodings are batched."""
        if k < 1:
            raise ConfigError(f"k must be at least 1, got {k}.")
        cleaned = [check_question(q) for q in questions]
        vectors = self.retriever.encode(cleaned) if cleaned else []
        return [self._answer(q, v, k) for q, v in zip(cleaned, vectors)]

    def _answer(self, question: str, query_vector: np.ndarray, k: int) -> Answer:
        scorer = self.scorer
        candidates = sentence_candidates(
            self.retriever, question, query_vector, scorer.passages_considered, scorer.sentences_considered
        )
        scores, confidence = self.score(candidates)
        order = np.argsort(-scores, kind="stable")
        citations = self._citations(candidates, order, scores, limit=k)
        if not citations:
            return Answer(question=question, abstained=True, reason="the index holds no text",
                          threshold=scorer.threshold)
        if confidence < scorer.threshold:
            return Answer(
                question=question, abstained=True, confidence=confidence, threshold=scorer.threshold,
                reason="the source does not appear to answer this question; the closest passages "
                       "are listed but are not an answer",
                closest=citations,
            )
        return Answer(question=question, abstained=False, confidence=confidence,
                      threshold=scorer.threshold, citations=citations)

    def score(self, candidates: Candidates) -> tuple[np.ndarray, float]:
        """Sentence scores (higher is better) and the question's answerability in [0, 1]."""
        from .extract import SENTENCE_FEATURES

        f = candidates.features
        if len(f) == 0:
            return np.zeros(0), 0.0
        if self.method == "dense":
            scores = f[:, SENTENCE_FEATURES.index("dense_sentence")]
            return scores, float(scores.max())
        if self.method == "bm25":
            scores = f[:, SENTENCE_FEATURES.index("bm25_sentence_log")]
            return scores, float(1 - np.exp(-scores.max()))
        scores = self.scorer.sentence.decision(f)
        q = question_features(candidates, scores)[None, :]
        return scores, sigmoid(float(self.scorer.question.decision(q)[0]))

    def _citations(self, candidates: Candidates, order, scores, limit: int) -> list[Citation]:
        retriever = self.retriever
        out: list[Citation] = []
        taken: list[tuple[str, int, int]] = []
        for i in order:
            row, pid = int(candidates.rows[i]), int(candidates.passage_ids[i])
            passage = retriever.passages[pid]
            doc = retriever.documents[passage.doc_id]
            _, span = retriever.sentences[row]
            j = passage.sentences.index(span)
            start, end = quote_span(doc.text, passage.sentences, j)
            if any(d == doc.doc_id and start < e and s < end for d, s, e in taken):
                continue
            taken.append((doc.doc_id, start, end))
            out.append(Citation(
                doc_id=doc.doc_id, doc_title=doc.title, passage_id=passage.passage_id,
                paragraph=passage.paragraph, section=passage.section,
                section_label=SECTION_LABELS[passage.section], quote=doc.text[start:end],
                start=start, end=end, score=round(sigmoid(float(scores[i])), 4)
                if self.method == "pipeline" else round(float(scores[i]), 4),
                source_sha256=doc.sha256, stale=doc.doc_id in retriever.stale_docs,
            ))
            if len(out) >= limit:
                break
        return out
