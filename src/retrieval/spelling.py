"""Names a question misspells, read as the source spells them: "What did Sokirianskaya say?" asks about
Ms Sokirianskaia. A misspelt name matches no word for BM25 and lands far from it for the encoder, so the
answer would miss her; names from Russian are spelt many ways.

Only names are corrected. A word of the question is replaced by one of the source's proper names (words
the source writes only capitalised) when the source never uses the word, no English dictionary knows it
(pyspellchecker's word list: "match" is never read as "Watch", nor "Gaza" as "Gazeta"), it has at least
`MIN_CHARS` letters, and exactly one name lies within `max_edits` of it (Levenshtein distance). An
off-topic question stays off topic.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from .models import _Frozen

MIN_CHARS = 5
_WORD = re.compile(r"[^\W\d_]+")


def max_edits(word: str) -> int:
    """Edits allowed between a misspelt word and a name: one up to 7 letters, two from 8."""
    return 1 if len(word) <= 7 else 2


@lru_cache(maxsize=1)
def english_words():
    """pyspellchecker's English word list (`word in english_words()`); 0.3 s to load, once."""
    from spellchecker import SpellChecker

    return SpellChecker()


class Correction(_Frozen):
    """One word of the question read as a name of the source."""

    asked: str
    read_as: str
    edits: int


class Speller:
    """The source's proper names and words, for `correct`."""

    def __init__(self, texts: Iterable[str]):
        forms: dict[str, str] = {}
        lower: set[str] = set()
        for text in texts:
            for word in _WORD.findall(text):
                if word[0].isupper():
                    forms.setdefault(word.lower(), word)
                else:
                    lower.add(word)
        self.words = frozenset(forms) | frozenset(lower)
        # written only capitalised: names, not sentence-initial common words ("Those", "Federal")
        self.names = {w: form for w, form in forms.items() if w not in lower and len(w) >= MIN_CHARS}
        self._choices = list(self.names)

    def read_as(self, word: str) -> Correction | None:
        """The name `word` misspells, or None."""
        low = word.lower()
        if len(low) < MIN_CHARS or low in self.words or not self._choices or low in english_words():
            return None
        limit = max_edits(low)
        found = process.extract(low, self._choices, scorer=Levenshtein.distance, score_cutoff=limit, limit=2)
        if not found or (len(found) > 1 and found[1][1] == found[0][1]):  # none, or two names as close
            return None
        return Correction(asked=word, read_as=self.names[found[0][0]], edits=int(found[0][1]))

    def correct(self, question: str) -> tuple[str, list[Correction]]:
        """The question with each misspelt name replaced by the source's, and what was replaced."""
        corrections: list[Correction] = []

        def replace(m: re.Match) -> str:
            found = self.read_as(m.group(0))
            if found is None:
                return m.group(0)
            corrections.append(found)
            return found.read_as

        return _WORD.sub(replace, question), corrections
