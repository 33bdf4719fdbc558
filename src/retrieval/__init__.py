"""Answer questions about source documents with verbatim, cited quotes, and nothing else.

Example:
    >>> from retrieval import Assistant
    >>> answer = Assistant.load().ask("Who rules Chechnya?")
    >>> print(answer.citations[0].quote)
"""

from .answer import Assistant
from .chunking import ChunkSettings
from .errors import (
    ConfigError, IndexBusyError, IndexCorruptError, IndexMissingError, IndexStaleError,
    QuestionError, RetrievalError, SourceError,
)
from .models import Answer, Citation, Document, Passage, PassageHit
from .retriever import Retriever
from .store import Manifest, build_index

__all__ = [
    "Answer", "Assistant", "ChunkSettings", "Citation", "ConfigError", "Document", "IndexBusyError",
    "IndexCorruptError", "IndexMissingError", "IndexStaleError", "Manifest", "Passage", "PassageHit",
    "QuestionError", "RetrievalError", "Retriever", "SourceError", "build_index",
]
