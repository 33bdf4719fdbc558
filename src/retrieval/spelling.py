"""Names a question misspells, read as the source spells them: "What did Sokirianskaya say?" asks about
Ms Sokirianskaia. A misspelt name matches no word for BM25 and lands far from it for the encoder, so the
answer would miss her; names from Russian are spelt many ways.

Only names are corrected. A word of the question is replaced by one of the source's proper names (words
the source writes only capitalised) when the source never uses the word, no English dictionary knows it
(pyspellchecker's word list: "match" is never read as "Watch", nor "Gaza" as "Gazeta"), it has at least
`MIN_CHARS` letters, and exactly one name lies within `max_edits` of it (Levenshtein distance, two letters
swapped counting as one edit: "Kadryov", "Chechyna" are typed so). An
off-topic question stays off topic. Accents are compared as if absent ("Ibanez", "Ibanes" are read as
"Ibáñez"), and a word that is one of the source's names without its accents ("Lea" for "Léa") is read as it
from `MIN_ACCENTED_CHARS` letters, when the source has one name so (a word the dictionary knows, such as
"lea", only when the question writes it capitalised).

An acronym the source never uses is read as the one name in the source with those initials: "ICC" as
"International Criminal Court" when the source spells the court out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from .models import _Frozen, name_pattern
from .quotes import fold_accents

MIN_CHARS = 5
MIN_COMMON_CHARS = 7  # a word of the source's other than a name is read for a misspelling of it from 7 letters
MIN_ACCENTED_CHARS = 3  # a name that differs only by its accents ("Lea" for "Léa") is read as it from 3 letters
_WORD = re.compile(r"[^\W\d_]+")
# a run of capitalised words, joined by at most one small word: "International Criminal Court", "Ministry of Justice"
_NAME_RUN = name_pattern(r"\b[A-Z][\w’'-]*(?:[ \t]+(?:(?:of|for|the|and|on)[ \t]+)?[A-Z][\w’'-]*)+")
_ACRONYM = re.compile(r"^[A-Z]{2,6}$")
_JOINERS = frozenset("of for the and on".split())


def initials(name: str) -> str:
    """"ICC" for "International Criminal Court"; "MJ" for "Ministry of Justice"."""
    return "".join(w[0] for w in name.split() if w.lower() not in _JOINERS).upper()


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


_PRONOUNS = frozenset("us it".split())  # "the US", "the IT department": no pronoun follows "the"


class Speller:
    """The source's proper names and words, for `correct`."""

    def __init__(self, texts: Iterable[str]):
        forms: dict[str, str] = {}
        lower: set[str] = set()
        texts_seen = list(texts)
        for text in texts_seen:
            for word in _WORD.findall(text):
                if word[0].isupper():
                    forms.setdefault(word.lower(), word)
                else:
                    lower.add(word)
        self.words = frozenset(forms) | frozenset(lower)
        # acronyms the source writes in capitals ("US", "UN"): "the us" typed in lower case is one of them ("the"
        # never comes before the pronoun), but not "the photo" of a caption's "AFP PHOTO"
        capitals = {word for text in texts_seen for word in _WORD.findall(text)
                    if word.isupper() and 2 <= len(word) <= 5 and word.isalpha()
                    and (word.lower() in _PRONOUNS or word.lower() not in english_words())}
        self._the_capital = re.compile(r"\b(the)\s+(" + "|".join(re.escape(c.lower()) for c in sorted(capitals))
                                       + r")\b") if capitals else None
        # written only capitalised: names, not sentence-initial common words ("Those", "Federal")
        self.names = {w: form for w, form in forms.items() if w not in lower and len(w) >= MIN_CHARS}
        # the source's other words, for a word typed wrong that no dictionary has ("goverment")
        self._common = sorted(w for w in lower if len(w) >= MIN_COMMON_CHARS and w.isalpha())
        # compared without accents: "Ibanez" is "Ibáñez" typed on a keyboard without them
        self._names = list(self.names)
        self._choices = [fold_accents(w) for w in self._names]
        self._unaccented: dict[str, list[str]] = {}  # a name written with accents, by its letters without them
        for w, form in forms.items():
            if w not in lower and fold_accents(w) != w:
                self._unaccented.setdefault(fold_accents(w), []).append(form)
        spelt_out: dict[str, set[str]] = {}
        for text in texts_seen:
            for run in _NAME_RUN.findall(text):
                words = run.split()
                while words and words[0].lower() in _JOINERS:  # "The International Crisis Group"
                    words = words[1:]
                # a first word the source also writes in lower case may open a sentence, not the name
                variants = (words, words[1:]) if words and words[0].lower() in lower else (words,)
                for name in variants:
                    if len(name) >= 2:
                        spelt_out.setdefault(initials(" ".join(name)), set()).add(" ".join(name))
        # an acronym read as a name only when exactly one name of the source has those initials
        # (of three letters or more: "AP" is not read as "AFP PHOTO")
        self.acronyms = {a: next(iter(n)) for a, n in spelt_out.items() if len(n) == 1 and len(a) >= 3}

    def read_as(self, word: str) -> Correction | None:
        """The name `word` misspells or abbreviates, or None."""
        low = word.lower()
        if _ACRONYM.match(word) and low not in self.words:
            name = self.acronyms.get(word)
            return Correction(asked=word, read_as=name, edits=0) if name else None
        if (word.islower() and word.upper() in self.acronyms and low not in self.words
                and low not in english_words()):
            # "icg", "hrw" typed in a hurry (a journalist's review: "hrw" was "something the source does not treat")
            return Correction(asked=word, read_as=self.acronyms[word.upper()], edits=0)
        if low in self.words:
            return None
        bare = fold_accents(low)
        accented = self._unaccented.get(bare, ())
        if len(accented) == 1 and len(low) >= MIN_ACCENTED_CHARS and (word[0].isupper() or low not in english_words()):
            # "Lea" for "Léa", "Tomas" for "Tomás": the accents alone; a dictionary's word ("lea", "tomas") only
            # when written capitalised, as a name
            return Correction(asked=word, read_as=accented[0], edits=0)
        if len(low) < MIN_CHARS or low in english_words():
            return None
        limit = max_edits(low)
        found = process.extract(bare, self._choices, scorer=OSA.distance, score_cutoff=limit,
                                limit=2) if self._choices else []
        if found and not (len(found) > 1 and found[1][1] == found[0][1]):  # one name closest
            return Correction(asked=word, read_as=self.names[self._names[found[0][2]]], edits=int(found[0][1]))
        if found or not word.islower() or len(low) < MIN_COMMON_CHARS:
            return None
        # "What did Milashina say about the goverment?": the source's "government" (a journalist in the browser: "none
        # of their words is about the goverment"); one edit only, and only when one word of the source is so close
        common = process.extract(low, self._common, scorer=OSA.distance, score_cutoff=1, limit=2)
        if len(common) != 1:
            return None
        return Correction(asked=word, read_as=common[0][0], edits=int(common[0][1]))

    def correct(self, question: str) -> tuple[str, list[Correction]]:
        """The question with each misspelt name replaced by the source's, and what was replaced."""
        corrections: list[Correction] = []

        def capital(m: re.Match) -> str:
            # "what did the us say": the source's "US", not the pronoun (a developer's review: it had been "Not
            # answered": the question names nothing to look for)
            corrections.append(Correction(asked=m.group(2), read_as=m.group(2).upper(), edits=0))
            return f"{m.group(1)} {m.group(2).upper()}"

        if self._the_capital is not None:
            question = self._the_capital.sub(capital, question)

        def replace(m: re.Match) -> str:
            found = self.read_as(m.group(0))
            if found is None:
                return m.group(0)
            corrections.append(found)
            return found.read_as

        return _WORD.sub(replace, question), corrections
