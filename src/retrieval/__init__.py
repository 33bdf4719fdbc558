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
from .models import (
    Answer, Citation, Document, Evidence, LedgerEntry, Passage, PassageHit, SpeakerQuestion, WordsCheck,
)
from .quotes import (
    attribute_span, build_ledger, ledger_metrics, parse_speaker_question, quotes_by,
    speaker_question, who_said,
)
from .retriever import Retriever
from .store import Manifest, build_index

__all__ = [
    "Answer", "Assistant", "ChunkSettings", "Citation", "ConfigError", "Document", "IndexBusyError",
    "IndexCorruptError", "IndexMissingError", "IndexStaleError", "Manifest", "Passage", "PassageHit",
    "QuestionError", "RetrievalError", "Retriever", "SourceError", "build_index",
    # who said it (quotes.py)
    "Evidence", "LedgerEntry", "SpeakerQuestion", "attribute_span", "build_ledger", "ledger_metrics",
    "parse_speaker_question", "quotes_by", "speaker_question", "who_said",
    # quoted words checked word for word (verify.py)
    "WordsCheck",
]
