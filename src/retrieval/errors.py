"""One family of errors. Every message says what was expected, what was found, and the fix."""

from __future__ import annotations

import os
import shlex
from collections.abc import Sequence


class RetrievalError(Exception):
    """Base class of every error this library raises on purpose."""


class SourceError(RetrievalError):
    """A source file cannot be ingested (missing, a directory, empty, not UTF-8)."""


class IndexMissingError(RetrievalError):
    """No index where one was expected."""


class IndexStaleError(RetrievalError):
    """The index no longer matches its sources or this version of the library."""


class IndexCorruptError(RetrievalError):
    """An index file is damaged, truncated or was edited after the build."""


class IndexBusyError(RetrievalError):
    """Another build holds the index lock."""


class QuestionError(RetrievalError):
    """The question is empty, blank or too long."""


class ConfigError(RetrievalError):
    """An unknown setting (model, fusion method, index type)."""


def rebuild_hint(index_dir: object, sources: Sequence[str] = (), verb: str = "rebuild",
                 known: Sequence[str] = (), model: str | None = None) -> str:
    """How to build `index_dir` again: from `sources`, the files it was built from, when they are known,
    with the known-questions files `known` it was given, and with `model` when another is wanted."""
    flags = "".join(f" --known-questions {shlex.quote(k)}" for k in known)
    flags += f" --model {shlex.quote(model)}" if model else ""
    return f"{verb} it with `python -m retrieval index {_sources_named(sources)} --index-dir {index_dir}{flags}`"


def _sources_named(sources: Sequence[str]) -> str:
    if not sources:
        return "FILES_OR_FOLDERS"
    if len(sources) <= 3:
        return " ".join(shlex.quote(s) for s in sources)
    try:  # an archive's thousands of files: the folder that holds them all
        return shlex.quote(os.path.commonpath(sources) or ".")
    except ValueError:  # absolute and relative paths mixed
        return "FILES_OR_FOLDERS"
