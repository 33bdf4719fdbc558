"""The index on disk: build it atomically, load it with every check the manifest allows.

Layout of an index folder::

    manifest.json        written last, by an atomic rename; names the data folder
    data-<id>/           documents.jsonl, passages.jsonl, passage_vectors.npy, dense.faiss,
                         sentence_vectors.npy, bm25_passages/, bm25_sentences/, and with known
                         questions known_questions.jsonl, known_vectors.npy (`retrieval.known`)

A build writes a new data folder, then swaps the manifest, so a build that dies leaves the
previous index whole. A file lock keeps two builds from interleaving.
"""

from __future__ import annotations

import hashlib
import logging
import json
import os
import re
import shutil
import time
import unicodedata
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
from pydantic import BaseModel, Field, ValidationError

from . import dense
from .chunking import ChunkSettings, chunker_id, make_passages
from .embedding import DEFAULT_MODEL, Embedder, encoder_version, get_embedder
from .errors import (
    ConfigError, IndexBusyError, IndexCorruptError, IndexMissingError, IndexStaleError, SourceError, rebuild_hint,
)
from .ingest import TEXT_SUFFIXES, expand_sources, load_document
from .known import KnownQuestion, KnownQuestions, files_digest, locate, read_known_questions
from .models import Document, Passage, Span
from .sparse import SparseIndex

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
LOCK = ".build.lock"
LOCK_TIMEOUT_S = 600.0
REQUIRED_FILES = (
    "documents.jsonl", "passages.jsonl", "passage_vectors.npy", "sentence_vectors.npy", "dense.faiss",
)
_DATA_NAME = re.compile(r"data-[0-9A-Za-z-]+")

log = logging.getLogger(__name__)


class SourceRecord(BaseModel):
    doc_id: str
    title: str
    path: str
    sha256: str
    byline: str | None = None
    date: str | None = None
    chars: int


class Manifest(BaseModel):
    format_version: int
    model: str
    dimension: int
    chunking: ChunkSettings
    chunker: str = Field(default="", description="chunking code version (`chunking.chunker_id`)")
    encoder: str = Field(default="", description="the encoder's adapter version (`embedding.encoder_version`)")
    index_type: str
    passage_count: int
    sentence_count: int
    sources: list[SourceRecord]
    data_dir: str
    files: dict[str, str] = Field(description="sha256 of each stored file, by relative path")
    built_at: str
    built_in: str = Field(default="", description="the folder the build ran in, relative to the index folder: "
                                                  "relative source paths are read from there, wherever the index is "
                                                  "loaded from")
    inputs: list[str] = Field(default_factory=list, description="the files and folders given to the build, as "
                                                                "given: the rebuild command names them")
    known_questions: list[str] = Field(default_factory=list, description="the known-questions files given to "
                                                                         "the build, as given (`retrieval.known`)")
    known_digest: str = Field(default="", description="sha256 of the known-questions files (`known.files_digest`)")
    known_count: int = Field(default=0, description="known questions kept: the unanswerable ones and those whose "
                                                    "answers the sources hold")

    @property
    def source_paths(self) -> list[str]:
        """The source files the index was built from, as given to the build."""
        return [source.path for source in self.sources]

    def source_file(self, index_dir: Path, path: str) -> Path:
        """Where the source `path` is now: relative to the folder the build ran in (an index of old records
        it as "", read as the index folder's parent), else to the current folder."""
        given = Path(path)
        if given.is_absolute():
            return given
        base = Path(index_dir) / (self.built_in or "..")
        there = base / given
        return there if there.exists() or not given.exists() else given

    def source_hint_paths(self, index_dir: Path) -> list[str]:
        """What the build was given (its folders, not each file of them; the files for an index of old), as
        a command run in the current folder names them."""
        return self._as_named_here(index_dir, self.inputs or self.source_paths)

    def known_hint_paths(self, index_dir: Path) -> list[str]:
        """The known-questions files the build was given, as a command run in the current folder names them."""
        return self._as_named_here(index_dir, self.known_questions)

    def _as_named_here(self, index_dir: Path, paths: Sequence[str]) -> list[str]:
        out = []
        for path in paths:
            found = self.source_file(index_dir, path)
            if Path(path).is_absolute():
                out.append(path)
                continue
            try:
                out.append(os.path.relpath(found) if found.exists() else path)
            except ValueError:  # another drive
                out.append(str(found))
        return out


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def unique_sentences(passages: Sequence[Passage]) -> list[tuple[str, Span]]:
    """Every sentence once, `(doc_id, span)`, in passage order (overlapping passages share them)."""
    seen: set[tuple[str, int, int]] = set()
    out: list[tuple[str, Span]] = []
    for passage in passages:
        for span in passage.sentences:
            key = (passage.doc_id, span.start, span.end)
            if key not in seen:
                seen.add(key)
                out.append((passage.doc_id, span))
    return out


def content_key(text: str) -> str:
    """sha256 of the text with Unicode (NFC) and whitespace folded: the same article saved with
    CRLF or LF line ends, or re-wrapped, has one key."""
    folded = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def dedupe_documents(documents: Iterable[Document]) -> list[Document]:
    """Drop repeated content (same `content_key`) and give clashing ids a numeric suffix."""
    kept: list[Document] = []
    hashes: set[str] = set()
    ids: set[str] = set()
    for doc in documents:
        key = content_key(doc.text)
        if key in hashes:
            log.warning("%s holds the same text as a source already indexed; indexed once", doc.path)
            continue
        doc_id, n = doc.doc_id, 2
        while doc_id in ids:
            doc_id, n = f"{doc.doc_id}-{n}", n + 1
        hashes.add(key)
        ids.add(doc_id)
        kept.append(doc if doc_id == doc.doc_id else doc.model_copy(update={"doc_id": doc_id}))
    return kept


def _lock(index_dir: Path):
    from filelock import FileLock, Timeout

    index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(index_dir / LOCK), timeout=LOCK_TIMEOUT_S)
    try:
        lock.acquire()
    except Timeout:
        raise IndexBusyError(
            f"another build of {index_dir} has held its lock for {LOCK_TIMEOUT_S:.0f} s; wait for it, "
            f"or remove {index_dir / LOCK} if no build is running."
        ) from None
    return lock


def _write_jsonl(path: Path, models: Iterable[BaseModel]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for model in models:
            fh.write(model.model_dump_json() + "\n")


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with path.open("rb") as fh:
                os.fsync(fh.fileno())


def build_index(
    sources: str | Path | Iterable[str | Path],
    index_dir: str | Path = "index",
    *,
    model: str = DEFAULT_MODEL,
    embedder: Embedder | None = None,
    chunking: ChunkSettings = ChunkSettings(),
    index_type: str = "auto",
    progress: bool = False,
    known_questions: Sequence[str | Path] = (),
) -> Manifest:
    """Index text or Markdown files (or folders of them) into `index_dir`; `known_questions`, JSON Lines
    files of questions with their answers, teach the ranker (`retrieval.known`).

    Example:
        >>> manifest = build_index(["data/sbs-2017-04-19-chechnya.txt"], "index")
        >>> manifest.passage_count
        41
    """
    sources = [sources] if isinstance(sources, (str, Path)) else list(sources)
    documents = [load_document(path) for path in expand_sources(sources)]
    return build_index_from_documents(
        documents, index_dir, model=model, embedder=embedder, chunking=chunking,
        index_type=index_type, progress=progress, inputs=[str(s) for s in sources],
        known_questions=known_questions,
    )


def build_index_from_documents(
    documents: Iterable[Document],
    index_dir: str | Path,
    *,
    model: str = DEFAULT_MODEL,
    embedder: Embedder | None = None,
    chunking: ChunkSettings = ChunkSettings(),
    index_type: str = "auto",
    progress: bool = False,
    inputs: Sequence[str] = (),
    known_questions: Sequence[str | Path] = (),
) -> Manifest:
    """Index documents already in memory (see `build_index`); `inputs`, the files and folders they were
    read from, as given, are kept for the rebuild command."""
    index_dir = Path(index_dir)
    if index_dir.exists() and not index_dir.is_dir():
        raise ConfigError(f"{index_dir} is a file, not a folder; name a folder for the index (--index-dir).")
    documents = dedupe_documents(documents)
    if not documents:
        raise SourceError("no sources given; name the text or Markdown files (or folders of them) to index.")
    known_questions = [known_questions] if isinstance(known_questions, (str, Path)) else list(known_questions)
    asked = read_known_questions(known_questions) if known_questions else None  # a bad file fails first
    embedder = embedder or get_embedder(model)
    passages = [p for doc in documents for p in make_passages(doc, chunking)]
    texts_by_doc = {doc.doc_id: doc.text for doc in documents}
    sentences = unique_sentences(passages)
    sentence_texts = [texts_by_doc[d][s.start:s.end] for d, s in sentences]

    passage_vectors = embedder.encode([p.text for p in passages], progress=progress)
    sentence_vectors = embedder.encode(sentence_texts, progress=progress)
    known = _known_questions(asked, sentences, sentence_texts, embedder) if asked is not None else None

    lock = _lock(index_dir)
    try:
        data_name = f"data-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
        tmp = index_dir / f".tmp-{data_name}"
        tmp.mkdir()
        try:
            manifest = _write_data(tmp, data_name, documents, passages, passage_vectors,
                                   sentence_vectors, sentence_texts, embedder, chunking, index_type,
                                   built_in=_relative_to(Path.cwd(), index_dir), inputs=list(inputs),
                                   known=known, known_paths=[str(p) for p in known_questions])
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        os.replace(tmp, index_dir / data_name)
        manifest_tmp = index_dir / f".{MANIFEST}.{uuid.uuid4().hex[:8]}"
        manifest_tmp.write_text(manifest.model_dump_json(indent=2) + "\n", encoding="utf-8")
        with manifest_tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(manifest_tmp, index_dir / MANIFEST)
        _remove_unreferenced(index_dir, keep=data_name)
        return manifest
    finally:
        lock.release()


def _known_questions(asked: list[KnownQuestion], sentences: Sequence[tuple[str, Span]],
                     sentence_texts: Sequence[str], embedder: Embedder) -> KnownQuestions:
    """The known questions, encoded: the unanswerable ones and those whose answers some sentence holds."""
    located = locate(asked, [(d, s.start, s.end) for d, s in sentences], sentence_texts)
    kept = [q for q in located if q.sentences or not q.answers]
    unheld = [q for q in located if q.answers and not q.sentences]
    if unheld:
        named = "; ".join(f"{q.where}: {q.question!r}" for q in unheld[:3]) + (
            f"; and {len(unheld) - 3} more" if len(unheld) > 3 else "")
        log.warning("%d known question%s skipped: no source sentence holds %s answers word for word (an answer "
                    "must lie within one sentence): %s", len(unheld), "s" if len(unheld) != 1 else "",
                    "their" if len(unheld) != 1 else "its", named)
    vectors = (embedder.encode([q.question for q in kept]) if kept
               else np.zeros((0, embedder.dimension), dtype=np.float32))
    row = {(d, s.start, s.end): i for i, (d, s) in enumerate(sentences)}
    return KnownQuestions(kept, np.asarray(vectors, dtype=np.float32), row)


def _write_data(tmp, data_name, documents, passages, passage_vectors, sentence_vectors,
                sentence_texts, embedder, chunking, index_type, built_in: str = "",
                inputs: list[str] | None = None, known: KnownQuestions | None = None,
                known_paths: list[str] | None = None) -> Manifest:
    _write_jsonl(tmp / "documents.jsonl", documents)
    if known is not None:
        known.save(tmp)
    _write_jsonl(tmp / "passages.jsonl", passages)
    np.save(tmp / "passage_vectors.npy", passage_vectors, allow_pickle=False)
    np.save(tmp / "sentence_vectors.npy", sentence_vectors, allow_pickle=False)
    faiss_index = dense.make_index(passage_vectors, index_type)
    dense.save(faiss_index, tmp / "dense.faiss")
    SparseIndex.build([p.text for p in passages]).save(tmp / "bm25_passages")
    SparseIndex.build(sentence_texts).save(tmp / "bm25_sentences")
    _fsync_tree(tmp)
    files = {
        str(p.relative_to(tmp)): sha256_file(p) for p in sorted(tmp.rglob("*")) if p.is_file()
    }
    manifest = Manifest(
        format_version=FORMAT_VERSION,
        model=embedder.name,
        encoder=encoder_version(embedder.name),
        dimension=int(passage_vectors.shape[1]) if len(passages) else embedder.dimension,
        chunking=chunking,
        chunker=chunker_id(),
        index_type=type(faiss_index).__name__,
        passage_count=len(passages),
        sentence_count=len(sentence_texts),
        sources=[
            SourceRecord(
                doc_id=d.doc_id, title=d.title, path=d.path, sha256=d.sha256,
                byline=d.byline, date=d.date, chars=len(d.text),
            )
            for d in documents
        ],
        data_dir=data_name,
        built_in=built_in,
        inputs=inputs or [],
        known_questions=known_paths or [],
        known_digest=files_digest(known_paths) if known_paths else "",
        known_count=len(known) if known is not None else 0,
        files=files,
        built_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    )
    return manifest


def _remove_unreferenced(index_dir: Path, keep: str) -> None:
    for path in index_dir.iterdir():
        if path.name == keep or path.name in (MANIFEST, LOCK):
            continue
        if path.is_dir() and (path.name.startswith("data-") or path.name.startswith(".tmp-data-")):
            shutil.rmtree(path, ignore_errors=True)
        elif path.name.startswith(f".{MANIFEST}."):
            path.unlink(missing_ok=True)


def _holds_sources(folder: Path) -> bool:
    """Whether `folder` has a text or Markdown file of its own: sources, not an index."""
    return any(p.suffix.lower() in TEXT_SUFFIXES for p in folder.iterdir() if p.is_file())


def read_manifest(index_dir: str | Path) -> Manifest:
    """The manifest, checked for presence, format and version."""
    index_dir = Path(index_dir)
    path = index_dir / MANIFEST
    if not path.is_file():
        if index_dir.is_file() or (index_dir.is_dir() and _holds_sources(index_dir)):
            # a developer's review: a document, or a folder of them, passed as the index, and the hint to build
            # the index into that very path
            raise IndexMissingError(
                f"{index_dir} holds source documents, not an index (no {MANIFEST}); build one from it with "
                f"`python -m retrieval index {index_dir} --index-dir my-index` and load `my-index`.")
        raise IndexMissingError(
            f"no index at {index_dir} (no {MANIFEST}); {rebuild_hint(index_dir, verb='build')}.")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise IndexCorruptError(f"{path} is not valid JSON; {rebuild_hint(index_dir)}.") from None
    if not isinstance(raw, dict) or "format_version" not in raw:  # "[]": no manifest at all, not an older one
        raise IndexCorruptError(f"{path} is not an index manifest (no format_version); {rebuild_hint(index_dir)}.")
    version = raw["format_version"]
    if version != FORMAT_VERSION:
        newer = isinstance(version, int) and version > FORMAT_VERSION
        raise IndexStaleError(
            f"{path} has format version {version}, this library reads version {FORMAT_VERSION}; "
            + ("upgrade the library, or " if newer else "")
            + f"{rebuild_hint(index_dir)}."
        )
    try:
        return Manifest.model_validate(raw)
    except ValidationError as exc:
        raise IndexCorruptError(
            f"{path} does not match the manifest schema ({exc.error_count()} error"
            f"{'' if exc.error_count() == 1 else 's'}); "
            f"{rebuild_hint(index_dir)}."
        ) from None


def verify_files(index_dir: Path, manifest: Manifest) -> Path:
    """The data folder, after checking every file against the manifest's sha256."""
    data = index_dir / manifest.data_dir
    hint = rebuild_hint(index_dir, manifest.source_hint_paths(index_dir), known=manifest.known_hint_paths(index_dir))
    if not _DATA_NAME.fullmatch(manifest.data_dir):  # never follow a manifest out of its folder
        raise IndexCorruptError(
            f"{index_dir / MANIFEST} names data folder {manifest.data_dir!r}, not one of its own; "
            f"{hint}."
        )
    unlisted = [name for name in REQUIRED_FILES if name not in manifest.files]
    if unlisted:  # a file the manifest does not hash would be loaded unchecked
        raise IndexCorruptError(
            f"{index_dir / MANIFEST} has no checksum for {', '.join(unlisted)}; {hint}."
        )
    for rel, expected in manifest.files.items():
        path = data / rel
        if Path(rel).is_absolute() or ".." in Path(rel).parts:
            raise IndexCorruptError(
                f"{index_dir / MANIFEST} lists file {rel!r} outside its data folder; {hint}."
            )
        try:
            actual = sha256_file(path) if path.is_file() else None
        except OSError:  # removed between the check and the read, or unreadable
            actual = None
        if actual is None:
            raise IndexCorruptError(f"{path} is missing from the index; {hint}.")
        if actual != expected:
            raise IndexCorruptError(
                f"{path} was changed or damaged after the build (sha256 differs from the manifest); "
                f"{hint}."
            )
    return data


def _relative_to(folder: Path, index_dir: Path) -> str:
    try:
        return os.path.relpath(folder.resolve(), Path(index_dir).resolve())
    except ValueError:  # another drive: only the absolute folder will do
        return str(folder.resolve())


def source_signatures(manifest: Manifest, index_dir: Path) -> dict[str, tuple[int, int] | None]:
    """(mtime_ns, size) of each source file by doc_id, None when it is gone: a cheap test of change."""
    out: dict[str, tuple[int, int] | None] = {}
    for source in manifest.sources:
        try:
            st = manifest.source_file(index_dir, source.path).stat()
            out[source.doc_id] = (st.st_mtime_ns, st.st_size)
        except OSError:
            out[source.doc_id] = None
    return out


def changed_sources(manifest: Manifest, index_dir: Path = Path("index"),
                    only: Iterable[str] | None = None) -> list[str]:
    """doc_ids whose source file now differs from what was indexed (missing files are not changes); with
    `only`, just those doc_ids are read."""
    changed = []
    wanted = None if only is None else set(only)
    for source in manifest.sources:
        if wanted is not None and source.doc_id not in wanted:
            continue
        path = manifest.source_file(index_dir, source.path)
        if path.is_file():
            try:
                text = path.read_bytes().decode("utf-8")
            except UnicodeDecodeError:
                changed.append(source.doc_id)
                continue
            if text.startswith("\ufeff"):
                text = text[1:]
            if hashlib.sha256(text.encode("utf-8")).hexdigest() != source.sha256:
                changed.append(source.doc_id)
    return changed


def is_current(
    index_dir: str | Path, sources: Iterable[str | Path], model: str = DEFAULT_MODEL,
    chunking: ChunkSettings = ChunkSettings(), known_questions: Sequence[str | Path] = (),
) -> bool:
    """True when `index_dir` holds a readable index of exactly these sources, built with this model,
    these chunk settings, this chunking code and these known questions."""
    from .errors import RetrievalError

    try:
        manifest = read_manifest(index_dir)
        verify_files(Path(index_dir), manifest)
        docs = [load_document(p) for p in expand_sources(sources)]
    except RetrievalError:
        return False
    if manifest.chunking != chunking or manifest.chunker != chunker_id():
        return False
    if manifest.model != model or manifest.encoder != encoder_version(model):
        return False
    known_questions = [known_questions] if isinstance(known_questions, (str, Path)) else list(known_questions)
    try:
        known = files_digest(known_questions) if known_questions else ""
    except OSError:
        return False
    if manifest.known_digest != known or manifest.known_questions != [str(p) for p in known_questions]:
        return False
    return sorted(d.sha256 for d in dedupe_documents(docs)) == sorted(s.sha256 for s in manifest.sources)
