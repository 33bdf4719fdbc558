"""Words a question quotes ("Did she say “it is a total disaster”?"), looked up word for word in
the sources: a journalist checking a quote needs to know whether the source has those exact words,
not only which sentence comes closest.

Word for word means the same words in the same order; case, quote marks, punctuation and spacing
aside ("it’s" and "it's" are one word, "it's" and "it is" are not).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from itertools import islice

from .models import Document, WordsCheck
from .quotes import find_quotes

_WORD = re.compile(r"\w+(?:['’]\w+)*")
MIN_CHARS = 3  # shorter quoted strings ("'s'", "“a”") are not words to check
MAX_ELIDED = 300  # characters an ellipsis may stand for
_ELLIPSIS = re.compile(r"\s*(?:…|\.\s?\.\s?\.|\[\s*(?:…|\.\.\.)\s*\])\s*")


# "Check this quote: …", "Is this quote accurate? …": the words after it are a quote to check, with or
# without quote marks
_CHECK_REQUEST = re.compile(
    r"^\s*(?:please\s+)?(?:(?:can\s+you\s+)?(?:check|verify|confirm|fact[- ]?check)(?:\s+(?:this|the|that|my|a))?"
    r"(?:\s+(?:quote|quotation|wording|line|sentence|words))?"
    r"|(?:is|are)\s+(?:this|the|that|my|these|those)\s+(?:quote|quotation|wording|line|sentence|words)\s+"
    r"(?:accurate|correct|right|verbatim|exact|real|genuine))"
    r"\s*(?:[:\-–—]|\?)\s*(?P<words>.+?)\s*[?.!]?\s*$", re.IGNORECASE)


def quoted_words(question: str, marked_only: bool = False) -> list[str]:
    """The strings the question sets in quote marks, outermost first, in order; or, for "Check this
    quote: …" without quote marks, the words after the request (not when `marked_only`)."""
    found = [question[q.start:q.end].strip(" .,;:!?") for q in find_quotes(question, 0, len(question))
             if q.depth == 0 and q.close is not None]
    if not found and not marked_only and (m := _CHECK_REQUEST.match(question)):
        found = [m.group("words").strip(" .,;:!?")]
    return [words for words in found if len(words) >= MIN_CHARS]


def _fold(text: str) -> str:
    return text.lower().replace("’", "'")


def words_pattern(words: str) -> re.Pattern | None:
    """A pattern for `words` as whole words in order, whatever lies between them but letters and digits:
    "it's getting" matches "it’s  getting" and "IT'S, GETTING", not "its getting" nor "it’s gettings"."""
    asked = _WORD.findall(words)
    if not asked:
        return None
    parts = [r"['’]".join(re.escape(piece) for piece in re.split(r"['’]", w)) for w in asked]
    whole = r"(?<!\w)(?<!\w['’])", r"(?!\w|['’]\w)"  # a word, not part of one ("it" in "it’s")
    return re.compile(whole[0] + r"[\W_]+".join(parts) + whole[1], re.IGNORECASE)


class WordFinder:
    """Finds a run of words in the sources and its character span; nothing is built ahead."""

    def __init__(self, documents: Mapping[str, Document]):
        self.documents = documents
        self._folded: dict[str, str] | None = None  # each text lower-cased, to skip those that lack a word

    def find(self, words: str) -> tuple[str, int, int] | None:
        """(doc_id, start, end) of the first place a source has `words` word for word, else None."""
        return next(self.places(words), None)

    def unique(self, words: str) -> bool:
        """Whether the sources have `words` word for word in exactly one place."""
        return len(list(islice(self.places(words), 2))) == 1

    def places(self, words: str) -> Iterator[tuple[str, int, int]]:
        """Every (doc_id, start, end) where a source has `words` word for word, in order."""
        pattern = words_pattern(words)
        if pattern is None:
            return
        if self._folded is None:
            self._folded = {d: _fold(doc.text) for d, doc in self.documents.items()}
        asked = [_fold(w) for w in _WORD.findall(words)]
        for doc_id, doc in self.documents.items():
            if all(w in self._folded[doc_id] for w in asked):
                for m in pattern.finditer(doc.text):
                    yield doc_id, m.start(), m.end()

    def check(self, words: str) -> WordsCheck:
        """Where the sources have `words` word for word (the first place), or that they do not. Words
        with an ellipsis ("a phone call from Putin … the only one") are found when each part is, in
        order, in one paragraph, with no more than `MAX_ELIDED` characters left out between parts."""
        parts = [p for p in _ELLIPSIS.split(words) if _WORD.search(p)]
        hit = self.find(words) if len(parts) < 2 else self._find_parts(parts)
        if hit is None:
            return WordsCheck(words=words, found=False)
        doc_id, start, end = hit
        return WordsCheck(words=words, found=True, doc_id=doc_id, start=start, end=end, elided=len(parts) > 1,
                          paragraph=self.documents[doc_id].paragraph_at(start))

    def _find_parts(self, parts: list[str]) -> tuple[str, int, int] | None:
        patterns = [words_pattern(p) for p in parts]
        for doc_id, start, end in self.places(parts[0]):
            doc = self.documents[doc_id]
            paragraph, at = doc.paragraph_at(start), end
            for pattern in patterns[1:]:
                m = pattern.search(doc.text, at, at + MAX_ELIDED + 1000)
                if (m is None or m.start() - at > MAX_ELIDED or doc.paragraph_at(m.start()) != paragraph
                        or "\n\n" in doc.text[at:m.start()]):
                    break
                at = m.end()
            else:
                return doc_id, start, at
        return None


def one_word(words: list[str]) -> bool:
    """Whether `words` is a single word ("taboo")."""
    return len(words) == 1 and len(_WORD.findall(words[0])) == 1


def the_words(words: list[str]) -> str:
    """“the word “taboo”” or “the words “a real disaster” and “outrageous””."""
    return ("the word " if one_word(words) else "the words ") + " and ".join(f"“{w}”" for w in words)


def check_note(checks: list[WordsCheck], named: Callable[[str], str] = str) -> str:
    """What the checks found, as the start of an answer's reason; `named` gives a speaker as a sentence
    names them ("the Chechen Minister for Information")."""
    def found(c: WordsCheck) -> str:
        how = "with words left out where the ellipsis stands" if c.elided else "word for word"
        note = f"{the_words([c.words])} {'is' if one_word([c.words]) else 'are'} in the source {how}"
        note += f" (¶{c.paragraph})" if c.paragraph is not None else ""
        if c.relayed_by:
            note += f", in quote marks inside words of {named(c.relayed_by)}, who gives them as someone else's"
        elif c.speaker and c.quote_kind == "direct":
            note += f", as words of {named(c.speaker)}"
        elif c.speaker and c.quote_kind == "reported":
            note += f", in a sentence reporting what {named(c.speaker)} says"
        elif not c.speaker:
            note += ", not as anyone's words"
        return note

    return "; ".join(found(c) if c.found else f"the source does not have {the_words([c.words])} as written"
                     for c in checks)
