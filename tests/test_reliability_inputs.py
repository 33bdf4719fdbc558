"""Issue 7, part 1: bad questions and bad sources get a clear message or a sound answer.

Nothing crashes, hangs or loses the index. The fake-embedder tiny index keeps most of this fast; a
few questions also go through the real packaged model (the session `assistant`), since its
tokenizer is what meets odd text in production.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from retrieval import Answer, Assistant, QuestionError, Retriever, SourceError, build_index
from retrieval.answer import MAX_QUESTION_CHARS, check_question
from retrieval.embedding import FakeEmbedder
from retrieval.ingest import MAX_SOURCE_BYTES, load_document

from conftest import ROOT

ODD_QUESTIONS = {
    "rtl_arabic": "من يحكم الشيشان؟",
    "rtl_hebrew_marks": "\u202bמי שולט בצ'צ'ניה?\u202c",
    "emoji": "🐈 when do cats hunt? 🌅🌇",
    "emoji_zwj": "👩‍👩‍👧 family of cats 🏳️‍🌈",
    "chinese": "猫每天睡多少小时？",
    "russian": "Когда открылась первая железная дорога?",
    "mixed_script": "When did the 第一 steam railway открылась?",
    "control_chars": "when\x07 do\x1b[31m cats\x00 hunt\x7f?",
    "lone_surrogate": "cats \ud800 hunt",
    "zero_width": "ca\u200bts\u200d hu\u200cnt",
    "combining": "cafe\u0301 cats",
    "punctuation_only": "?!?...;;",
    "one_char": "x",
    "html": "<script>alert(1)</script> cats?",
    "sql_like": "'; DROP TABLE passages; --",
    "format_string": "{0} %s %n ${HOME} {{}}",
    "path": "../../etc/passwd",
    "at_limit": ("cats hunt at dawn " * 200)[:MAX_QUESTION_CHARS],
}


def assert_sound(answer: Answer, documents) -> None:
    assert isinstance(answer, Answer)
    quotes = answer.closest if answer.abstained else answer.citations
    if not answer.abstained:
        assert answer.citations
    for c in [*answer.citations, *answer.closest]:
        text = documents[c.doc_id].text
        assert 0 <= c.start < c.end <= len(text)
        assert c.quote == text[c.start:c.end]
    assert all(q.quote.strip() for q in quotes)


@pytest.fixture
def tiny_assistant(tiny_index):
    return Assistant.load(tiny_index)


# ---- questions -------------------------------------------------------------------------------


@pytest.mark.parametrize("question", ["", " ", "\n\t \r\n", "\x00\x01\x02", "\u200b\u200e\u202e", "\ud800"])
def test_empty_blank_or_invisible_question_is_refused(question):
    with pytest.raises(QuestionError, match="empty"):
        check_question(question)


@pytest.mark.parametrize("length", [MAX_QUESTION_CHARS + 1, 10_000, 1_000_000])
def test_overlong_question_is_refused_fast_with_the_limit(length, tiny_assistant):
    started = time.perf_counter()
    with pytest.raises(QuestionError, match=f"limit is {MAX_QUESTION_CHARS}"):
        tiny_assistant.ask("w" * length)
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize("question", [b"cats", bytearray(b"\xff\xfe"), None, 42, ["cats"]])
def test_non_text_question_is_refused(question):
    with pytest.raises(QuestionError, match="must be text"):
        check_question(question)


@pytest.mark.parametrize("name", sorted(ODD_QUESTIONS))
def test_odd_questions_get_a_sound_answer(name, tiny_assistant):
    answer = tiny_assistant.ask(ODD_QUESTIONS[name])
    assert_sound(answer, tiny_assistant.documents)
    assert answer.question.isprintable() or "\n" in answer.question or "\t" in answer.question


def test_control_characters_are_dropped_not_matched(tiny_assistant):
    answer = tiny_assistant.ask("when\x07 do\x1b cats\x00 hunt?")
    assert answer.question == "when do cats hunt?"
    assert_sound(answer, tiny_assistant.documents)
    assert (answer.citations or answer.closest)[0].doc_id == "cats"


def test_odd_questions_through_the_real_model(assistant):
    """The packaged MiniLM tokenizer on RTL, emoji, CJK, control characters and a 2,000-char question."""
    started = time.perf_counter()
    answers = assistant.ask_batch(list(ODD_QUESTIONS.values()))
    for answer in answers:
        assert_sound(answer, assistant.documents)
    assert time.perf_counter() - started < 60


def test_cli_question_with_invalid_utf8_bytes_is_handled(tiny_index):
    """argv bytes that are not UTF-8 reach Python as lone surrogates: dropped, never a traceback."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run(
        [sys.executable, "-m", "retrieval", "ask", b"cats \xff\xfe hunt?", "--index-dir", str(tiny_index),
         "--json"],
        cwd=ROOT, capture_output=True, timeout=120, env=env, stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert b"Traceback" not in result.stderr
    answer = Answer.model_validate_json(result.stdout)
    assert answer.question == "cats  hunt?"


# ---- sources ---------------------------------------------------------------------------------


def _assert_previous_index_intact(index_dir: Path) -> None:
    retriever = Retriever.load(index_dir)
    assert retriever.manifest.passage_count == 5
    assert not [p for p in index_dir.iterdir() if p.name.startswith(".tmp-")]


def _make(tmp_path: Path, name: str, setup) -> Path:
    path = tmp_path / "bad" / name
    path.parent.mkdir(exist_ok=True)
    setup(path)
    return path


def _sparse(size: int):
    def setup(path: Path) -> None:
        with path.open("wb") as fh:
            fh.truncate(size)  # a sparse file: its size without writing 50 MB
    return setup


BAD_SOURCES = {
    "empty": (lambda p: p.write_bytes(b""), "is empty"),
    "blank": (lambda p: p.write_bytes(b" \n\r\n\t\xc2\xa0\n"), "is empty"),
    "bom_only": (lambda p: p.write_bytes(b"\xef\xbb\xbf\n"), "is empty"),
    "50mb": (_sparse(50 * 2**20), "over the 5 MB limit"),
    "just_over_limit": (_sparse(MAX_SOURCE_BYTES + 1), "split it into smaller files"),
    "latin1": (lambda p: p.write_bytes("Café au lait.".encode("latin-1")), "not valid UTF-8 (byte 3)"),
    "truncated_utf8": (lambda p: p.write_bytes("Naïve".encode()[:3]), "not valid UTF-8"),
    "utf16_bom": (lambda p: p.write_bytes("Cats sleep.".encode("utf-16")), "UTF-16"),
    "utf16_no_bom": (lambda p: p.write_bytes("Cats sleep.".encode("utf-16-le")), "NUL bytes"),
    "binary_png": (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "is an image, not text"),
    # a developer's review: a PDF renamed .md had been told to convert itself with `iconv -f LATIN1`
    "pdf": (lambda p: p.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj"), "is a PDF, not text; extract its text "
            "first (e.g. `pdftotext"),
    "docx": (lambda p: p.write_bytes(b"PK\x03\x04\x14\x00\x06\x00word/document.xml"), "is a ZIP archive"),
    "directory": (lambda p: p.mkdir(), "is a directory"),
    "missing": (lambda p: None, "no such file"),
    "fifo": (lambda p: os.mkfifo(p), "not a regular file"),
    "symlink_to_dev_zero": (lambda p: p.symlink_to("/dev/zero"), "not a regular file"),
}


@pytest.mark.parametrize("name", sorted(BAD_SOURCES))
def test_bad_source_is_refused_by_name_and_the_index_survives(name, tiny_index, tmp_path):
    setup, fragment = BAD_SOURCES[name]
    path = _make(tmp_path, f"{name}.txt", setup)
    outcome: list[BaseException | None] = []

    def build():
        try:
            build_index([path], tiny_index, embedder=FakeEmbedder())
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread
            outcome.append(exc)

    worker = threading.Thread(target=build, daemon=True)  # a FIFO or /dev/zero must not block us
    worker.start()
    worker.join(timeout=20)
    assert not worker.is_alive(), f"ingesting {name} hung"
    error = outcome[0]
    assert isinstance(error, SourceError), repr(error)
    assert fragment in str(error) and str(path) in str(error)
    _assert_previous_index_intact(tiny_index)


def test_one_bad_file_among_good_ones_names_it(tiny_corpus, tiny_index, tmp_path):
    bad = tiny_corpus / "zz-latin1.txt"
    bad.write_bytes("Caf\xe9".encode("latin-1"))
    with pytest.raises(SourceError, match="zz-latin1.txt"):
        build_index([tiny_corpus], tiny_index, embedder=FakeEmbedder())
    _assert_previous_index_intact(tiny_index)


def test_the_size_limit_is_checked_before_reading(tmp_path, monkeypatch):
    import retrieval.ingest as ingest

    path = tmp_path / "big.txt"
    _sparse(MAX_SOURCE_BYTES + 10)(path)

    def no_read(*args, **kwargs):
        raise AssertionError("an over-limit file was read")

    monkeypatch.setattr(Path, "read_bytes", no_read)
    monkeypatch.setattr(Path, "open", no_read)
    with pytest.raises(SourceError, match="MB limit"):
        ingest.read_text(path)


def test_folder_reads_subfolders_but_skips_fifos_device_links_and_link_loops(tiny_corpus, tmp_path):
    (tiny_corpus / "sub.txt").mkdir()  # a folder named like a file is read as a folder
    (tiny_corpus / "sub.txt" / "inner.txt").write_text("Found inside.", encoding="utf-8")
    os.mkfifo(tiny_corpus / "pipe.txt")
    (tiny_corpus / "zero.txt").symlink_to("/dev/zero")
    (tiny_corpus / "sub.txt" / "back").symlink_to(tiny_corpus)  # a loop is not followed
    manifest = build_index([tiny_corpus], tmp_path / "idx", embedder=FakeEmbedder())
    assert sorted(s.doc_id for s in manifest.sources) == ["cats", "inner", "trains"]


def test_one_long_line_without_punctuation_is_split_and_fast(tmp_path):
    """pysbd is quadratic: 100 KB on one line took 8-20 s before windowing; quotes stay sentence-sized."""
    words = ("council budget schools roads parks vote again " * 30_000)[:1_000_000]
    path = tmp_path / "oneline.txt"
    path.write_text(words, encoding="utf-8")
    started = time.perf_counter()
    index_dir = tmp_path / "idx"
    build_index([path], index_dir, embedder=FakeEmbedder())
    assert time.perf_counter() - started < 60
    assistant = Assistant.load(index_dir)
    answer = assistant.ask("schools roads")
    assert_sound(answer, assistant.documents)
    assert all(len(c.quote) <= 1000 for c in answer.citations + answer.closest)
    assert max(p.end - p.start for p in assistant.retriever.passages) <= 1000


def test_short_line_without_punctuation_answers(tmp_path):
    path = tmp_path / "line.txt"
    path.write_text("council approves new budget for city schools", encoding="utf-8")
    build_index([path], tmp_path / "idx", embedder=FakeEmbedder())
    assistant = Assistant.load(tmp_path / "idx")
    answer = assistant.ask("what did the council approve")
    assert_sound(answer, assistant.documents)
    assert (answer.citations or answer.closest)[0].quote == path.read_text()


def test_the_same_document_in_other_clothes_is_indexed_once(tiny_corpus, tmp_path):
    """Same content via folder and file, with a BOM, with CRLF, or re-wrapped: one document."""
    cats = (tiny_corpus / "cats.txt").read_text(encoding="utf-8")
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "cats-bom.txt").write_bytes(b"\xef\xbb\xbf" + cats.encode())
    (extra / "cats-crlf.txt").write_bytes(cats.replace("\n", "\r\n").encode())
    (extra / "cats-wrapped.txt").write_text(cats.replace(" They", "\nThey"), encoding="utf-8")
    index_dir = tmp_path / "idx"
    manifest = build_index([tiny_corpus, tiny_corpus / "cats.txt", extra], index_dir, embedder=FakeEmbedder())
    assert [s.doc_id for s in manifest.sources] == ["cats", "trains"]
    texts = [" ".join(p.text.split()) for p in Retriever.load(index_dir).passages]
    assert len(texts) == len(set(texts)) == 5
    # Indexing the same folder again replaces the index; it never accumulates duplicates.
    again = build_index([tiny_corpus, extra], index_dir, embedder=FakeEmbedder())
    assert again.passage_count == manifest.passage_count == 5


def test_html_and_script_in_a_source_are_kept_as_text(tmp_path):
    """The library quotes markup verbatim (offsets must hold); the app escapes it for display."""
    text = ("<p>The mayor said <b>no</b>.</p>\n\n<script>alert('pwned')</script> The budget &amp; "
            "the <img src=x onerror=alert(1)> vote passed.")
    path = tmp_path / "page.html.txt"
    path.write_text(text, encoding="utf-8")
    build_index([path], tmp_path / "idx", embedder=FakeEmbedder())
    assistant = Assistant.load(tmp_path / "idx")
    answer = assistant.ask("alert pwned script budget vote")
    assert_sound(answer, assistant.documents)
    quotes = " ".join(c.quote for c in answer.citations + answer.closest)
    assert "<script>alert('pwned')</script>" in quotes or "onerror=alert(1)" in quotes
    assert assistant.documents["page-html"].text == text


def test_nul_free_control_characters_and_rtl_sources_index(tmp_path):
    text = "Le maire a dit «non».\n\nمن يحكم الشيشان؟ رمضان قديروف.\n\n🐈 Cats\u200d rule.\x07\x1b[0m"
    path = tmp_path / "mixed.txt"
    path.write_text(text, encoding="utf-8")
    build_index([path], tmp_path / "idx", embedder=FakeEmbedder())
    assistant = Assistant.load(tmp_path / "idx")
    for question in ["qui est le maire", "من يحكم", "cats rule"]:
        assert_sound(assistant.ask(question), assistant.documents)


def test_unreadable_file_is_a_clear_error(tmp_path, tiny_index, monkeypatch):
    """Permission denied (simulated: the tests may run as root) is a SourceError, not a traceback."""
    path = tmp_path / "secret.txt"
    path.write_text("Cats.", encoding="utf-8")
    real_open = Path.open

    def denied(self, *args, **kwargs):
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", denied)
    with pytest.raises(SourceError, match="cannot be read .Permission denied.; check its permissions"):
        load_document(path)
    monkeypatch.undo()
    _assert_previous_index_intact(tiny_index)


def test_cli_reports_a_too_big_source_in_one_line(tmp_path):
    path = tmp_path / "huge.txt"
    _sparse(50 * 2**20)(path)
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "retrieval", "index", str(path), "--index-dir", str(tmp_path / "idx")],
        cwd=ROOT, capture_output=True, text=True, timeout=120, env=env, stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "huge.txt" in result.stderr and "5 MB limit" in result.stderr
    shutil.rmtree(tmp_path / "idx", ignore_errors=True)
