"""Read source files into `Document`s: full text, stable id, title, byline and date."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterable
from pathlib import Path

from .chunking import split_paragraphs
from .errors import SourceError
from .models import Document

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
META_SUFFIX = ".meta.json"
log = logging.getLogger(__name__)
# One source file is one document. Embedding runs at roughly 30-100 passages and sentences a second
# on two CPU cores, about 2-8 minutes per MB of text, so one file is capped at 5 MB (about 800 news
# articles): split a bigger file into one file per article and index the folder.
MAX_SOURCE_BYTES = 5 * 1024 * 1024

_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_DATE = re.compile(r"\b(\d{1,2})\s+([A-Z][a-z]{2,8})\.?\s+(\d{4})\b")
_US_DATE = re.compile(r"\b([A-Z][a-z]{2,8})\.?\s+(\d{1,2}),?\s+(\d{4})\b")  # "March 3, 2024"
_MARKUP_SUFFIXES = (".html", ".htm", ".xhtml", ".xml")
_HTML_START = re.compile(r"\s*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])", re.IGNORECASE)
_MD_TITLE = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug or "doc"


def iso_date(text: str) -> str | None:
    """First date written like "19 Apr 2017" (or "April 19, 2017") in `text`, as "2017-04-19"."""
    found = [(m.start(), m.group(1), m.group(2), m.group(3)) for m in _DATE.finditer(text)]
    found += [(m.start(), m.group(2), m.group(1), m.group(3)) for m in _US_DATE.finditer(text)]
    for _, day, month, year in sorted(found):
        number = _MONTHS.get(month[:3].lower())
        if number and 1 <= int(day) <= 31:
            return f"{int(year):04d}-{number:02d}-{int(day):02d}"
    return None


def expand_sources(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, plus the text and Markdown files inside named folders and their subfolders
    (hidden ones aside), sorted by path."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            visible = [p for p in path.rglob("*") if p.is_file()
                       and not any(part.startswith(".") for part in p.relative_to(path).parts)]
            found = sorted(p for p in visible if p.suffix.lower() in TEXT_SUFFIXES)
            skipped = sorted(p for p in visible if p.suffix.lower() not in TEXT_SUFFIXES
                             and not p.name.endswith(META_SUFFIX))
            if skipped:  # said, not silent: "notes.html" had been left out without a word
                shown = ", ".join(str(p.relative_to(path)) for p in skipped[:5]) + (" …" if len(skipped) > 5 else "")
                log.warning("%s: skipped %d file(s) that are not .txt or .md: %s", path, len(skipped), shown)
            empty = [p for p in found if _blank(p)]
            if empty:  # one empty file in a folder had stopped the whole build (a developer's review); named, it does
                shown = ", ".join(str(p.relative_to(path)) for p in empty[:5]) + (" …" if len(empty) > 5 else "")
                log.warning("%s: skipped %d empty file(s): %s", path, len(empty), shown)
                found = [p for p in found if p not in empty]
            if not found and empty:
                raise SourceError(f"{path} holds only empty .txt or .md files; there is nothing to index.")
            if not found:
                raise SourceError(
                    f"{path} is a directory with no .txt or .md files in it or in its subfolders; "
                    "name the files to index."
                )
            files.extend(found)
        else:
            files.append(path)
    return files


def _blank(path: Path) -> bool:
    """Whether a file holds nothing but white space (read only when small)."""
    try:
        if path.stat().st_size > 4096:
            return False
        return not path.read_bytes().decode("utf-8", "replace").replace("\ufeff", "").strip()
    except OSError:
        return False  # read_text says why


# the opening bytes of binary files people try to index, by what they are
_MAGIC = ((b"%PDF-", "a PDF"), (b"PK\x03\x04", "a ZIP archive (a .docx, .odt, .epub or .zip)"),
          (b"\xd0\xcf\x11\xe0", "an old Office document (.doc)"), (b"{\\rtf", "an RTF document"),
          (b"\x7fELF", "a program"), (b"\x89PNG", "an image"), (b"\xff\xd8\xff", "an image"), (b"GIF8", "an image"),
          (b"\x1f\x8b", "a gzip archive"))
_EXTRACT_HOW = {"a PDF": "e.g. `pdftotext FILE.pdf FILE.txt`",
                "a ZIP archive (a .docx, .odt, .epub or .zip)": "e.g. `pandoc FILE.docx -t plain -o FILE.txt`, or "
                                                                "unpack the archive",
                "an old Office document (.doc)": "e.g. `antiword FILE.doc > FILE.txt`",
                "an RTF document": "e.g. `pandoc FILE.rtf -t plain -o FILE.txt`"}


def _binary_kind(data: bytes) -> str | None:
    """What binary file `data` opens as (by its first bytes), or None for anything else."""
    return next((kind for magic, kind in _MAGIC if data.startswith(magic)), None)


def read_text(path: Path) -> str:
    """The file's text, exactly as stored (no newline translation), or a clear `SourceError`."""
    if not path.exists():
        raise SourceError(f"{path}: no such file; check the path.")
    if path.is_dir():
        raise SourceError(
            f"{path} is a directory; pass it as a folder to index its .txt/.md files, or name a file."
        )
    if not path.is_file():  # a FIFO, socket or device (/dev/zero) could block or never end
        raise SourceError(f"{path} is not a regular file; save the text to a .txt or .md file.")
    if path.stat().st_size > MAX_SOURCE_BYTES:
        raise SourceError(_too_big(path, path.stat().st_size))
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_SOURCE_BYTES + 1)  # bounded, even if the file grew since the check
    except OSError as exc:
        raise SourceError(f"{path} cannot be read ({exc.strerror}); check its permissions.") from None
    if len(data) > MAX_SOURCE_BYTES:
        raise SourceError(_too_big(path, len(data)))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) and _is_utf16(data):
        raise SourceError(f"{path} is UTF-16, not UTF-8; convert it, e.g. `iconv -f UTF-16 -t UTF-8`.")
    if (kind := _binary_kind(data)) is not None:
        # a PDF had been told to convert itself with `iconv -f LATIN1` (a developer's review)
        how = _EXTRACT_HOW.get(kind, "with the program that made it")
        raise SourceError(f"{path} is {kind}, not text; extract its text first ({how}) and index that .txt file.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"{path} is not valid UTF-8 (byte {exc.start}); convert it from the encoding it is in, e.g. "
            "`iconv -f LATIN1 -t UTF-8`."
        ) from None
    if "\x00" in text:
        raise SourceError(
            f"{path} holds NUL bytes (at character {text.index(chr(0))}): it is binary or UTF-16 "
            "without a byte-order mark; save it as UTF-8 text."
        )
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise SourceError(f"{path} is empty; there is nothing to index.")
    if path.suffix.lower() in _MARKUP_SUFFIXES or _HTML_START.match(text):
        raise SourceError(f"{path} is HTML, whose tags would be quoted as text; save the page's text as a .txt "
                          "file (e.g. `lynx -dump` or your browser's \"Save as text\") and index that.")
    return text


def _is_utf16(data: bytes) -> bool:
    try:
        data.decode("utf-16")
    except UnicodeDecodeError:
        return False
    return True


def _too_big(path: Path, size: int) -> str:
    return (
        f"{path} is {size / 2**20:.1f} MB, over the {MAX_SOURCE_BYTES // 2**20} MB limit for one "
        "source file (embedding it on CPU would take hours); split it into smaller files, e.g. one "
        "per article, and index their folder."
    )


def read_meta(path: Path) -> dict[str, str]:
    """Optional sidecar `NAME.meta.json` with title, byline, date."""
    sidecar = path.with_name(path.name + META_SUFFIX)
    if not sidecar.is_file():
        sidecar = path.with_suffix(META_SUFFIX)
    if not sidecar.is_file():
        return {}
    try:
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise SourceError(f"{sidecar} is not valid JSON ({exc}); fix or remove it.") from None
    return {k: str(v) for k, v in meta.items() if k in {"title", "byline", "date"} and v}


def load_document(path: str | Path, doc_id: str | None = None) -> Document:
    """Ingest one UTF-8 text or Markdown file.

    Example:
        >>> doc = load_document("data/sbs-2017-04-19-chechnya.txt")
        >>> doc.doc_id
        'sbs-2017-04-19-chechnya'
    """
    path = Path(path)
    text = read_text(path)
    return make_document(text, path=str(path), doc_id=doc_id or slugify(path.stem), meta=read_meta(path))


def make_document(
    text: str, *, path: str = "<memory>", doc_id: str = "doc", meta: dict[str, str] | None = None
) -> Document:
    """A `Document` from text already in memory (used for files and for benchmark articles)."""
    meta = meta or {}
    paragraphs = split_paragraphs(text)
    byline = meta.get("byline") or next(
        (text[p.start:p.end].strip() for p in paragraphs if p.section == "byline"), None
    )
    date = meta.get("date") or next(
        (iso_date(text[p.start:p.end]) for p in paragraphs if p.section == "dateline"), None
    )
    headline = next((text[p.start:p.end].strip() for p in paragraphs[:3] if p.section == "headline"), None)
    title = meta.get("title") or _markdown_title(text) or headline or path_title(doc_id)
    return Document(
        doc_id=doc_id, title=title, path=path, text=text, sha256=sha256_text(text),
        byline=byline, date=date, paragraphs=paragraphs,
    )


def _markdown_title(text: str) -> str | None:
    match = _MD_TITLE.search(text[:2000])
    return match.group(1) if match else None


def path_title(doc_id: str) -> str:
    return doc_id.replace("-", " ").replace("_", " ").strip().capitalize() or doc_id
