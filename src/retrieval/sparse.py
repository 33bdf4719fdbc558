"""BM25 over passages (bm25s), with one tokenizer shared by indexing, queries and features."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import numpy as np

_TOKEN = re.compile(r"(?u)\b\w\w+\b")
# a possessive "'s" (and "it's"), not the "'s" of a word in single quote marks ("'Sungold'", "'suggests he is gay'":
# they had been indexed as "ungold" and "uggest"; a developer's review)
_POSSESSIVE = re.compile(r"'s\b")


# letters that are not a base letter and an accent in Unicode, written without their stroke or ligature
_UNACCENTED = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae",
                             "Æ": "Ae", "œ": "oe", "Œ": "Oe", "ı": "i"})


@lru_cache(maxsize=1 << 14)
def fold_accents(text: str) -> str:
    """`text` with its letters' accents dropped, as a reader types a name on a keyboard without them
    ("Tomás Ibáñez" → "Tomas Ibanez", "Zoë Kühn" → "Zoe Kuhn", "Łódź" → "Lodz"); the case is kept."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNACCENTED))
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN)


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball stem of one lower-case word, as `tokenize` gives it."""
    return _stemmer().stemWord(word)


def fold(text: str) -> str:
    """Lowercase, with curly quotes and apostrophes made straight."""
    return text.lower().translate(str.maketrans("‘’“”", "''\"\""))


def tokenize(text: str) -> list[str]:
    """Stemmed content words of `text` (stopwords dropped)."""
    stop = stopwords()
    return [stem(w) for w in _TOKEN.findall(_POSSESSIVE.sub("", fold(text))) if w not in stop]


class SparseIndex:
    """BM25 scores of every passage for a query."""

    def __init__(self, bm25):
        self.bm25 = bm25
        self.vocab = bm25.vocab_dict
        # a word typed without its accents finds the indexed word with them, and the other way round ("Zoe Kuhn"
        # for "Zoë Kühn", "Cafe" for "Café"; a developer's review): the indexed words stay as they were written
        self._accented: dict[str, list[int]] = defaultdict(list)  # by its letters alone, a word written otherwise
        for token, i in self.vocab.items():
            if not token.isascii():
                self._accented[fold_accents(token)].append(i)

    @classmethod
    def build(cls, texts: list[str]) -> "SparseIndex":
        import bm25s

        corpus_tokens = [tokenize(t) or ["__empty__"] for t in texts]
        bm25 = bm25s.BM25()
        bm25.index(corpus_tokens, show_progress=False)
        return cls(bm25)

    def scores(self, query: str) -> np.ndarray:
        ids = [i for t in tokenize(query) for i in self._ids(t)]
        if not ids:
            return np.zeros(self.bm25.scores["num_docs"], dtype=np.float32)
        return np.asarray(self.bm25.get_scores_from_ids(ids), dtype=np.float32)

    def _ids(self, token: str) -> list[int]:
        """The indexed words that are `token` but for accents: itself, and those written with accents."""
        bare = fold_accents(token)
        plain = self.vocab.get(bare) if bare.isascii() else None
        return ([] if plain is None else [plain]) + self._accented.get(bare, [])

    def save(self, folder: Path) -> None:
        self.bm25.save(str(folder))

    @classmethod
    def load(cls, folder: Path) -> "SparseIndex":
        import bm25s

        return cls(bm25s.BM25.load(str(folder), mmap=False, load_corpus=False))


def document_frequencies(index: SparseIndex) -> dict[str, int]:
    """How many indexed texts hold each token (from the CSC column pointers)."""
    indptr = np.asarray(index.bm25.scores["indptr"])
    counts = np.diff(indptr)
    return {token: int(counts[i]) for token, i in index.vocab.items() if i < len(counts)}
