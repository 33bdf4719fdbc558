"""Paragraphs, sentences and passages, each with exact character offsets into the document.

A news page pasted as text mixes the report with other things: a photo caption, a byline, a
dateline, and headline-plus-summary teasers of other stories. `tag_section` names them so that a
citation can say where its quote comes from.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field

from .models import Document, Paragraph, Passage, Section, Span, name_pattern

_BLANK_LINE = re.compile(r"\n[ \t\u00a0\r]*\n")
_LINE = re.compile(r"[^\r\n]+")
_TERMINAL = tuple(".!?:;\"'”’»)…")
_DATELINE = re.compile(
    r"^\s*\d{1,2}\s+[A-Z][a-z]{2,8}\.?\s+\d{4}\b.*$|^\s*(Published|Updated|UPDATED)\b", re.IGNORECASE
)
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?"
          r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
# Datelines at the top of a page in other shapes than "19 Apr 2017 - 12:38 PM": "RIVERTON, 3 March
# 2024", "March 3, 2024", "Posted 3 March 2024"; the whole line is the place, the date and a time
_DATELINE_TOP = name_pattern(
    r"^\s*(?:(?:Posted|Last\s+updated|Updated|For\s+immediate\s+release|Released|Issued)\s*:?\s*(?:on\s+)?|[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3},\s+)?"
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+)?"
    r"(?:\d{1,2}\s+" + _MONTH + r"|" + _MONTH + r"\s+\d{1,2},?)\s+\d{4}"
    r"(?:\s*(?:[-–—|,]|at)?\s*\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?(?:\s+[A-Z]{2,5})?)?\s*$", re.IGNORECASE)
_CAPTION = re.compile(r"^\s*[•·▪]|\b(PHOTO|Photo:|Image:|Source: ?[A-Z])|\((AAP|AFP|AP|Reuters|Getty)\b")
# credit lines that only a caption carries, so a caption anywhere on the page, not only above the
# report: "Photograph: Jane Doe/AP", "Image caption, ...", "Image source, Getty Images", "(AP Photo/...)"
_CAPTION_ANYWHERE = re.compile(
    r"\b(Photograph|Picture|Photo|Image) ?: ?[A-Z]|^\s*Image (caption|source)\b"
    r"|\((AAP|AFP|AP|EPA) (PHOTO|Photo|Image|IMAGE)\b|\bAFP PHOTO\b|[/:,(]\s*Getty Images\b|\bGetty Images\s*\)?\s*$")
# how a caption's credit line opens ("(AFP PHOTO / ...)", "Source: AAP", "Photograph: Jane Doe/AP")
_CREDIT_START = re.compile(
    r"^\W*((AAP|AFP|AP|EPA|Reuters|Getty)\b|(Photograph|Photo|Picture|Image|Source|Credit)\s*:|Image source\b)",
    re.IGNORECASE)
# a wire story's lead names its agency after the dateline ("WASHINGTON (AP) — ..."): report, not caption
_WIRE_LEAD = re.compile(r"^\s*[A-Z][A-Z .,'’-]{1,40}\s\((AAP|AFP|AP|Reuters)\)\s*[—–-]")
# what a line naming a public body ends with: a committee's minutes under "Port Ellison City Council" (a
# developer's review: it had been taken for a byline, and the minutes' writer)
_PUBLIC_BODIES = frozenset("council committee department ministry commission parliament assembly board authority "
                           "tribunal senate".split())
_BYLINE = name_pattern(r"^\s*(By\s+)?[A-Z][\w'’-]+(\s+[A-Z][\w'’-]+){0,3}\s*$")
_RELATED = re.compile(r"^\s*(Related|Read more|See also|Watch|More)\s*:", re.IGNORECASE)


class ChunkSettings(BaseModel):
    """Settings that define an index's passages; stored in its manifest."""

    model_config = ConfigDict(frozen=True)

    max_chars: int = Field(default=1000, ge=50, description="passage size cap")
    overlap_sentences: int = Field(default=0, ge=0, le=5, description="sentences repeated across a split")


# Bump when the rules that cut passages, sentences or sections change: indexes built by other
# rules are then rebuilt by `index --if-stale` (and so by `make run`).
CHUNKER_VERSION = 8


@lru_cache(maxsize=1)
def chunker_id() -> str:
    """The chunking code an index was built with: these rules and the sentence segmenter's version."""
    from importlib.metadata import version

    return f"{CHUNKER_VERSION}/pysbd-{version('pysbd')}"


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False, char_span=False)


# pysbd's time grows with the square of its input's length (100 KB on one line: 8-20 s), so it is
# fed windows of at most SEGMENT_WINDOW characters, cut after a sentence end where possible. A
# "sentence" longer than MAX_SENTENCE_CHARS (a line with no punctuation) is split at spaces, so a
# quote is never a whole unpunctuated file.
SEGMENT_WINDOW = 3000
MAX_SENTENCE_CHARS = 1000
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*\s+")
# a list bullet opening a line is layout, not the sentence's words: a quote starts after it
_BULLET_LEAD = re.compile(r"[•·▪]+\s*")
_SPACE = re.compile(r"\s+")


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> tuple[Span, ...]:
    """Sentences of `text[start:end]` found by pysbd, as trimmed spans into `text`."""
    end = len(text) if end is None else end
    spans: list[Span] = []
    for lo, hi in _windows(text, start, end, SEGMENT_WINDOW):
        for span in _segment(text, lo, hi):
            spans.extend(_split_long(text, _without_bullet(text, span), MAX_SENTENCE_CHARS))
    return tuple(spans)


def _without_bullet(text: str, span: Span) -> Span:
    bullet = _BULLET_LEAD.match(text, span.start, span.end)
    return Span(start=bullet.end(), end=span.end) if bullet and bullet.end() < span.end else span


def _cut(text: str, lo: int, hi: int, limit: int, pattern: re.Pattern) -> int:
    """Where to end a piece of `text[lo:hi]` at most `limit` long: after the last `pattern` match
    in its second half, else at the limit."""
    if hi - lo <= limit:
        return hi
    best = None
    for match in pattern.finditer(text, lo + limit // 2, lo + limit):
        best = match.end()
    return best if best is not None and best > lo else lo + limit


def _windows(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    windows, lo = [], start
    while lo < end:
        hi = _cut(text, lo, end, limit, _SENTENCE_END)
        if hi == lo + limit and hi < end:  # no sentence end: cut at a space instead
            hi = _cut(text, lo, end, limit, _SPACE)
        windows.append((lo, hi))
        lo = hi
    return windows


def _split_long(text: str, span: Span, limit: int) -> list[Span]:
    if span.end - span.start <= limit:
        return [span]
    pieces = []
    for lo, hi in _windows(text, span.start, span.end, limit):
        pieces.extend(_trimmed(text[lo:hi], 0, hi - lo, lo))
    return pieces


def _segment(text: str, start: int, end: int) -> list[Span]:
    chunk = text[start:end]
    if not chunk.strip():
        return []
    try:
        pieces = _segmenter().segment(chunk)
    except Exception:  # pysbd fails on rare inputs; one sentence is the sound fallback
        pieces = [chunk]
    spans: list[Span] = []
    cursor = 0
    for piece in pieces:
        stripped = piece.strip()
        if not stripped:
            continue
        found = chunk.find(stripped, cursor)
        if found < 0:  # the segmenter changed the text: keep the rest as one sentence
            spans.extend(_trimmed(chunk, cursor, len(chunk), start))
            return spans
        spans.extend(_trimmed(chunk, found, found + len(stripped), start))
        cursor = found + len(stripped)
    return spans


def _trimmed(chunk: str, lo: int, hi: int, offset: int) -> list[Span]:
    while lo < hi and chunk[lo].isspace():
        lo += 1
    while hi > lo and chunk[hi - 1].isspace():
        hi -= 1
    return [Span(start=offset + lo, end=offset + hi)] if hi > lo else []


def _blocks(text: str) -> list[tuple[int, int]]:
    """Blank-line separated blocks as `(start, end)`, blank ones dropped."""
    blocks, cursor = [], 0
    for match in _BLANK_LINE.finditer(text):
        blocks.append((cursor, match.start()))
        cursor = match.end() - 1
    blocks.append((cursor, len(text)))
    return [(a, b) for a, b in blocks if text[a:b].strip()]


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [
        (start + m.start(), start + m.end())
        for m in _LINE.finditer(text[start:end])
        if m.group().strip()
    ]


def looks_like_headline(line: str) -> bool:
    # a Markdown title ("# Council approves new library") too: it had been the body's first paragraph (a developer)
    line = re.sub(r"^#{1,6}\s+", "", line.strip()).rstrip("\u00a0 ")
    return 3 <= len(line.split()) <= 20 and not line.endswith(_TERMINAL[:6] + ("”", "…")) and line[:1].isupper()


def is_photo_credit(sentence: str) -> bool:
    """A caption sentence that is a credit (who took or supplied the picture): it opens with an agency
    or "Source:" / "Photo:"…, or is mostly capitals."""
    letters = [ch for ch in sentence if ch.isalpha()]
    upper = sum(ch.isupper() for ch in letters) / len(letters) if letters else 0.0
    return bool(_CREDIT_START.match(sentence)) or upper > 0.6


def tag_section(line: str, *, index: int, seen_body: bool) -> Section:
    """Section of one line of a news page, from its shape and its place before or in the body."""
    stripped = line.strip()
    if _RELATED.match(stripped):
        return "related"
    if _WIRE_LEAD.match(stripped):
        return "body"
    if _CAPTION_ANYWHERE.search(stripped) or (_CAPTION.search(stripped) and not seen_body):
        return "caption"
    if _DATELINE.match(stripped) and len(stripped) < 120:
        return "dateline"
    if not seen_body and index < 8 and _DATELINE_TOP.match(stripped):
        return "dateline"
    # a name alone is a byline under a headline; the first line, without "By", is a title in capitals
    # ("Growing Cherry Tomatoes")
    if (not seen_body and _BYLINE.match(stripped) and len(stripped) < 60 and index < 8
            and (index > 0 or stripped.lower().startswith("by "))
            # one word is a heading ("ABSTRACT", "Methods"), not a name (a developer's review: a trial's abstract
            # had been read as a news page by its "byline")
            and (len(stripped.split()) >= 2 or stripped.lower().startswith("by "))
            and not (stripped.split()[-1].lower() in _PUBLIC_BODIES and not stripped.lower().startswith("by "))):
        return "byline"
    if not seen_body and index < 4 and looks_like_headline(stripped):
        return "headline"
    return "body"


_MAYBE_STANDFIRST = "standfirst?"


def _settle(section: str, following: str | None) -> Section:
    """A sentence right under the headline is the page's summary (standfirst) when the byline or the
    dateline comes next, and the report's first paragraph otherwise."""
    if section != _MAYBE_STANDFIRST:
        return section
    return "standfirst" if following in ("byline", "dateline") else "body"


def split_paragraphs(text: str) -> tuple[Paragraph, ...]:
    """Paragraphs with section tags and sentence spans.

    Blocks are separated by blank lines. A two-line block whose first line is a headline (no
    closing punctuation) followed by a sentence is another story's teaser. Other multi-line
    blocks are split into their lines, each its own paragraph.
    """
    units: list[tuple[int, int, Section]] = []
    seen_body = False
    for block_start, block_end in _blocks(text):
        lines = _lines(text, block_start, block_end)
        if not lines:
            continue
        first = text[lines[0][0]:lines[0][1]]
        if seen_body and len(lines) == 2 and looks_like_headline(first) and not _RELATED.match(first):
            units.append((lines[0][0], lines[-1][1], "teaser"))
            continue
        for line_start, line_end in lines:
            line = text[line_start:line_end]
            section = tag_section(line, index=len(units), seen_body=seen_body)
            opening = section == "body" and not seen_body and units and not _WIRE_LEAD.match(line)
            if opening and units[-1][2] == "caption":
                section = "standfirst"
            elif opening and units[-1][2] == "headline":
                section = _MAYBE_STANDFIRST  # the summary under the headline if a byline or dateline follows
            elif section == "body":
                seen_body = True
            units.append((line_start, line_end, section))
    units = [(a, b, _settle(section, units[i + 1][2] if i + 1 < len(units) else None))
             for i, (a, b, section) in enumerate(units)]
    paragraphs = []
    for number, (start, end, section) in enumerate(units, start=1):
        lo, hi = _trimmed(text, start, end, 0)[0].start, _trimmed(text, start, end, 0)[0].end
        paragraphs.append(Paragraph(
            number=number, start=lo, end=hi, section=section, sentences=sentence_spans(text, lo, hi),
        ))
    return tuple(paragraphs)


def pack_sentences(spans: tuple[Span, ...], max_chars: int, overlap: int) -> list[tuple[Span, ...]]:
    """Group consecutive sentences into pieces of at most `max_chars` (a longer sentence stands alone)."""
    groups: list[tuple[Span, ...]] = []
    current: list[Span] = []
    for span in spans:
        if current and span.end - current[0].start > max_chars:
            groups.append(tuple(current))
            current = current[-overlap:] if overlap else []
            if current and span.end - current[0].start > max_chars:
                current = []
        current.append(span)
    if current:
        groups.append(tuple(current))
    return groups


def make_passages(doc: Document, settings: ChunkSettings = ChunkSettings()) -> list[Passage]:
    """Passages of a document: one per paragraph, long paragraphs split at sentence boundaries."""
    passages: list[Passage] = []
    for paragraph in doc.paragraphs:
        spans = paragraph.sentences or (Span(start=paragraph.start, end=paragraph.end),)
        for group in pack_sentences(spans, settings.max_chars, settings.overlap_sentences):
            start, end = group[0].start, group[-1].end
            passages.append(Passage(
                passage_id=f"{doc.doc_id}:p{len(passages) + 1:04d}",
                doc_id=doc.doc_id, paragraph=paragraph.number, section=paragraph.section,
                start=start, end=end, text=doc.text[start:end], sentences=group,
            ))
    return passages
