"""The journalist's chat: a Gradio app over the `retrieval` library.

Every reply is made of verbatim quotes from the source, numbered, each with its citation, or a plain
statement that the source does not answer. The whole article sits beside the chat with the quotes of
the last answer highlighted. An `/ask` endpoint returns the `Answer` as JSON for headless use.

The formatting functions (`format_reply`, `highlight_source`, `copy_ready`, ...) are pure and need no
browser; `build_app` wires them to Gradio and `main` starts the server.

Run it with `make run`, `python -m retrieval serve` or `python app.py [--host H] [--port P]`.
"""

from __future__ import annotations

import argparse
import html
import json
import math
import os
import re
import socket
import sys
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, Any

from retrieval import Answer, Assistant, Citation, Document, RetrievalError
from retrieval.answer import NO_ANSWER
from retrieval.models import LedgerEntry, for_pasting, in_quote_marks, opens_mid_sentence
from retrieval.quotes import SPEECH_VERBS

if TYPE_CHECKING:
    import gradio as gr

    from retrieval.ratelimit import RateLimiter

ROOT = Path(__file__).resolve().parent
DATA_DIR = ROOT / "data"
INDEX_DIR = ROOT / "index"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860
CONCURRENCY_LIMIT = 4  # retrieval is CPU-light: answer several users at once
MAX_BODY_BYTES = 64 * 1024
DEFAULT_K = 3  # quotes `POST /api/ask` gives unless asked for another number, as `Assistant.ask`
MAX_API_K = 20
QUEUE_MAX = 64  # a flood gets "queue full" instead of waiting without bound
MAX_QUOTES = 10  # quotes asked for per question
MIN_QUOTE_SCORE = 0.25  # further quotes are shown when at least this sure (the first always is)
SHOWN_CLOSEST = 3  # closest passages shown with an abstention
UNATTRIBUTED_SPEAKER = "Unattributed (the source names no speaker)"
STALE_WARNING = (
    "the source file changed after it was indexed: the quote and its place are those of the "
    "indexed text; check them against the current file or rebuild the index"
)

INTRO = (
    "Answers are **verbatim quotes from the source article only**, each with its citation. "
    "Nothing is written or paraphrased, and when the article does not answer, the chat says so. "
    "To check a quote, put its words in quote marks: the reply says whether the article has them word for word. "
    "¶N counts every paragraph of the page from the top, the photo caption, summary, byline and dateline included."
)
EXAMPLES = [
    "Who rules Chechnya?",
    "How many requests for help has the Russia LGBT Network received?",
    "What did Chechen spokespeople say about gay people?",
    "What did Sokirianskaia say?",
    "Who is quoted in the article?",
    "Who said 'All it would take is a phone call from Putin'?",
    "Did Sokirianskaia say “it is a total disaster”?",
    "What is the weather in Paris tomorrow?",
]
NOT_AN_ANSWER = "not an answer"

# One colour per quote number; the closest passages of an abstention are grey.
_PALETTE = ["#fde047", "#86efac", "#93c5fd", "#f9a8d4", "#fdba74", "#c4b5fd", "#5eead4", "#fca5a5"]
COLOR_MAP: dict[str, str] = {
    **{f"[{n}]": _PALETTE[(n - 1) % len(_PALETTE)] for n in range(1, MAX_QUOTES + 1)},
    **{f"[{n}] {NOT_AN_ANSWER}": "#d1d5db" for n in range(1, MAX_QUOTES + 1)},
}

# The source panel is our own HTML (`source_html`): one block per paragraph, numbered ¶N in the margin,
# quotes marked inline. The numbers and the quote labels are CSS `content`, never text: selecting and
# copying gives the article's words and nothing else.
# Text colours readable (WCAG AA, contrast at least 4.5:1) on what they sit on; white on the light grey of
# "[n] not an answer" was not.
_LABEL_TEXT = "#111827"  # a quote's label, on the quote's colour
_PARA_NUMBER = "#4b5563"  # the ¶N in the margin, on the panel's white
_PARA_NUMBER_DARK = "#9ca3af"  # the same in the dark theme


def _mark_class(label: str) -> str:
    """`"[3]"` -> `"hl-3"`; `"[3] not an answer"` -> `"hl-na"`."""
    return "hl-na" if label.endswith(NOT_AN_ANSWER) else "hl-" + label.strip("[]")


CSS = Template("""
#source .source-title { font-size: var(--text-sm); color: var(--block-label-text-color); margin: 0 0 6px; }
#source .source-box { max-height: 65vh; overflow-y: auto; padding: 4px 8px 4px 0; }
#source .para { position: relative; margin: 0 0 0.75em; padding-left: 2.8em; white-space: pre-wrap;
                overflow-wrap: break-word; line-height: 1.6; }
#source .para[data-para]::before { content: "¶" attr(data-para); position: absolute; left: 0; top: 0.3em;
                                   font-size: 0.75em; color: $para_number; user-select: none; }
#source .para[data-section="teaser"], #source .para[data-section="related"] {
    border-left: 3px solid #9ca3af; padding-left: calc(2.8em - 3px); }
#source mark { color: #111827; padding: 1px 0; border-radius: 3px; box-decoration-break: clone;
               -webkit-box-decoration-break: clone; }
#source mark .label::after { content: attr(data-label); font-size: 0.7em; font-weight: 600;
                             margin-left: 0.3em; padding: 0 0.3em; border-radius: 3px; user-select: none;
                             color: $label_text; }
.dark #source .para[data-para]::before { color: $para_number_dark; }
.quote-focus { outline: 3px solid #ef4444; outline-offset: 2px; border-radius: 3px; }
#citations label:focus-within, #quotes label:focus-within { outline: 3px solid #2563eb; outline-offset: 1px; }
""").substitute(label_text=_LABEL_TEXT, para_number=_PARA_NUMBER, para_number_dark=_PARA_NUMBER_DARK)
_MARK_COLOURS = {_mark_class(label): colour for label, colour in COLOR_MAP.items()}
CSS += "".join(f"#source mark.{cls}, #source mark.{cls} .label::after {{ background: {colour}; }}\n"
               for cls, colour in _MARK_COLOURS.items())

# Scroll the source panel's own box (never the page: `scrollIntoView` scrolled the page, ~900 px down to
# the panel, away from the answer) to the quote in focus. On a loaded machine the panel's new HTML can land
# after the first scroll, or be drawn again, which resets the box to its top: scroll again whenever the panel
# changes in the next few seconds (a user's own scrolling changes no node, so it is never undone).
WHEN_SOURCE_SETTLES = """
(run) => {
  setTimeout(run, 150);
  const root = document.getElementById("source");
  if (!root) return;
  let pending = null;
  const watch = new MutationObserver(() => {
    clearTimeout(pending);
    pending = setTimeout(run, 50);
  });
  watch.observe(root, { childList: true, subtree: true });
  setTimeout(() => watch.disconnect(), 4000);
}
"""
SCROLL_JS = """
() => {
  const go = () => {
    const root = document.getElementById("source");
    const hit = root && root.querySelector(".quote-focus");
    const box = root && root.querySelector(".source-box");
    if (!hit || !box) return;
    const offset = hit.getBoundingClientRect().top - box.getBoundingClientRect().top;
    box.scrollTo({ top: box.scrollTop + offset - box.clientHeight / 3 });
  };
  (WHEN_SOURCE_SETTLES)(go);
}
""".replace("WHEN_SOURCE_SETTLES", WHEN_SOURCE_SETTLES.strip())

# A citation or quote chosen: as SCROLL_JS, and when a long list of citations has pushed the panel below the window,
# the page moves to the quote chosen (a journalist in the browser: choosing [9] had changed nothing they could see).
# Not after an answer, which leaves the page where it is.
CHOSEN_JS = """
() => {
  (SCROLL_JS)();
  (WHEN_SOURCE_SETTLES)(() => setTimeout(() => {
    const hit = document.querySelector("#source .quote-focus");
    if (!hit) return;
    const seen = hit.getBoundingClientRect();
    if (seen.top < 0 || seen.bottom > window.innerHeight) hit.scrollIntoView({ block: "center" });
  }, 50));
}
""".replace("SCROLL_JS", SCROLL_JS.strip()).replace("WHEN_SOURCE_SETTLES", WHEN_SOURCE_SETTLES.strip())

# After an answer: scroll the chat's own box so the question just asked heads its visible part, the answer
# below it from its first line (the chat no longer sticks to its bottom), and the source panel to the
# quote. The page itself only ever moves up, and only when the answer's first line is above the window.
ANSWERED_JS = """
() => {
  const go = () => {
    const chat = document.getElementById("chat");
    const rows = chat ? chat.querySelectorAll(".user-row") : [];
    const row = rows[rows.length - 1];
    if (!row) return;
    let box = row.parentElement;
    while (box && box !== chat && !(box.scrollHeight > box.clientHeight + 1
                                    && /(auto|scroll)/.test(getComputedStyle(box).overflowY))) {
      box = box.parentElement;
    }
    if (box) {
      const top = Math.max(box.getBoundingClientRect().top, 0);
      box.scrollTop += row.getBoundingClientRect().top - top - 8;
    }
    const reply = row.nextElementSibling || row;
    const above = reply.getBoundingClientRect().top;
    if (above < 0) window.scrollBy(0, above - 8);
  };
  setTimeout(go, 150);
  (SCROLL_JS)();
}
""".replace("SCROLL_JS", SCROLL_JS.strip())


# ---------------------------------------------------------------------------------------------
# Pure formatting: no Gradio, no model. Tests call these directly.
# ---------------------------------------------------------------------------------------------

_MD_INLINE = re.compile(r"([\\`*_\[\]#|~$])")
_MD_LINE_START = re.compile(r"^(\s*)([-+=]|\d+(?=[.)]))", re.MULTILINE)  # list items, headings


def escape_text(text: str) -> str:
    """Make `text` display as exactly those characters in a Markdown + HTML message.

    HTML is escaped (so `<script>` shows as characters and never runs) and Markdown punctuation
    is backslash-escaped (so `*` or `#` in a quote does not turn into formatting).

    Args:
        text: any user- or source-supplied text.

    Returns:
        Text safe to embed in a chat message.
    """
    text = html.escape(text, quote=False)
    text = _MD_INLINE.sub(r"\\\1", text)
    # A backslash before `-` works, but digits cannot be escaped: escape the `.` or `)` after them.
    return _MD_LINE_START.sub(
        lambda m: m.group(1) + (m.group(2) + "\\" if m.group(2)[0].isdigit() else "\\" + m.group(2)),
        text,
    )


def percent(value: float) -> str:
    """`0.876` -> `"88%"`."""
    return f"{round(100 * value)}%"


def confidence_label(score: float, threshold: float | None = None) -> str:
    """A confidence a person can read, for example `"high (97%)"`.

    Args:
        score: a probability-like score in [0, 1].
        threshold: the answer threshold, when `score` is an answer's confidence: below it is
            "low", the lower half above it "medium", the upper half "high". Without it the bands
            are fixed: below 50% low, from 80% high.
    """
    if threshold is None:
        low, high = 0.5, 0.8
    else:
        low, high = threshold, threshold + (1 - threshold) / 2
    word = "high" if score >= high else "medium" if score >= low else "low"
    return f"{word} ({percent(score)})"


def format_date(iso: str | None) -> str | None:
    """`"2017-04-19"` -> `"19 April 2017"`; anything unparseable is returned as is."""
    if not iso:
        return None
    try:
        d = date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{d.day} {d.strftime('%B')} {d.year}"


def citation_label(n: int, citation: Citation, *, answer: bool = True, title: bool = True) -> str:
    """One line naming a quote's place: `[1] Title · ¶12 · photo caption · confidence high (97%)`,
    with `· speaker: Name` before the confidence when the library knows who said it.

    Plain text (not escaped); escape it before putting it into Markdown.

    Args:
        n: the quote's 1-based number in the reply.
        citation: the quote.
        answer: False for the closest passages of an abstention, labelled as not an answer.
        title: False to leave out the document title.
    """
    tail = f"confidence {confidence_label(citation.score)}" if answer else NOT_AN_ANSWER
    where = f"{citation.doc_title} · " if title else ""
    who = f" · speaker: {citation.speaker}" if citation.speaker else ""
    stale = " · STALE" if citation.stale else ""
    return f"[{n}] {where}¶{citation.paragraph} · {citation.section_label}{who} · {tail}{stale}"


quoted = in_quote_marks  # `text` in curly quotes, not doubled (`models.in_quote_marks`)


def copy_ready(citation: Citation, document: Document | None = None) -> str:
    """The quote ready to paste, with attribution.

    - the quote as `for_pasting` gives it: the source's own quote marks inside turned single, the comma
      before the attribution dropped, and a direct quote's sentence cut after its quotation (the narration
      after it, "he wrote on Instagram, a popular platform for …", is not the speaker's);
    - a direct quote with a known speaker: `“quote” — Speaker, quoted in title, date, ¶N`;
    - reported speech: `“quote” — title, date, ¶N (reported speech of Speaker)`;
    - anything else: `“quote” — title, date, ¶N`;
    - outside the report's body, the part of the page after ¶N: `¶41 (another story's teaser)`, so
      that a teaser or a caption is never pasted as if the report said it.

    Args:
        citation: the quote.
        document: its document, for the date; without it the date is left out.
    """
    parts = [citation.doc_title]
    if document is not None and citation.quote_kind != "direct" and opens_mid_sentence(document.text, citation.start):
        # "Elena Milashina, telling SBS she would stay …" is the end of a sentence that opens "Federal Russian
        # prosecutors announced …": marked as cut, so that it is not pasted as the sentence (a journalist's review)
        citation = citation.model_copy(update={"quote": "… " + citation.quote})
    when = format_date(document.date) if document is not None else None
    if when:
        parts.append(when)
    parts.append(f"¶{citation.paragraph}" + (f" ({citation.section_label})" if citation.section != "body" else ""))
    place = ", ".join(parts)
    if citation.speaker and citation.quote_kind == "direct":
        return f"{for_pasting(citation.quote, quotation_only=True)} — {citation.speaker}, quoted in {place}"
    if citation.speaker and citation.quote_kind == "reported":
        return f"{for_pasting(citation.quote)} — {place} (reported speech of {citation.speaker})"
    return f"{for_pasting(citation.quote)} — {place}"


def _details(citation: Citation, document: Document | None) -> str:
    """The body of a citation's collapsible block (escaped Markdown)."""
    lines = [f"- **Document:** {escape_text(citation.doc_title)}"]
    if document is not None and (document.byline or document.date):
        who = ", ".join(x for x in (document.byline, format_date(document.date)) if x)
        lines[-1] += f" ({escape_text(who)})"
    place = f"paragraph ¶{citation.paragraph} of the page, {escape_text(citation.section_label)}"
    if document is not None and citation.section == "body" and document.paragraphs:
        # ¶ counts the caption, summary, byline and dateline too; a reader counting the report's own
        # paragraphs gets this
        nth = sum(p.section == "body" for p in document.paragraphs[:citation.paragraph])
        place += f" (its {_ordinal(nth)} paragraph)"
    lines.append(f"- **Place:** {place}")
    if citation.speaker:
        kind = {"direct": " (direct quote)", "reported": " (reported speech)"}.get(
            citation.quote_kind or "", "")
        lines.append(f"- **Speaker:** {escape_text(citation.speaker)}{kind}")
    elif citation.quote_kind == "direct":
        lines.append("- **Speaker:** not named: the source does not attribute these words")
    lines.append(f"- **Confidence:** {confidence_label(citation.score)}")
    lines.append(f"- **Characters:** {citation.start}–{citation.end} of the article")
    lines.append(f"- **Copy:** {escape_text(copy_ready(citation, document))}")
    if citation.stale:
        lines.append(f"- **⚠ Stale:** {STALE_WARNING}.")
    return "\n".join(lines)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _quote_lines(n: int, citation: Citation, *, answer: bool, document: Document | None = None) -> str:
    cut = (document is not None and citation.quote_kind != "direct"
           and opens_mid_sentence(document.text, citation.start))  # as `copy_ready` marks it
    quote = f"**[{n}]** {escape_text(quoted(('… ' if cut else '') + citation.quote))}"
    lines = f"{quote}  \n*{escape_text(citation_label(n, citation, answer=answer))}*"
    if citation.stale:
        lines += f"  \n**⚠ Stale citation:** {escape_text(STALE_WARNING)}."
    return lines


def _misquote_mark(answer) -> str:
    """A warning sign before the reason when words the question quotes are not in the source as written."""
    return "⚠ " if any(not c.found for c in answer.words_checked) else ""


def _stale_notice(citations: Sequence[Citation]) -> str:
    if not any(c.stale for c in citations):
        return ""
    return ("\n\n**⚠ Warning: the source changed after it was indexed.** Quotes marked STALE come "
            "from the indexed text; their places may not match the current file. Rebuild the index.")


def shown_answer(answer: Answer) -> Answer:
    """The answer as the chat shows it: the first quote, then every other quote at least
    `MIN_QUOTE_SCORE` sure (several passages may answer: different figures, several quotes of a
    speaker); for an abstention, the `SHOWN_CLOSEST` closest passages."""
    if answer.abstained:
        return answer.model_copy(update={"closest": list(answer.closest[:SHOWN_CLOSEST])})
    kept = [c for n, c in enumerate(answer.citations) if n == 0 or c.score >= MIN_QUOTE_SCORE][:MAX_QUOTES]
    reason = answer.reason
    if reason and len(kept) < len(answer.citations):  # "14 quotations …; the first 10 are listed", 9 shown
        reason = _LISTED.sub(f"; {len(kept)} of them {'is' if len(kept) == 1 else 'are'} listed", reason)
    return answer.model_copy(update={"citations": kept, "reason": reason})


_LISTED = re.compile(r"; (?:the first \d+ are|the \d+ most relevant are|the most relevant is|\d+ (?:are|is)) listed")


SHOWN_QUESTION_CHARS = 300  # of a question the app refuses, the part the chat shows


def shortened(question: str) -> str:
    """A question cut to `SHOWN_QUESTION_CHARS`, saying how long it was."""
    if len(question) <= SHOWN_QUESTION_CHARS:
        return question
    return f"{question[:SHOWN_QUESTION_CHARS].rstrip()} … ({len(question):,} characters in all)"


def user_message(question: str) -> dict[str, Any]:
    """The user's question as a chat message, shown as text (escaped)."""
    return {"role": "user", "content": escape_text(question)}


def format_reply(
    answer: Answer, documents: Mapping[str, Document] | None = None
) -> list[dict[str, Any]]:
    """The assistant's reply as chat messages (`messages` format).

    The first message holds the numbered verbatim quotes with their citations, or the abstention.
    One collapsible block (message `metadata.title`) per citation follows with its details; for
    an abstention a single block lists the closest passages, labelled as not an answer.

    Args:
        answer: what `Assistant.ask` returned.
        documents: doc_id -> Document, for dates and bylines (optional).

    Returns:
        A list of `{"role": "assistant", "content": ..., "metadata": ...}` dicts.
    """
    documents = documents or {}
    read_as = f"  \n*Read as: {escape_text(answer.read_as)}*" if answer.read_as else ""
    if answer.abstained:
        # a question that was never searched (another language, nothing named) is not one the article fails
        text = "**Not answered.**" if answer.unsearched else "**The article does not answer this question.**"
        if answer.reason and answer.reason != NO_ANSWER:  # e.g. the source quotes no one named X
            text += f" {_misquote_mark(answer)}Why: {escape_text(answer.reason)}."
        if (answer.citations or answer.closest or answer.confidence) and answer.confidence < answer.threshold:
            text += (
                f" Confidence that it does: {percent(answer.confidence)}, below the "
                f"{percent(answer.threshold)} needed to quote an answer."
            )
        elif answer.citations or answer.closest:  # declined by a rule, not for want of confidence
            text += (f" The closest passages scored {percent(answer.confidence)}, over the "
                     f"{percent(answer.threshold)} bar, but cannot answer it for the reason given.")
        text += read_as + _stale_notice(answer.closest)
        messages = [{"role": "assistant", "content": text}]
        if answer.closest:
            body = "\n\n".join(
                _quote_lines(n, c, answer=False, document=(documents or {}).get(c.doc_id))
                for n, c in enumerate(answer.closest, start=1)
            )
            messages.append({
                "role": "assistant",
                "content": "These passages are the nearest in meaning. They are **not an answer**.\n\n"
                           + body,
                "metadata": {"title": f"Closest passages ({NOT_AN_ANSWER})", "status": "done"},
            })
        return messages

    count = len(answer.citations)
    head = (
        f"**{count} quote{'s' if count != 1 else ''} from the source** "
        f"(confidence that the source answers: {confidence_label(answer.confidence, answer.threshold)})"
    )
    head += read_as
    if answer.reason:  # questions about speakers say whose words these are, or that none is named
        head += f"  \n{_misquote_mark(answer)}*{escape_text(answer.reason[:1].upper() + answer.reason[1:])}.*"
    head += _stale_notice(answer.citations)
    body = "\n\n".join(_quote_lines(n, c, answer=True, document=(documents or {}).get(c.doc_id))
                         for n, c in enumerate(answer.citations, 1))
    messages = [{"role": "assistant", "content": f"{head}\n\n{body}"}]
    for n, c in enumerate(answer.citations, start=1):
        # The title is rendered as Markdown too.
        title = escape_text(
            f"[{n}] ¶{c.paragraph} · {c.section_label} · confidence {confidence_label(c.score)}"
            + (" · STALE" if c.stale else "")
        )
        messages.append({
            "role": "assistant",
            "content": _details(c, documents.get(c.doc_id)),
            "metadata": {"title": title, "status": "done"},
        })
    return messages


def format_error(error: Exception) -> list[dict[str, Any]]:
    """A library error (for example an empty question) as one plain assistant message."""
    return [{"role": "assistant", "content": f"**Cannot answer:** {escape_text(str(error))}"}]


def shown_citations(answer: Answer | None) -> list[Citation]:
    """The quotes a reply shows: the citations, or the closest passages of an abstention."""
    if answer is None:
        return []
    return list(answer.closest if answer.abstained else answer.citations)


def highlight_source(
    document: Document, citations: Sequence[Citation], *, answer: bool = True
) -> list[tuple[str, str | None]]:
    """The whole document split into `(text, label)` pieces for the source panel (`source_html`).

    Each citation of this document is labelled `[n]` (its number in the reply) at its offsets;
    the rest of the text has label None. The pieces join back to `document.text` exactly.

    Args:
        document: the article to show.
        citations: the reply's quotes, numbered from 1 in this order; other documents' are skipped.
        answer: False for the closest passages of an abstention (labelled `[n] not an answer`).
    """
    text = document.text
    spans = sorted(
        (c.start, c.end, n)
        for n, c in enumerate(citations, start=1)
        if c.doc_id == document.doc_id and 0 <= c.start < c.end <= len(text)
    )
    pieces: list[tuple[str, str | None]] = []
    pos = 0
    for start, end, n in spans:
        if start < pos:  # overlaps an earlier quote: keep the first
            continue
        if start > pos:
            pieces.append((text[pos:start], None))
        pieces.append((text[start:end], f"[{n}]" if answer else f"[{n}] {NOT_AN_ANSWER}"))
        pos = end
    if pos < len(text) or not pieces:
        pieces.append((text[pos:], None))
    return pieces


def _blocks(document: Document) -> list[tuple[int, int, int | None, str | None]]:
    """`(start, end, number, section)` of each block the source panel shows: the document's paragraphs,
    and any text between them that is not white space (unnumbered), so no word of the source is lost."""
    text = document.text
    paragraphs = document.paragraphs or ()
    blocks: list[tuple[int, int, int | None, str | None]] = []
    pos = 0
    for p in sorted(paragraphs, key=lambda p: p.start):
        if text[pos:p.start].strip():
            blocks.append((pos, p.start, None, None))
        blocks.append((p.start, p.end, p.number, p.section))
        pos = max(pos, p.end)
    if text[pos:].strip() or not blocks:
        blocks.append((pos, len(text), None, None))
    return blocks


def source_html(
    document: Document, citations: Sequence[Citation], *, answer: bool = True, focus: int | None = None
) -> str:
    """The source panel's HTML: the document's paragraphs, each numbered ¶N as citations number them,
    with the quotes of `highlight_source` marked inline.

    A paragraph is one block (`<p class="para" data-para="N">`), a related story's headline and blurb
    included; its text content is exactly the paragraph's text. The ¶N and the quote labels are drawn
    from `data-` attributes by CSS, so they are never selected or copied with the text. All text is
    HTML-escaped.

    Args:
        document: the article to show.
        citations: the reply's quotes, numbered from 1 in this order; other documents' are skipped.
        answer: False for the closest passages of an abstention (labelled `[n] not an answer`).
        focus: the quote number (1-based) to outline as the current one, if any.

    Returns:
        HTML for the `#source` panel.
    """
    pieces = highlight_source(document, citations, answer=answer)
    spans: list[tuple[int, int, str | None]] = []
    pos = 0
    for piece, label in pieces:
        spans.append((pos, pos + len(piece), label))
        pos += len(piece)
    title = f"Source: {document.title}" + (f" ({format_date(document.date)})" if document.date else "")
    out = [f'<div class="source-title">{html.escape(title)}</div><div class="source-box">']
    for start, end, number, section in _blocks(document):
        attrs = f' data-para="{number}" data-section="{html.escape(section)}"' if number is not None else ""
        inner = []
        for a, b, label in spans:
            a, b = max(a, start), min(b, end)
            if a >= b:
                continue
            words = html.escape(document.text[a:b], quote=False)
            if label is None:
                inner.append(words)
                continue
            n = int(label[1:label.index("]")])
            cls = "token highlighted " + _mark_class(label) + (" quote-focus" if n == focus else "")
            inner.append(f'<mark class="{cls}" data-n="{n}"><span class="text">{words}</span>'
                         f'<span class="label" data-label="{html.escape(label)}"></span></mark>')
        out.append(f'<p class="para"{attrs}>{"".join(inner)}</p>')
    out.append("</div>")
    return "".join(out)


def names_the_speaker_only(citation: Citation, before: Citation | None) -> bool:
    """Whether `citation` is only the words that name the speaker of the quote cited `before` it ("Ms Sokirianskaia
    says", cited to show who said "All it would take …"): evidence, not a quote to paste. They may stand before the
    quote as well as after it, or earlier in its sentence ("Ms Sokirianskaia says the … response … had been
    “outrageous”": a journalist in the browser had both in the copy box)."""
    words = re.findall(r"[\w’'-]+", citation.quote.lower())
    if before is None or citation.doc_id != before.doc_id or citation.speaker is not None:
        return False
    near = (0 <= citation.start - before.end <= 3 or 0 <= before.start - citation.end <= 3
            or (citation.end <= before.start and citation.paragraph == before.paragraph))
    return near and 0 < len(words) <= 6 and any(w in SPEECH_VERBS for w in words[-2:])


def copy_block(answer: Answer | None, documents: Mapping[str, Document]) -> str:
    """All quotes of an answer in copy-ready form, one per line, numbered; empty when abstaining. The words that only
    name a quote's speaker are left out (a journalist in the browser: "… Ms Sokirianskaia says" as a quote line);
    the numbers stay those of the reply."""
    if answer is None or answer.abstained:
        return ""
    cited = answer.citations
    return "\n".join(
        f"[{n}] {copy_ready(c, documents.get(c.doc_id))}" for n, c in enumerate(cited, 1)
        if not names_the_speaker_only(c, cited[n - 2] if n > 1 else None)
    )


def _preview(quote: str, limit: int = 60) -> str:
    return quote if len(quote) <= limit else quote[:limit].rsplit(" ", 1)[0] + "…"


def citation_choices(answer: Answer | None) -> list[tuple[str, int]]:
    """`(label, number)` pairs for the citation picker: place, confidence and the quote's start."""
    is_answer = answer is not None and not answer.abstained
    return [
        (f"{citation_label(n, c, answer=is_answer, title=False)}: {quoted(_preview(c.quote))}", n)
        for n, c in enumerate(shown_citations(answer), start=1)
    ]


def speaker_quotes(ledger: Sequence[LedgerEntry]) -> list[tuple[str, list[Citation]]]:
    """The Quotes tab's data: `(speaker, quotes)` pairs, most quoted speaker first.

    Direct quotes and reported speech are listed, in the order of the text; short quoted terms
    ("scare quotes") are not speech and are left out. Quotes the source attributes to no one are
    grouped last under `UNATTRIBUTED_SPEAKER`.
    """
    groups: dict[str, list[Citation]] = {}
    unattributed: list[Citation] = []
    for entry in ledger:
        if entry.kind not in ("direct", "reported"):
            continue
        if entry.speaker:
            groups.setdefault(entry.speaker, []).append(entry.citation)
        else:
            unattributed.append(entry.citation)
    ordered = sorted(groups.items(), key=lambda item: -len(item[1]))  # stable: first named first
    if unattributed:
        ordered.append((UNATTRIBUTED_SPEAKER, unattributed))
    return ordered


def speaker_descriptions(ledger: Sequence[LedgerEntry]) -> dict[str, tuple[str, ...]]:
    """How the source describes each speaker ("Russia Project Director with …"), for attributions."""
    out: dict[str, tuple[str, ...]] = {}
    for entry in ledger:
        if entry.speaker and entry.speaker_roles and entry.speaker not in out:
            out[entry.speaker] = entry.speaker_roles
    return out


def quotes_overview(groups: Sequence[tuple[str, Sequence[Citation]]],
                    descriptions: dict[str, tuple[str, ...]] | None = None) -> str:
    """Markdown: one line per speaker, with how the source describes them (`speaker_descriptions`)
    and how many direct quotes and reported statements."""
    if not groups:
        return "The source quotes no one."
    lines = []
    for speaker, quotes in groups:
        described = "; ".join((descriptions or {}).get(speaker, ()))
        direct = sum(c.quote_kind == "direct" for c in quotes)
        reported = len(quotes) - direct
        counts = ", ".join(x for x in (
            f"{direct} direct quote{'s' if direct != 1 else ''}" if direct else "",
            f"{reported} reported statement{'s' if reported != 1 else ''}" if reported else "",
        ) if x)
        lines.append(f"- **{escape_text(speaker)}**" + (f" ({escape_text(described)})" if described else "")
                     + f": {counts}")
    return "Choose a quote to see it in the source.\n\n" + "\n".join(lines)


def quote_choices(groups: Sequence[tuple[str, Sequence[Citation]]]) -> list[tuple[str, int]]:
    """`(label, number)` pairs for the Quotes tab's list, numbered from 0 across speakers:
    `Speaker · ¶9 · direct: “It is a real…”`."""
    out = []
    for speaker, quotes in groups:
        for c in quotes:
            kind = "direct" if c.quote_kind == "direct" else "reported"
            stale = " · STALE" if c.stale else ""
            out.append((f"{speaker} · ¶{c.paragraph} · {kind}{stale}: {quoted(_preview(c.quote, 80))}", len(out)))
    return out


def flat_quotes(groups: Sequence[tuple[str, Sequence[Citation]]]) -> list[Citation]:
    """The Quotes tab's quotes in the numbering of `quote_choices`."""
    return [c for _, quotes in groups for c in quotes]


def answer_json(answer: Answer) -> dict[str, Any]:
    """The Answer as JSON-ready data: the same fields and values as the Python API."""
    return answer.model_dump(mode="json")


def rest_api_routes(assistant: Assistant, limiter) -> list:
    """The routes of `POST /api/ask` with `{"question": "...", "k": 3}` (`k`, the most quotes to give, is optional):
    the Answer as JSON, outside Gradio's queue. Given to the app as it is made (`launch(app_kwargs=…)`), so that it
    answers from the first request it serves (added after `launch`, a client that found the server up could get 404
    before they were: a test did, on a loaded machine); `add_not_found` then answers other paths under `/api/`.

    Plain HTTP clients (curl, httpx) get one request and one response, and leave no per-session
    state behind in the server. Errors are JSON `{"error": message}` with 400 (bad question or `k`, or another
    key), 405 (another method than POST, with `Allow`), 404 (another path under `/api/`), 413 (body too large)
    or 429 (rate limit, with `Retry-After`).
    """
    from fastapi.responses import JSONResponse
    from starlette.concurrency import run_in_threadpool

    from retrieval.ratelimit import RateLimitError, client_key

    async def rest_ask(request):
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return JSONResponse({"error": f"request body over {MAX_BODY_BYTES} bytes"}, status_code=413)
        try:
            request_json = json.loads(body)
            question, k = request_json.get("question"), request_json.get("k", DEFAULT_K)
        except (ValueError, AttributeError):
            return JSONResponse({"error": 'send a JSON object: {"question": "...", "k": 3}'}, status_code=400)
        if not isinstance(question, str):
            got = ("no \"question\"" if "question" not in request_json else "\"question\": null" if question is None
                   else f"\"question\" as {type(question).__name__}")
            return JSONResponse({"error": f'"question" must be text; got {got}: send {{"question": "...", "k": 3}}'},
                                status_code=400)
        if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_API_K:
            return JSONResponse({"error": f'"k" must be a whole number from 1 to {MAX_API_K}, got {k!r}'},
                                status_code=400)
        unknown = sorted(set(request_json) - {"question", "k"})
        if unknown:  # a developer's review: {"question": …, "kk": 5} had been answered with 3 quotes, without a word
            return JSONResponse({"error": f'unknown key{"s" if len(unknown) > 1 else ""} '
                                          f'{", ".join(json.dumps(u) for u in unknown)}: send only '
                                          '{"question": "...", "k": 3}'}, status_code=400)
        try:
            limiter.hit(client_key(request))
            answer = await run_in_threadpool(assistant.ask, question, k)
        except RateLimitError as exc:
            return JSONResponse({"error": str(exc)}, status_code=429,
                                headers={"Retry-After": str(max(1, math.ceil(exc.retry_after)))})
        except RetrievalError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse(answer_json(answer))

    async def rest_wrong_method(request):
        # in the API's own error shape (a developer's review: Starlette's 405 had been {"detail": …})
        return JSONResponse({"error": f'{request.method} is not served here: POST a JSON object {{"question": '
                                      '"...", "k": 3}'}, status_code=405, headers={"Allow": "POST"})

    from starlette.routing import Route

    return [Route("/api/ask", rest_ask, methods=["POST"]),  # plain Starlette routes
            Route("/api/ask", rest_wrong_method, methods=["GET", "PUT", "PATCH", "DELETE"])]


def add_not_found(fastapi_app) -> None:
    """Another path under `/api/` answers 404 in the API's own error shape; added after Gradio's own routes, so only
    paths that nothing serves come here (Starlette's 404 is {"detail": …})."""
    from fastapi.responses import JSONResponse

    async def rest_not_found(request):
        return JSONResponse({"error": f"{request.url.path} is not served here: the HTTP API is POST /api/ask with "
                                      '{"question": "...", "k": 3}'}, status_code=404)

    fastapi_app.add_route("/api/{rest:path}", rest_not_found, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])


# ---------------------------------------------------------------------------------------------
# Gradio wiring
# ---------------------------------------------------------------------------------------------


def source_view(
    assistant: Assistant, answer: Answer | None, selected: int | None = None
) -> dict[str, Any]:
    """HTML update for the source panel: the document of the chosen quote (or the first), that quote
    outlined as the current one.

    Args:
        assistant: gives the documents.
        answer: the last answer, or None before any.
        selected: the chosen quote number (1-based), if any; the first when None.
    """
    import gradio as gr

    documents = assistant.documents
    quotes = shown_citations(answer)
    focus = None
    if quotes:
        focus = min(max(selected or 1, 1), len(quotes))
        doc = documents[quotes[focus - 1].doc_id]
    elif documents:
        doc = next(iter(documents.values()))
    else:
        return gr.update(value='<div class="source-title">Source</div>')
    is_answer = answer is not None and not answer.abstained
    return gr.update(value=source_html(doc, quotes, answer=is_answer, focus=focus))


def build_app(assistant: Assistant, limiter: "RateLimiter | None" = None) -> "gr.Blocks":
    """The Gradio Blocks app over an already loaded assistant (loaded once, not per question).

    Args:
        assistant: a loaded `retrieval.Assistant`.
        limiter: per-client request-rate limit; default from `$RETRIEVAL_RATE_LIMIT` ("30/60").

    Returns:
        The Blocks; call `.queue(...).launch(...)` on it (see `main`).
    """
    import gradio as gr

    from retrieval.ratelimit import RateLimiter, client_key

    # not `limiter or …`: a limiter with no client yet has len() 0, and the REST API would get another one
    limiter = limiter if limiter is not None else RateLimiter.from_env()

    def respond(question: str, history: list[dict[str, Any]] | None, request: gr.Request):
        history = list(history or [])
        if not (question or "").strip():
            return history, gr.skip(), gr.skip(), gr.skip(), gr.skip(), question, gr.skip()
        try:
            limiter.hit(client_key(request))
            answer = shown_answer(assistant.ask(question, k=MAX_QUOTES))
        except RetrievalError as exc:  # an empty or too long question: say so, no traceback
            # the last answer's citations, highlight and copy box go: left, they read as this question's answer; a
            # long question is shown cut, so the message under it is in view (a journalist in the browser had found
            # it 1,200 px down, the last answer's quotes still ready to copy)
            history += [user_message(shortened(question)), *format_error(exc)]
            return (history, source_view(assistant, None), gr.update(choices=[], value=None, visible=False), "",
                    None, question, gr.update(value=None))
        history += [user_message(question), *format_reply(answer, assistant.documents)]
        choices = citation_choices(answer)
        picker_label = (
            "Closest passages (not an answer): choose one to see it in the source"
            if answer.abstained else "Citations: choose one to see it in the source"
        )
        return (
            history,
            source_view(assistant, answer),
            gr.update(choices=choices, value=None, label=picker_label, visible=bool(choices)),
            copy_block(answer, assistant.documents),
            answer,
            "",
            gr.update(value=None),
        )

    # One selection at a time drives the source panel and the copy box together: a citation of the last
    # answer (the Quotes tab's choice is cleared), or a quote of the Quotes tab (the citation's is).
    def show_citation(number: int | None, answer: Answer | None):
        return source_view(assistant, answer, number), copy_block(answer, assistant.documents), gr.update(value=None)

    def clear_chat():
        """The bin icon: no answer, so no citations, highlight or copy-ready quotes either."""
        return (source_view(assistant, None), gr.update(choices=[], value=None, visible=False), "", None,
                gr.update(value=None))

    ledger = assistant.ledger() if hasattr(assistant, "ledger") else []
    groups = speaker_quotes(ledger)
    all_quotes = flat_quotes(groups)

    def show_quote(number: int | None):
        if number is None or not 0 <= number < len(all_quotes):
            return gr.skip(), gr.skip(), gr.skip()
        chosen = all_quotes[number]
        as_answer = Answer(question="", abstained=False, citations=[chosen])
        return (
            source_view(assistant, as_answer, 1),
            copy_ready(chosen, assistant.documents.get(chosen.doc_id)),
            gr.update(value=None),
        )

    def ask(question: str, request: gr.Request) -> dict:
        """Answer a question with verbatim, cited quotes from the source, or abstain.

        Args:
            question: the question about the source.

        Returns:
            The Answer as JSON: question, abstained, reason, confidence, threshold, citations, closest.
        """
        try:
            limiter.hit(client_key(request))
            return answer_json(assistant.ask(question))
        except RetrievalError as exc:
            raise gr.Error(str(exc), print_exception=False) from None

    # Gradio reads these to build the API schema; with postponed annotations they would be strings
    # naming the locally imported `gr`, which it cannot resolve.
    respond.__annotations__.update(request=gr.Request)
    ask.__annotations__.update({"question": str, "request": gr.Request, "return": dict})

    with gr.Blocks(title="Cited quotes from the source", analytics_enabled=False) as demo:
        gr.Markdown("## Ask the article\n" + INTRO, elem_id="intro")
        last_answer = gr.State(None)
        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
                with gr.Tabs():
                    with gr.Tab("Chat", id="chat-tab") as chat_tab:
                        chat = gr.Chatbot(
                            # no floating "Chat" label (the tab says it): on a phone it covered the
                            # answer's first line
                            label="Chat", show_label=False, elem_id="chat", height=560, layout="bubble",
                            autoscroll=False,  # ANSWERED_JS shows a new answer from its first line
                            sanitize_html=True, allow_tags=False, latex_delimiters=[],
                            # no per-message copy button: it copies the reply's Markdown source
                            # (`**[1]**`, escapes); the copy-ready box holds clean text
                            feedback_options=None, buttons=[],
                            placeholder="Ask a question about the article. Replies quote it word "
                                        "for word.",
                        )
                        with gr.Row():
                            question = gr.Textbox(
                                show_label=False, placeholder="Ask about the article…", elem_id="question",
                                scale=5, max_lines=4, submit_btn=False,
                            )
                            send = gr.Button("Ask", variant="primary", scale=1, elem_id="ask")
                        gr.Examples(EXAMPLES, inputs=[question], label="Example questions")
                    with gr.Tab("Quotes", id="quotes-tab", elem_id="quotes-tab"):
                        gr.Markdown(quotes_overview(groups, speaker_descriptions(ledger)), elem_id="speakers")
                        quote_list = gr.Radio(
                            choices=quote_choices(groups), label="Quotes by speaker: choose one to see it "
                            "in the source", elem_id="quotes",
                        )
            with gr.Column(scale=2):
                picker = gr.Radio(
                    choices=[], label="Citations: choose one to see it in the source",
                    elem_id="citations", visible=False,
                )
                # before the source: on a phone the columns stack, and the article is long
                copy = gr.Textbox(
                    label="Copy-ready quotes (“quote” — speaker, quoted in title, date, ¶N)",
                    elem_id="copy",
                    lines=3, interactive=False, buttons=["copy"],
                    placeholder="The quotes of the last answer, ready to paste. Empty when it abstains.",
                )
                source = gr.HTML(
                    source_view(assistant, None)["value"], elem_id="source", container=True, padding=True,
                    js_on_load=None,
                )

        outputs = [chat, source, picker, copy, last_answer, question, quote_list]
        for trigger in (question.submit, send.click):
            trigger(respond, [question, chat], outputs, api_visibility="private").then(
                None, None, None, js=ANSWERED_JS
            )
        picker.input(show_citation, [picker, last_answer], [source, copy, quote_list],
                     api_visibility="private").then(
            None, None, None, js=CHOSEN_JS
        )
        quote_list.input(show_quote, [quote_list], [source, copy, picker],
                         api_visibility="private").then(None, None, None, js=CHOSEN_JS)
        chat.clear(clear_chat, None, [source, picker, copy, last_answer, quote_list], api_visibility="private")
        # back in the chat, the panels show its last answer again: a quote chosen in the Quotes tab had stayed in
        # the copy box beside another speaker's answer (a journalist in the browser)
        chat_tab.select(show_citation, [picker, last_answer], [source, copy, quote_list], api_visibility="private")
        gr.api(ask, api_name="ask")
    return demo


def resolve_address(
    host: str | None = None, port: int | None = None, env: Mapping[str, str] | None = None
) -> tuple[str, int]:
    """Host and port: the arguments, else Gradio's `GRADIO_SERVER_NAME`/`GRADIO_SERVER_PORT`,
    else 127.0.0.1:7860.

    Args:
        host: from `--host`, or None.
        port: from `--port`, or None.
        env: the environment (default `os.environ`).
    """
    env = os.environ if env is None else env
    return (
        host or env.get("GRADIO_SERVER_NAME") or DEFAULT_HOST,
        int(port or env.get("GRADIO_SERVER_PORT") or DEFAULT_PORT),
    )


def load_assistant(index_dir: str | Path | None = None, scorer: str | Path | None = None) -> Assistant:
    """Load the index once (default: the project's `index/`, whatever the current folder, built from the
    project's `data/` first when it is missing; another folder must hold an index)."""
    from retrieval.extract import Scorer

    # only the project's own index is built when missing: a mistyped --index-dir is an error, not a new
    # index of the project's article
    sources = [DATA_DIR] if index_dir is None and DATA_DIR.exists() else None
    index_dir = Path(index_dir) if index_dir is not None else INDEX_DIR
    return Assistant.load(index_dir, sources=sources, scorer=Scorer.load(scorer) if scorer else None)


class Current:
    """Stands for the assistant of the index as it is now: one loaded again when the index folder is
    rebuilt while the app runs (`Assistant.current`); every attribute is that assistant's."""

    def __init__(self, assistant: Assistant):
        self._assistant = assistant

    def __getattr__(self, name: str):
        if name == "ask" or name == "ask_batch":  # a question: first see whether the index was rebuilt
            self._assistant = self._assistant.current()
        return getattr(self._assistant, name)


def port_free(host: str, port: int) -> bool:
    """Whether a server could bind `host`:`port` now."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds: TIME_WAIT is no bar
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def main(
    host: str | None = None,
    port: int | None = None,
    index_dir: str | Path | None = None,
    share: bool = False,
    scorer: str | Path | None = None,
) -> int:
    """Load the index, then serve the chat until interrupted.

    Args:
        host: interface to bind; default `$GRADIO_SERVER_NAME` or 127.0.0.1.
        port: port; default `$GRADIO_SERVER_PORT` or 7860.
        index_dir: the index folder; default the project's `index/`, built from its `data/` when missing.
        share: ask Gradio for a public share link (never by default).
        scorer: a scorer JSON to answer with; default the packaged scorer.

    Returns:
        The process exit code.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    host, port = resolve_address(host, port)
    if not port_free(host, port):  # before the index loads: Gradio's own error is a traceback
        print(f"error: port {port} on {host} is in use (another server?): stop it, or pass --port N",
              file=sys.stderr)
        return 2
    try:
        assistant = load_assistant(index_dir, scorer)
    except RetrievalError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if assistant.retriever.stale_docs:  # served all the same, each citation marked
        print(f"warning: sources changed since {assistant.retriever.index_dir} was built "
              f"({', '.join(sorted(assistant.retriever.stale_docs))}); their citations are marked stale. "
              f"Rebuild with `python -m retrieval index … --index-dir {assistant.retriever.index_dir}`.",
              file=sys.stderr)
    assistant.warm_up()  # the first question then answers as fast as the others
    from retrieval.ratelimit import RateLimiter

    limiter = RateLimiter.from_env()  # one budget per client across the chat, /ask and /api/ask
    if not share:
        # a client is its own address, not what an X-Forwarded-For header from this machine says it is: uvicorn
        # trusts the header from 127.0.0.1, so any local process or header-passing proxy could choose its own budget
        # (a developer's review: 40 requests in a row with a new header each); behind a proxy of your own, set
        # FORWARDED_ALLOW_IPS to its address. A share link's tunnel sets the header itself.
        os.environ.setdefault("FORWARDED_ALLOW_IPS", "")
    assistant = Current(assistant)  # an index rebuilt while the app runs is answered from at once
    demo = build_app(assistant, limiter)
    demo.queue(default_concurrency_limit=CONCURRENCY_LIMIT, max_size=QUEUE_MAX).launch(
        server_name=host, server_port=port, share=bool(share), css=CSS, ssr_mode=False,
        show_error=False, prevent_thread_lock=True, quiet=True,  # its hints name launch(), not this CLI
        app_kwargs={"routes": rest_api_routes(assistant, limiter)},
    )
    add_not_found(demo.app)
    print(f"Serving the chat on http://{host}:{port} (HTTP API: POST /api/ask); Ctrl+C stops it"
          + (f"; public link: {demo.share_url}" if share and demo.share_url else
             "" if share else "; a public link needs --share"), flush=True)
    demo.block_thread()
    return 0


def _parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="The chat: cited quotes from the source, nothing else.")
    parser.add_argument("--host", default=None, help="default: $GRADIO_SERVER_NAME or 127.0.0.1")
    parser.add_argument("--port", type=int, default=None, help="default: $GRADIO_SERVER_PORT or 7860")
    parser.add_argument("--index-dir", default=None, type=Path, help="default: the project's index/")
    parser.add_argument("--share", action="store_true", help="ask Gradio for a public share link")
    parser.add_argument("--scorer", type=Path, default=None, help="scorer JSON (default: the packaged one)")
    return parser.parse_args(argv)


if __name__ == "__main__":
    args = _parse_args()
    sys.exit(main(host=args.host, port=args.port, index_dir=args.index_dir, share=args.share,
                  scorer=args.scorer))
