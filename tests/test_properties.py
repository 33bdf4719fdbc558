"""Offsets stay exact on arbitrary Unicode text: curly quotes, emoji, CRLF, no final newline."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retrieval.chunking import ChunkSettings, make_passages
from retrieval.ingest import make_document

PIECES = st.sampled_from([
    "Hello world.", "“Quoted,” she says.", "It’s 5 p.m. now!", "🙂 emoji here?", "\r\n", "\n\n",
    "\r\n\r\n", " ", "Dr. No", "ü ñ 中文 العربية", "\u00a0", "...", "\t", "Line", "•", "x",
])
TEXT = st.lists(st.one_of(PIECES, st.text(min_size=1, max_size=12)), min_size=1, max_size=40).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT, st.integers(min_value=50, max_value=400), st.integers(min_value=0, max_value=2))
def test_passage_and_sentence_offsets_are_exact(text, max_chars, overlap):
    doc = make_document(text, doc_id="prop")
    for paragraph in doc.paragraphs:
        assert 0 <= paragraph.start < paragraph.end <= len(text)
        for s in paragraph.sentences:
            assert paragraph.start <= s.start < s.end <= paragraph.end
            assert text[s.start:s.end] == text[s.start:s.end].strip()
    passages = make_passages(doc, ChunkSettings(max_chars=max_chars, overlap_sentences=overlap))
    for p in passages:
        assert text[p.start:p.end] == p.text
        assert p.text.strip()
    covered = {(s.start, s.end) for p in passages for s in p.sentences}
    every = {(s.start, s.end) for par in doc.paragraphs for s in par.sentences}
    assert covered == every  # no sentence is lost by packing
