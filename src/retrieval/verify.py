"""Words a question quotes ("Did she say “it is a total disaster”?"), looked up word for word in
the sources: a journalist checking a quote needs to know whether the source has those exact words,
not only which sentence comes closest.

Word for word means the same words in the same order; case, quote marks, punctuation and spacing
aside ("it’s" and "it's" are one word, "it's" and "it is" are not).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping

from .models import Document, WordsCheck
from .quotes import find_quotes

_WORD = re.compile(r"\w+(?:['’]\w+)*")
MIN_CHARS = 3  # shorter quoted strings ("'s'", "“a”") are not words to check


def quoted_words(question: str) -> list[str]:
    """The strings the question sets in quote marks, outermost first, in order."""
    found = (question[q.start:q.end].strip(" .,;:!?") for q in find_quotes(question, 0, len(question))
             if q.depth == 0 and q.close is not None)
    return [words for words in found if len(words) >= MIN_CHARS]


def _words(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    found = list(_WORD.finditer(text))
    return [m.group().lower().replace("’", "'") for m in found], [m.span() for m in found]


class WordIndex:
    """Each document's words as one string, for finding a run of words and its character span."""

    def __init__(self, documents: Mapping[str, Document]):
        self.documents = documents
        self._docs: dict[str, tuple[str, list[int], list[tuple[int, int]]]] = {}
        for doc_id, doc in documents.items():
            words, spans = _words(doc.text)
            joined = " " + " ".join(words) + " "
            starts, at = [], 1  # where each word starts in `joined`
            for w in words:
                starts.append(at)
                at += len(w) + 1
            self._docs[doc_id] = (joined, starts, spans)

    def find(self, words: str) -> tuple[str, int, int] | None:
        """(doc_id, start, end) of the first place a source has `words` word for word, else None."""
        asked, _ = _words(words)
        if not asked:
            return None
        needle = " " + " ".join(asked) + " "
        for doc_id, (joined, starts, spans) in self._docs.items():
            at = joined.find(needle)
            if at >= 0:
                first = bisect_left(starts, at + 1)
                return doc_id, spans[first][0], spans[first + len(asked) - 1][1]
        return None

    def check(self, words: str) -> WordsCheck:
        """Where the sources have `words` word for word (the first place), or that they do not."""
        hit = self.find(words)
        if hit is None:
            return WordsCheck(words=words, found=False)
        doc_id, start, end = hit
        return WordsCheck(words=words, found=True, doc_id=doc_id, start=start, end=end,
                          paragraph=self.documents[doc_id].paragraph_at(start))


def check_note(checks: list[WordsCheck]) -> str:
    """What the checks found, as the start of an answer's reason."""
    def found(c: WordsCheck) -> str:
        note = "the words “" + c.words + "” are in the source word for word"
        note += f" (¶{c.paragraph})" if c.paragraph is not None else ""
        if c.speaker and c.quote_kind == "direct":
            note += f", as words of {c.speaker}"
        elif c.speaker and c.quote_kind == "reported":
            note += f", in a sentence reporting what {c.speaker} says"
        return note

    return "; ".join(found(c) if c.found else f"the source does not have the words “{c.words}” as written"
                     for c in checks)
