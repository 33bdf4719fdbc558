"""One family of errors. Every message says what was expected, what was found, and the fix."""

from __future__ import annotations


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


def rebuild_hint(index_dir: object) -> str:
    return f"rebuild it with `python -m retrieval index data --index-dir {index_dir}`"
