"""Hybrid passage retrieval over a built index: dense (FAISS) and BM25, fused."""

from __future__ import annotations

import threading
import time
from functools import cached_property
from pathlib import Path

import numpy as np

from . import dense
from .embedding import Embedder, TokenVectors, encode_with_tokens, encoder_version, get_embedder
from .errors import ConfigError, IndexCorruptError, IndexStaleError, QuestionError, RetrievalError, rebuild_hint
from .fusion import fuse, top_k
from .known import KnownQuestions
from .models import Document, Passage, PassageHit, Span
from .sparse import SparseIndex, document_frequencies
from .store import (
    Manifest, changed_sources, read_manifest, source_signatures, unique_sentences, verify_files,
)

DEFAULT_INDEX_DIR = Path("index")
# the project's known questions for its data/ (`retrieval.known`; the Makefile's index target gives them too)
DEFAULT_KNOWN_QUESTIONS = (Path("eval/news_train.jsonl"), Path("eval/news_known.jsonl"))
LOAD_ATTEMPTS = 3  # a load that overlaps a rebuild's swap reads the new manifest
STALE_CHECK_INTERVAL = 1.0  # seconds between looks at the source files (`Retriever.refresh_stale`)
QUERY_TOKENS_KEPT = 256  # see `Retriever.query_tokens`; `Assistant.ask_batch` encodes fewer at a time


def _read_jsonl(path: Path, model):
    try:
        with path.open(encoding="utf-8") as fh:
            return [model.model_validate_json(line) for line in fh if line.strip()]
    except ValueError as exc:
        raise IndexCorruptError(f"{path} cannot be read ({exc.__class__.__name__}).") from None


MAX_QUESTION_CHARS = 2000


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


class Retriever:
    """Ranked passages for a query, from an index built by `build_index`.

    Example:
        >>> retriever = Retriever.load("index")
        >>> hits = retriever.search("Who rules Chechnya?", k=3)
        >>> hits[0].passage.paragraph
        12
    """

    def __init__(
        self,
        index_dir: Path,
        manifest: Manifest,
        documents: list[Document],
        passages: list[Passage],
        passage_vectors: np.ndarray,
        faiss_index,
        sentence_vectors: np.ndarray,
        bm25_passages: SparseIndex,
        bm25_sentences: SparseIndex,
        embedder: Embedder,
        stale_docs: frozenset[str] = frozenset(),
        known: KnownQuestions | None = None,
    ):
        self.index_dir = index_dir
        self.manifest = manifest
        self.documents = {d.doc_id: d for d in documents}
        self.passages = passages
        self.passage_vectors = passage_vectors
        self.faiss_index = faiss_index
        self.sentence_vectors = sentence_vectors
        self.bm25_passages = bm25_passages
        self.bm25_sentences = bm25_sentences
        self.embedder = embedder
        self.stale_docs = stale_docs
        self.sentences: list[tuple[str, Span]] = unique_sentences(passages)
        self.sentence_row = {(d, s.start, s.end): i for i, (d, s) in enumerate(self.sentences)}
        self.known = known  # questions asked before, with the sentences that answer them (`retrieval.known`)
        self._query_tokens: dict[str, TokenVectors] = {}  # the last QUERY_TOKENS_KEPT queries encoded
        self._query_lock = threading.Lock()
        self._signatures: dict[str, tuple[int, int] | None] = {}
        self._stale_checked = time.monotonic()
        self._rebuild_checked, self._rebuilt = time.monotonic(), False

    def refresh_stale(self, min_interval: float = STALE_CHECK_INTERVAL) -> frozenset[str]:
        """Look again, at most once per `min_interval` seconds, for source files changed since the index
        was built (a file whose size and time are as at load is not read again); returns the doc_ids whose
        staleness changed. A server keeps answering while its sources are edited."""
        now = time.monotonic()
        if now - self._stale_checked < min_interval or not self._signatures:
            return frozenset()
        self._stale_checked = now
        signatures = source_signatures(self.manifest, self.index_dir)
        moved = [d for d, sig in signatures.items() if sig != self._signatures.get(d)]
        if not moved:
            return frozenset()
        self._signatures = signatures
        changed = set(changed_sources(self.manifest, self.index_dir, only=moved))
        stale = (self.stale_docs - set(moved)) | changed
        flipped = frozenset(stale ^ self.stale_docs)
        self.stale_docs = frozenset(stale)
        return flipped

    def rebuilt(self, min_interval: float = STALE_CHECK_INTERVAL) -> bool:
        """Whether the index folder was built again since this was loaded (its manifest names another data
        folder), looked at at most once per `min_interval` seconds. Load it again to answer from it
        (`Assistant.current`)."""
        now = time.monotonic()
        if self._rebuilt or now - self._rebuild_checked < min_interval:
            return self._rebuilt
        self._rebuild_checked = now
        try:
            self._rebuilt = read_manifest(self.index_dir).data_dir != self.manifest.data_dir
        except RetrievalError:  # mid-build or removed: keep answering from what is loaded
            return False
        return self._rebuilt

    @classmethod
    def load(
        cls, index_dir: str | Path = DEFAULT_INDEX_DIR, *, embedder: Embedder | None = None,
        allow_stale: bool = True,
    ) -> "Retriever":
        """Load and check an index.

        Args:
            index_dir: folder written by `build_index`.
            embedder: the query encoder; by default the manifest's model. It must be that model.
            allow_stale: when a source file changed after the build, keep answering from the
                indexed text and mark its citations `stale` (True), or raise `IndexStaleError`.
        """
        index_dir = Path(index_dir)
        for attempt in range(LOAD_ATTEMPTS):
            manifest = read_manifest(index_dir)
            try:
                return cls._load_data(index_dir, manifest, embedder, allow_stale)
            except IndexCorruptError:
                # A build that finished meanwhile swapped the manifest and removed the data folder
                # this one names: that is not damage, so read the new manifest and try again.
                if attempt + 1 == LOAD_ATTEMPTS or read_manifest(index_dir).data_dir == manifest.data_dir:
                    raise
        raise AssertionError("unreachable")

    def rebuild_hint(self) -> str:
        """How to rebuild this index from the sources it was built from ("rebuild it with `python -m retrieval
        index … --index-dir …`"), for a stale citation."""
        return rebuild_hint(self.index_dir, self.manifest.source_hint_paths(self.index_dir),
                            known=self.manifest.known_hint_paths(self.index_dir))

    @classmethod
    def _load_data(
        cls, index_dir: Path, manifest: Manifest, embedder: Embedder | None, allow_stale: bool
    ) -> "Retriever":
        data = verify_files(index_dir, manifest)
        sources = manifest.source_hint_paths(index_dir)

        def hint(model: str | None = None) -> str:
            return rebuild_hint(index_dir, sources, known=manifest.known_hint_paths(index_dir), model=model)

        if embedder is not None and embedder.name != manifest.model:
            raise IndexStaleError(
                f"{index_dir} was built with model {manifest.model!r}, but the query encoder is "
                f"{embedder.name!r}; use the manifest's model or {hint(embedder.name)}."
            )
        if manifest.encoder and manifest.encoder != encoder_version(manifest.model):
            raise IndexStaleError(
                f"{index_dir} was built with another version of the encoder {manifest.model!r} (its "
                f"adapter changed since); {hint()}."
            )
        signatures = source_signatures(manifest, index_dir)
        stale = frozenset(changed_sources(manifest, index_dir))
        if stale and not allow_stale:
            raise IndexStaleError(
                f"sources changed since {index_dir} was built ({', '.join(sorted(stale))}); "
                f"{hint()}."
            )
        try:
            documents = _read_jsonl(data / "documents.jsonl", Document)
            passages = _read_jsonl(data / "passages.jsonl", Passage)
            passage_vectors = np.load(data / "passage_vectors.npy", allow_pickle=False)
            sentence_vectors = np.load(data / "sentence_vectors.npy", allow_pickle=False)
            faiss_index = dense.load(data / "dense.faiss")
            bm25_passages = SparseIndex.load(data / "bm25_passages")
            bm25_sentences = SparseIndex.load(data / "bm25_sentences")
        except (OSError, ValueError, RuntimeError, KeyError) as exc:
            raise IndexCorruptError(
                f"{data} cannot be loaded ({exc.__class__.__name__}: {str(exc)[:200]}); "
                f"{hint()}."
            ) from None
        if faiss_index.ntotal != len(passages) or len(passage_vectors) != len(passages):
            raise IndexCorruptError(
                f"{data} holds {faiss_index.ntotal} vectors for {len(passages)} passages; "
                f"{hint()}."
            )
        embedder = embedder or get_embedder(manifest.model)
        stored = {int(faiss_index.d), *(v.shape[-1] for v in (passage_vectors, sentence_vectors))}
        if passage_vectors.ndim != 2 or sentence_vectors.ndim != 2 or stored != {manifest.dimension}:
            raise IndexCorruptError(
                f"{data} holds vectors of {sorted(stored)} dimensions, its manifest says "
                f"{manifest.dimension}; {hint()}."
            )
        if embedder.dimension != manifest.dimension:
            raise IndexStaleError(
                f"{index_dir} holds {manifest.dimension}-dimensional vectors, but model "
                f"{embedder.name!r} makes {embedder.dimension}-dimensional ones, so it is not the model "
                f"the index was built with; {hint(embedder.name)}."
            )
        retriever = cls(
            index_dir, manifest, documents, passages, passage_vectors, faiss_index,
            sentence_vectors, bm25_passages, bm25_sentences, embedder, stale,
        )
        try:
            retriever.known = KnownQuestions.load(data, retriever.sentence_row)
        except (OSError, ValueError) as exc:
            raise IndexCorruptError(
                f"the known questions in {data} cannot be loaded ({exc.__class__.__name__}: {str(exc)[:200]}); "
                f"{hint()}."
            ) from None
        retriever._signatures = signatures
        return retriever

    @cached_property
    def sentence_df(self) -> dict[str, int]:
        return document_frequencies(self.bm25_sentences)

    def encode(self, queries: list[str]) -> np.ndarray:
        """The queries' vectors; their token vectors are kept for `query_tokens` (one model run)."""
        vectors, tokens = encode_with_tokens(self.embedder, list(queries))
        with self._query_lock:  # requests served in threads share it
            for query, t in zip(queries, tokens or ()):
                self._query_tokens.pop(query, None)
                self._query_tokens[query] = t
            while len(self._query_tokens) > QUERY_TOKENS_KEPT:
                del self._query_tokens[next(iter(self._query_tokens))]
        return vectors

    def query_tokens(self, query: str) -> TokenVectors | None:
        """The query's token vectors (from `encode`, else encoded now); None if the embedder has none."""
        with self._query_lock:
            tokens = self._query_tokens.get(query)
        if tokens is None and hasattr(self.embedder, "encode_tokens"):
            tokens = self.embedder.encode_tokens([query])[0]
        return tokens

    def candidate_scores(
        self, query: str, query_vector: np.ndarray, depth: int = 50
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Passage ids (dense top-`depth` union BM25 top-`depth`) with their dense and BM25 scores."""
        bm25 = self.bm25_passages.scores(query)
        _, ids = dense.search(self.faiss_index, query_vector[None, :], depth)
        dense_ids = ids[0][ids[0] >= 0]
        bm25_ids = top_k(bm25, depth)
        bm25_ids = bm25_ids[bm25[bm25_ids] > 0]
        candidates = np.unique(np.concatenate([dense_ids, bm25_ids])).astype(np.int64)
        dense_scores = self.passage_vectors[candidates] @ query_vector
        return candidates, dense_scores.astype(np.float32), bm25[candidates]

    def search(
        self, query: str, k: int = 5, *, fusion: str = "rrf", query_vector: np.ndarray | None = None
    ) -> list[PassageHit]:
        """The `k` best passages for `query`, best first."""
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:  # as `Assistant.ask`: 2.5 had been a TypeError
            raise ConfigError(f"k must be a whole number of at least 1, got {k!r}.")
        query = check_question(query)
        if not self.passages:
            return []
        if query_vector is None:
            query_vector = self.encode([query])[0]
        ids, dense_scores, bm25_scores = self.candidate_scores(query, query_vector, max(50, 4 * k))
        fused = fuse(fusion, dense_scores, bm25_scores)
        order = np.argsort(-fused, kind="stable")[:k]
        return [
            PassageHit(
                passage=self.passages[int(ids[i])], score=float(fused[i]),
                dense=float(dense_scores[i]), bm25=float(bm25_scores[i]), rank=rank,
            )
            for rank, i in enumerate(order, start=1)
        ]

    def document(self, doc_id: str) -> Document:
        return self.documents[doc_id]
