"""Run methods over a dataset and judge every answer: the only part of evaluation that touches models.

A JSONL dataset is asked of an index that already exists. A SQuAD dataset gets one temporary index
per article, built once with one shared embedder; every method then asks that same index, and
question encodings are computed once and shared by the methods.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..answer import METHODS, Assistant
from ..embedding import DEFAULT_MODEL, Embedder, TokenVectors, encode_with_tokens, get_embedder
from ..errors import ConfigError
from ..extract import Scorer
from ..ingest import make_document
from ..models import Answer, Passage
from ..quotes import normalize_text
from ..retriever import Retriever
from .datasets import EvalDataset, EvalGroup, EvalQuestion
from .metrics import QUOTE_FOLD, QuestionResult, QuoteSource, contains_answer, normalize_answer, span_overlaps

BATCH = 64


class CachingEmbedder:
    """Wraps an embedder so that a text encoded once (a question asked by several methods) is reused,
    with its token vectors when the embedder gives them."""

    def __init__(self, inner: Embedder):
        self.inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self._cache: dict[str, tuple[np.ndarray, TokenVectors | None]] = {}

    def encode_with_tokens(self, texts: list[str]) -> tuple[np.ndarray, list[TokenVectors] | None]:
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            vectors, tokens = encode_with_tokens(self.inner, missing)
            self._cache.update(zip(missing, zip(vectors, tokens or [None] * len(missing))))
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32), []
        tokens = [self._cache[t][1] for t in texts]
        return np.stack([self._cache[t][0] for t in texts]), (None if None in tokens else tokens)

    def encode(self, texts: list[str], *, batch_size: int = 64, progress: bool = False) -> np.ndarray:
        return self.encode_with_tokens(texts)[0]

    def __getattr__(self, name: str):  # encode_tokens, where the inner embedder has it
        if name == "inner":
            raise AttributeError(name)
        return getattr(self.inner, name)


@dataclass
class EvalRun:
    """Judged results of every method on every group (article), plus what produced them."""

    dataset: EvalDataset
    methods: tuple[str, ...]
    k: int
    threshold: float
    scorer_note: str
    results: dict[str, list[list[QuestionResult]]] = field(default_factory=dict)
    seconds: float = 0.0
    model: str = ""
    # the known questions of the index asked (`retrieval.known`): their files and count
    known_questions: tuple[str, ...] = ()
    known_count: int = 0
    scorer: Scorer | None = None
    # every document asked is plain text, judged with the scorer's plain-text model and threshold
    plain: bool = False

    @property
    def group_names(self) -> list[str]:
        return [g.name for g in self.dataset.groups]


class ProgressLines:
    """Progress as short lines on stderr, for logs (CI) where a tqdm bar is not drawn: a line every
    `every` answers, and one when all are in; or, with `every` None, only the lines `article` prints."""

    def __init__(self, name: str, total: int, n_questions: int, n_methods: int, every: int | None = 100):
        self.name, self.total, self.every = name, total, every
        self.shape = f"{n_questions} questions × {n_methods} methods" if n_methods > 1 else ""
        self.done = 0
        self.started = time.perf_counter()

    def _say(self, text: str) -> None:
        print(f"eval {self.name}: {text}", file=sys.stderr, flush=True)

    def update(self, n: int) -> None:
        before, self.done = self.done, self.done + n
        if self.every and (self.done // self.every > before // self.every or self.done == self.total):
            self._say(f"{self.done}/{self.total} answers" + (f" ({self.shape})" if self.shape else "")
                      + f", {time.perf_counter() - self.started:.0f} s")

    def article(self, number: int, of: int, name: str, n_questions: int, seconds: float) -> None:
        """One article done: its place, name, question count and time."""
        self._say(f"article {number}/{of} ({name}): {n_questions} question{'' if n_questions == 1 else 's'}, "
                  f"{seconds:.0f} s ({time.perf_counter() - self.started:.0f} s so far)")

    def set_postfix_str(self, text: str) -> None:
        pass

    def close(self) -> None:
        pass


def _is_terminal(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or closed
        return False


def judge(
    answer: Answer, question: EvalQuestion, passages: dict[str, Passage], k: int, doc_id: str | None = None,
    threshold: float | None = None,
) -> QuestionResult:
    """Score one answer: which ranked quotes and passages hold a gold answer.

    The ranked quotes are the citations, or the closest passages when it abstained, so ranking is
    measured apart from abstention. A quote hits when its `[start, end)` overlaps a gold span of the
    same document, or its normalised text contains a normalised gold answer. `threshold`: the
    assistant's common threshold, so that an answer judged against a higher one keeps it.
    """
    ranked = (answer.citations or answer.closest)[:k]

    def hits(text: str, start: int, end: int, in_doc: str) -> bool:
        if doc_id is None or in_doc == doc_id:
            if any(span_overlaps(start, end, gs, ge) for gs, ge in question.spans):
                return True
        return any(contains_answer(text, gold) for gold in question.answers)

    quote_hits = tuple(hits(c.quote, c.start, c.end, c.doc_id) for c in ranked)
    passage_ids = list(dict.fromkeys(c.passage_id for c in ranked))[:k]
    passage_hits = tuple(
        hits(p.text, p.start, p.end, p.doc_id) for p in (passages[pid] for pid in passage_ids)
    )
    first = ranked[0] if ranked else None
    return QuestionResult(
        qid=question.qid, answerable=question.answerable, abstained=answer.abstained,
        confidence=float(answer.confidence), hits=quote_hits, passage_hits=passage_hits,
        first_quote=first.quote if first else None, gold=question.answers,
        own_threshold=answer.threshold if threshold is not None and answer.threshold is not None
        and answer.threshold > threshold else None,
        first_source=QuoteSource(first.doc_id, first.paragraph, first.section, first.start, first.end,
                                 float(first.score)) if first else None,
        reason=answer.reason, threshold=None if answer.threshold is None else float(answer.threshold),
    )


def golds_not_in_sources(questions: Sequence[EvalQuestion], texts: Sequence[str]) -> list[str]:
    """Ids of the answerable questions none of whose gold answers occurs in any of `texts`, compared as
    a quote is judged (`contains_answer`: whole words, case, whitespace, punctuation, articles and curly
    or straight quotes aside): their first quote can never hit, so they count as misses whatever the
    pipeline does."""
    sources = [f" {normalize_answer(text)} " for text in texts]
    missing = []
    for question in questions:
        needles = [normalize_answer(gold) for gold in question.answers]
        if needles and not any(needle and f" {needle} " in source for needle in needles for source in sources):
            missing.append(question.qid)
    return missing


def _loose(text: str) -> str:
    return " ".join(text.translate(QUOTE_FOLD).casefold().split())


def golds_inside_words(questions: Sequence[EvalQuestion], texts: Sequence[str]) -> list[str]:
    """Of `questions`, those with a gold answer that is in a source letter for letter (case, whitespace
    and curly or straight quotes aside), if perhaps not as whole words: "in 182" in "in 1825", or a
    word joined to the next by a dash with no spaces ("reporting—many"), which the judge does not split."""
    sources = [_loose(text) for text in texts]
    return [q.qid for q in questions if any(_loose(g) in source for g in q.answers for source in sources)]


def warn_missing_golds(missing: Sequence[str], index_dir: str | Path, inside_words: Sequence[str] = (),
                       shown: int = 10) -> None:
    """One warning on stderr naming (up to `shown` of) the questions whose gold answers no source holds;
    those whose gold is there letter for letter, but not as whole words, marked with "*"."""
    if not missing:
        return
    marked = [f"{q}*" if q in inside_words else q for q in missing[:shown]]
    ids = ", ".join(marked) + (f" and {len(missing) - shown} more" if len(missing) > shown else "")
    many = len(missing) != 1
    star = ("; * the text is there, but only as part of longer words (as when a dash with no spaces joins two), "
            "and a quote hits only on whole words") if any(q.endswith("*") for q in marked) else ""
    print(f"WARNING: {len(missing)} question{'s' if many else ''} ha{'ve' if many else 's'} no gold answer "
          f"found in any source of {index_dir} as whole words (case, whitespace, punctuation and curly or "
          f"straight quotes aside), so {'they' if many else 'it'} can only count as a miss: {ids}{star}. Fix the "
          "answers, or pass the --index-dir they were written for", file=sys.stderr)


def warn_known(questions: Sequence[EvalQuestion], retriever: Retriever, index_dir: str | Path) -> None:
    """One warning on stderr when questions asked are known questions of the index (`retrieval.known`):
    each finds itself, so their hits are in-sample."""
    if retriever.known is None:
        return
    known = {normalize_text(q.question) for q in retriever.known.questions}
    asked = [q.qid for q in questions if normalize_text(q.question) in known]
    if asked:
        many = len(asked) != 1
        ids = ", ".join(asked[:10]) + (f" and {len(asked) - 10} more" if len(asked) > 10 else "")
        print(f"WARNING: {len(asked)} of the {len(questions)} questions ({ids}) {'are' if many else 'is'} among the "
              f"known questions {index_dir} was built with ({', '.join(retriever.manifest.known_questions)}): "
              f"{'their' if many else 'its'} answers rank first because {'they are' if many else 'it is'} known, so "
              f"the hits are in-sample. Measure {'them' if many else 'it'} on an index built without "
              "--known-questions (python -m retrieval index … --index-dir OTHER, then --index-dir OTHER)",
              file=sys.stderr)


def _check_methods(methods: Sequence[str]) -> tuple[str, ...]:
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise ConfigError(f"unknown method {unknown[0]!r}; choose from {', '.join(METHODS)}.")
    return tuple(dict.fromkeys(methods))


def all_plain(assistant: Assistant) -> bool:
    """Every document of the assistant's index is plain text, judged with the scorer's plain model."""
    return all(assistant.plain(doc_id) for doc_id in assistant.documents)


def ask_group(
    retriever: Retriever, group: EvalGroup, methods: Sequence[str], scorer: Scorer, k: int,
    doc_id: str | None = None, bar=None,
) -> dict[str, list[QuestionResult]]:
    """Every method's judged results on one group, sharing the retriever and question encodings."""
    passages = {p.passage_id: p for p in retriever.passages}
    texts = [q.question for q in group.questions]
    out: dict[str, list[QuestionResult]] = {}
    for method in methods:
        assistant = Assistant(retriever, scorer=scorer, method=method)
        common = scorer.threshold_for(method == "pipeline" and all_plain(assistant))
        judged: list[QuestionResult] = []
        for lo in range(0, len(texts), BATCH):
            answers = assistant.ask_batch(texts[lo:lo + BATCH], k=k)
            judged.extend(
                judge(a, q, passages, k, doc_id, common)
                for a, q in zip(answers, group.questions[lo:lo + BATCH])
            )
            if bar is not None:
                bar.update(len(answers))
        out[method] = judged
    return out


def evaluate(
    dataset: EvalDataset,
    *,
    methods: Sequence[str] = ("pipeline",),
    k: int = 10,
    index_dir: str | Path = "index",
    scorer: Scorer | None = None,
    embedder: Embedder | None = None,
    model: str = DEFAULT_MODEL,
    progress: bool | None = None,
) -> EvalRun:
    """Ask every question of `dataset` with each method and judge the answers.

    Args:
        dataset: from `load_dataset`.
        methods: any of "pipeline", "bm25", "dense".
        k: quotes requested per question (the depth of the ranking metrics).
        index_dir: the index a JSONL dataset is asked of (SQuAD articles get their own).
        scorer: the pipeline's scorer (default: the packaged scorer for the index's encoder).
        embedder: the encoder for SQuAD article indexes (default: `model`).
        progress: a tqdm bar on stderr (True), nothing (False), or None: the bar when stderr is a
            terminal, else short lines for logs, one per SQuAD article or every 100 answers of a JSONL
            file (`ProgressLines`).

    Example:
        >>> run = evaluate(load_dataset("eval/seed_qa.jsonl"), methods=["pipeline", "bm25"])
        >>> compute_metrics(run.results["pipeline"][0])["hit@1"]
    """
    from tqdm import tqdm

    if k < 1:
        raise ConfigError(f"k must be at least 1, got {k}.")
    methods = _check_methods(methods)
    if scorer is None:
        from ..store import read_manifest

        if dataset.kind == "jsonl":
            encoder = read_manifest(index_dir).model
        else:
            encoder = embedder.name if embedder else model
        scorer = Scorer.load(model=encoder)
    run = EvalRun(dataset=dataset, methods=methods, k=k, threshold=scorer.threshold,
                  scorer_note=scorer.note, scorer=scorer, results={m: [] for m in methods})
    started = time.perf_counter()
    total = dataset.n_questions * len(methods)
    if progress is None and not _is_terminal(sys.stderr):
        bar = ProgressLines(Path(dataset.path).name, total, dataset.n_questions, len(methods),
                            every=100 if dataset.kind == "jsonl" else None)
    else:
        bar = tqdm(total=total, desc=f"eval {Path(dataset.path).name}", unit="q", file=sys.stderr,
                   disable=None if progress is None else not progress)
    try:
        if dataset.kind == "jsonl":
            retriever = Retriever.load(index_dir)
            retriever.embedder = CachingEmbedder(retriever.embedder)
            run.model = retriever.manifest.model
            run.known_questions = tuple(retriever.manifest.known_questions)
            run.known_count = retriever.manifest.known_count
            run.plain = all_plain(Assistant(retriever, scorer=scorer))
            questions = [q for g in dataset.groups for q in g.questions]
            warn_known(questions, retriever, index_dir)
            texts = [doc.text for doc in retriever.documents.values()]
            missing = golds_not_in_sources(questions, texts)
            if missing:
                unfound = [q for q in questions if q.qid in set(missing)]
                warn_missing_golds(missing, index_dir, golds_inside_words(unfound, texts))
            for group in dataset.groups:
                for method, judged in ask_group(retriever, group, methods, scorer, k, bar=bar).items():
                    run.results[method].append(judged)
        else:
            from ..store import build_index_from_documents

            base = embedder or get_embedder(model)
            run.model = base.name
            plain: list[bool] = []  # per article
            for number, group in enumerate(dataset.groups, start=1):
                bar.set_postfix_str(group.name[:30])
                article_started = time.perf_counter()
                doc = make_document(group.text or "", path=f"{dataset.path}#{group.name}",
                                    doc_id=group.name, meta={"title": group.name})
                with tempfile.TemporaryDirectory(prefix="retrieval-eval-") as tmp:
                    build_index_from_documents([doc], tmp, embedder=base)
                    retriever = Retriever.load(tmp, embedder=CachingEmbedder(base))
                    plain.append(all_plain(Assistant(retriever, scorer=scorer)))
                    judged_by_method = ask_group(retriever, group, methods, scorer, k, doc_id=doc.doc_id, bar=bar)
                for method, judged in judged_by_method.items():
                    run.results[method].append(judged)
                if isinstance(bar, ProgressLines):
                    bar.article(number, len(dataset.groups), group.name, len(group.questions),
                                time.perf_counter() - article_started)
            run.plain = bool(plain) and all(plain)
    finally:
        bar.close()
    run.threshold = scorer.threshold_for(run.plain)
    run.seconds = time.perf_counter() - started
    return run
