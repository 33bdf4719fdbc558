"""Typed data that crosses module boundaries."""

from __future__ import annotations

import re

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Section = Literal[
    "caption", "standfirst", "byline", "dateline", "headline", "body", "teaser", "related", "other"
]

SECTION_LABELS: dict[str, str] = {
    "caption": "photo caption",
    "standfirst": "summary under the headline",
    "byline": "byline",
    "dateline": "dateline",
    "headline": "headline",
    "body": "body of the report",
    "teaser": "another story's teaser",
    "related": "link to another story",
    "other": "other",
}

# the capitals a name may begin with: A–Z and the accented Latin ones ("Mr Ødegaard", "Łukasz", "Émile")
CAPITALS = "A-Z" + "".join(c for c in map(chr, range(0xC0, 0x250)) if c.isupper())


def name_pattern(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`pattern` compiled with each "[A-Z]" admitting every Latin capital, so that "Mr Ødegaard" reads as a name."""
    return re.compile(pattern.replace("[A-Z]", f"[{CAPITALS}]"), flags)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Span(_Frozen):
    """A sentence: `[start, end)` indexes the document's full text."""

    start: int
    end: int


class Paragraph(_Frozen):
    """A paragraph of a document, with its section tag and sentence spans."""

    number: int = Field(description="1-based paragraph number within the document")
    start: int
    end: int
    section: Section
    sentences: tuple[Span, ...]


class Document(_Frozen):
    """A source document: its full text and what could be read of it."""

    doc_id: str
    title: str
    path: str
    text: str
    sha256: str
    byline: str | None = None
    date: str | None = None
    paragraphs: tuple[Paragraph, ...] = ()

    def paragraph_at(self, offset: int) -> int | None:
        """The number of the paragraph holding character `offset`, or None."""
        return next((p.number for p in self.paragraphs if p.start <= offset < max(p.end, p.start + 1)), None)


class Passage(_Frozen):
    """The unit of retrieval: one paragraph, or a sentence-aligned piece of a long one."""

    passage_id: str
    doc_id: str
    paragraph: int
    section: Section
    start: int
    end: int
    text: str
    sentences: tuple[Span, ...]


class PassageHit(_Frozen):
    """A passage returned by `Retriever.search`, with its fused score and component scores."""

    passage: Passage
    score: float
    dense: float
    bm25: float
    rank: int


def in_quote_marks(text: str) -> str:
    """`text` in curly quotes, unless it already opens with a quotation mark (no doubled “““), and with no
    closing mark added after one that closes a quotation the text opened before it began
    (`It is a real disaster, it's getting out of control,”` → `“It is a real disaster, …,”`)."""
    if text[:1] in "“\"‘'":
        return text
    if text.endswith("”") and text.count("”") > text.count("“"):
        return f"“{text}"
    return f"“{text}”"


def opens_mid_sentence(text: str, start: int) -> bool:
    """Whether `text[start:]` begins inside a sentence: after a comma or a word, not after a full stop, a line break,
    an opening quotation mark or the start of the text."""
    i = start
    while i > 0 and text[i - 1] in " \t\u00a0":  # not text[:start].rstrip(): no copy of all that comes before
        i -= 1
    return i > 0 and text[i - 1] not in ".!?…\n\r“‘\"'([•:;—–-"


_TRAILING_MARK = re.compile(r"\s*[,;:–—-]\s*$")


def for_pasting(text: str, quotation_only: bool = False) -> str:
    """`text` as a quotation to paste into copy: in curly quotes, as `in_quote_marks`, with the source's
    own quotation marks inside turned single (“had been “outrageous”.”  → “had been ‘outrageous’.”) and
    the comma that led into the attribution dropped (“… from Putin,” → “… from Putin”); with
    `quotation_only` (a direct quote pasted under its speaker's name), a sentence that opens with its
    quotation ends at the quotation's last mark. The words stay the source's."""
    if quotation_only and text[:1] == "“" and text.rfind("”") > 0:
        # a sentence that opens with the quotation: up to its last closing mark, without the narration after
        # it ("… he wrote on Instagram, a popular platform for Kadyrov himself"), which is not the speaker's
        quoted = text[:text.rfind("”")].rstrip()
        return _TRAILING_MARK.sub("", quoted) + "”"
    if text[:1] in "“\"‘'":
        return text
    if text.endswith("”") and text.count("”") > text.count("“"):
        text = text[:-1]  # a quotation opened before the text began closes with it: one mark, not ’”
    inner = text.replace("“", "‘").replace("”", "’")
    opened = False
    chars = []
    for ch in inner:  # straight double quotes, in pairs
        if ch == '"':
            ch = "’" if opened else "‘"
            opened = not opened
        chars.append(ch)
    return f"“{_TRAILING_MARK.sub('', ''.join(chars))}”"


class Citation(_Frozen):
    """A verbatim quote: `document.text[start:end] == quote`."""

    doc_id: str
    doc_title: str
    passage_id: str
    paragraph: int
    section: Section
    section_label: str
    quote: str
    start: int
    end: int
    score: float = Field(description="confidence in [0, 1] that this quote answers the question")
    source_sha256: str
    speaker: str | None = None
    quote_kind: Literal["direct", "reported"] | None = None
    stale: bool = False


QuoteKind = Literal["direct", "scare", "reported"]


class WordsCheck(_Frozen):
    """Words the question sets in quote marks, looked up word for word in the sources (case, quote
    marks, punctuation and spacing aside): where the source has them, or that it does not."""

    words: str
    found: bool
    doc_id: str | None = None
    start: int | None = Field(default=None, description="document.text[start:end] holds the words")
    end: int | None = None
    paragraph: int | None = Field(default=None, description="1-based paragraph of `start`")
    speaker: str | None = Field(default=None, description="whose words they are, where the source says")
    quote_kind: QuoteKind | None = None
    elided: bool = Field(default=False, description="the words stand in the source with words left out where the "
                                                    "question has an ellipsis (… or ...): start:end spans them all")
    relayed_by: str | None = Field(default=None, description="the speaker whose quotation sets the words in quote "
                                                         "marks of their own, as someone else's (speaker is then None)")


class Answer(_Frozen):
    """The reply to one question: citations best first, or an abstention."""

    question: str
    abstained: bool
    reason: str | None = None
    confidence: float = 0.0
    threshold: float = 0.0
    citations: list[Citation] = Field(default_factory=list)
    closest: list[Citation] = Field(
        default_factory=list, description="when abstaining: nearest passages, which are NOT answers"
    )
    read_as: str | None = Field(
        default=None, description="the question as answered, when it misspelt a name of the source "
                                  "(\"Sokirianskaya\" read as \"Sokirianskaia\"); None when read as asked")
    words_checked: list[WordsCheck] = Field(
        default_factory=list, description="the words the question quotes, and whether the source has them "
                                          "word for word")
    unsearched: bool = Field(
        default=False, description="declined before the source was searched: a question in another language, one "
                                   "that names nothing, or a request of the assistant itself (not \"the source does "
                                   "not answer\": the reason says what to ask)")




class Evidence(_Frozen):
    """A span of the document that supports an attribution: `document.text[start:end] == text`."""

    text: str
    start: int
    end: int


class LedgerEntry(_Frozen):
    """One quotation in a source, who said it, and the words that say so.

    `kind` is "direct" for words inside quote marks, "scare" for short quoted terms that are not
    speech (`speaker` is then None), "reported" for a sentence of reported speech ("she says it...").
    `evidence` is the attribution ("Ms Smith says", "she says"); for a pronoun, `antecedent` is the
    mention it was resolved to; `speaker_roles` are how the source describes the speaker beside their
    name ("Russia Project Director with the International Crisis Group", a title before it);
    `continued` marks a quote-only paragraph that takes the previous paragraph's speaker, whose
    attribution is then the evidence.
    """

    citation: Citation
    kind: QuoteKind
    speaker: str | None = None
    speaker_forms: tuple[str, ...] = ()
    speaker_roles: tuple[str, ...] = Field(
        default=(), description='how the source describes the speaker ("Russia Project Director with ...")')
    speaker_kind: Literal["person", "role", "org"] | None = Field(
        default=None, description='"person" (a name), "role" ("the Chechen Minister for Information") or "org"')
    evidence: Evidence | None = None
    antecedent: Evidence | None = None
    continued: bool = False
    nested: bool = False
    confidence: float = Field(default=0.0, description="confidence in the attribution, in [0, 1]")

    @property
    def quote(self) -> str:
        return self.citation.quote

    @property
    def start(self) -> int:
        return self.citation.start

    @property
    def end(self) -> int:
        return self.citation.end


class SpeakerQuestion(_Frozen):
    """A question about speakers: what a person said ("by") or who said some words ("who")."""

    kind: Literal["by", "who"]
    target: str = Field(description="the speaker's name for 'by', the quoted words for 'who'")
    topic: str | None = Field(default=None, description="'about X' in 'What did Y say about X?'")
    medium: str | None = Field(default=None, description="where or to whom: 'Instagram' in 'What did Y post on "
                                                         "Instagram?', 'SBS' in 'What did Y tell SBS?'")
