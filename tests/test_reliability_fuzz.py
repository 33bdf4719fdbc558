"""Issue 7, part 4: property tests over ingestion from bytes, index building and the question path.

tests/test_properties.py covers offsets of text already in memory; these start from raw bytes
and from arbitrary questions, with the fake embedder so every example is fast.
"""

from __future__ import annotations

import itertools
import math
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from retrieval import Answer, Assistant, QuestionError, SourceError
from retrieval.answer import MAX_QUESTION_CHARS
from retrieval.chunking import ChunkSettings, make_passages
from retrieval.embedding import FakeEmbedder
from retrieval.ingest import load_document, make_document
from retrieval.store import build_index_from_documents

from conftest import TINY

FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ANY_CHAR = st.characters(codec=None, categories=None)  # every code point, surrogates included
PIECES = st.sampled_from([
    "Cats", "hunt", "dawn", "steam", "railway", "1825", "?", "“", "’s", " ", "\n", "\r\n", "\t",
    "\x00", "\x1b", "\u200b", "\u202e", "\ud800", "🐈", "👩‍👩‍👧", "中文", "العربية", "e\u0301",
    "<script>", "%s", "{0}", "\\", "'", '"',
])
QUESTIONS = st.one_of(
    st.text(ANY_CHAR, max_size=60),
    st.lists(st.one_of(PIECES, st.text(ANY_CHAR, max_size=4)), max_size=30).map("".join),
    st.integers(MAX_QUESTION_CHARS - 3, MAX_QUESTION_CHARS + 3).map(lambda n: ("cats " * n)[:n]),
)


def check_answer(answer: Answer, documents) -> None:
    assert isinstance(answer, Answer)
    assert answer.abstained or answer.citations
    assert not (answer.abstained and answer.citations)
    for c in [*answer.citations, *answer.closest]:
        text = documents[c.doc_id].text
        assert 0 <= c.start < c.end <= len(text)
        assert c.quote == text[c.start:c.end]
        assert math.isfinite(c.score)
    spans = [(c.doc_id, c.start, c.end) for c in answer.citations]
    assert len(spans) == len(set(spans))


@pytest.fixture(scope="module")
def fuzz_assistant(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("fuzz-corpus")
    for name, text in TINY.items():
        (corpus / name).write_text(text, encoding="utf-8")
    from retrieval import build_index

    index_dir = tmp_path_factory.mktemp("fuzz") / "index"
    build_index([corpus], index_dir, embedder=FakeEmbedder())
    return Assistant.load(index_dir)


# ---- the question path -------------------------------------------------------------------------


@FAST
@given(question=QUESTIONS)
@example(question="")
@example(question="\ud800\udfff")
@example(question="\x00" * (MAX_QUESTION_CHARS + 1))
@example(question="cats " * 400)
def test_any_question_is_refused_or_answered_soundly(fuzz_assistant, question):
    try:
        answer = fuzz_assistant.ask(question)
    except QuestionError as exc:
        assert str(exc)
        return
    check_answer(answer, fuzz_assistant.documents)
    assert len(question) <= MAX_QUESTION_CHARS


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(QUESTIONS, min_size=1, max_size=5), st.integers(1, 6))
def test_batches_and_k_are_sound(fuzz_assistant, questions, k):
    try:
        answers = fuzz_assistant.ask_batch(questions, k=k)
    except QuestionError:
        return
    assert len(answers) == len(questions)
    for answer in answers:
        check_answer(answer, fuzz_assistant.documents)
        assert len(answer.citations) <= k and len(answer.closest) <= k


# ---- ingestion from bytes ------------------------------------------------------------------------

BYTES = st.one_of(
    st.binary(max_size=300),
    st.text(ANY_CHAR.filter(lambda c: not 0xD800 <= ord(c) <= 0xDFFF), max_size=200).map(
        lambda t: t.encode("utf-8")
    ),
    st.lists(st.one_of(PIECES.filter(lambda p: p != "\ud800").map(str.encode), st.binary(max_size=3)),
             max_size=40).map(b"".join),
)


@FAST
@given(data=BYTES)
@example(data=b"\xef\xbb\xbf")
@example(data=b"\xff\xfe\xfa")
@example(data="Cats.".encode("utf-16"))
@example(data=b"\r\r\n\n\r")
def test_any_bytes_are_refused_or_ingested_exactly(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "source.txt"
        path.write_bytes(data)
        try:
            doc = load_document(path)
        except SourceError as exc:
            assert str(path) in str(exc)
            return
    text = data.decode("utf-8")
    text = text[1:] if text.startswith("\ufeff") else text
    assert doc.text == text and text.strip() and "\x00" not in text
    for paragraph in doc.paragraphs:
        assert text[paragraph.start:paragraph.end].strip()
        for s in paragraph.sentences:
            assert paragraph.start <= s.start < s.end <= paragraph.end
    for passage in make_passages(doc, ChunkSettings(max_chars=60)):
        assert text[passage.start:passage.end] == passage.text


# ---- whole index: arbitrary documents, arbitrary questions -----------------------------------------

DOC_TEXT = st.lists(st.one_of(PIECES, st.text(ANY_CHAR.filter(lambda c: c != "\x00"), max_size=8)),
                    min_size=1, max_size=40).map("".join).filter(lambda t: t.strip())
_counter = itertools.count()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(DOC_TEXT, min_size=1, max_size=3), question=QUESTIONS,
       max_chars=st.integers(50, 300), overlap=st.integers(0, 2))
def test_any_corpus_builds_and_answers_soundly(tmp_path_factory, texts, question, max_chars, overlap):
    try:
        for t in texts:
            t.encode("utf-8")
    except UnicodeEncodeError:
        assume(False)  # a file cannot hold lone surrogates
    docs = [make_document(t, doc_id=f"d{i}") for i, t in enumerate(texts)]
    index_dir = tmp_path_factory.getbasetemp() / f"fuzz-index-{next(_counter)}"
    build_index_from_documents(docs, index_dir, embedder=FakeEmbedder(),
                               chunking=ChunkSettings(max_chars=max_chars, overlap_sentences=overlap))
    assistant = Assistant.load(index_dir)
    for p in assistant.retriever.passages:
        assert assistant.documents[p.doc_id].text[p.start:p.end] == p.text
    for q in (question, texts[0][:50]):
        try:
            answer = assistant.ask(q)
        except QuestionError:
            continue
        check_answer(answer, assistant.documents)
