"""What keeps a question cheap on an archive: partial top-k, sentence scoring limited to the
documents the passage search found, speaker lookups without quadratic scans."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from retrieval import Assistant, Retriever, build_index
from retrieval.embedding import FakeEmbedder
from retrieval.extract import sentence_candidates, sentence_table
from retrieval.fusion import top_k
from retrieval.ingest import make_document
from retrieval.quotes import build_ledger, who_said


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=-3, max_value=3), max_size=60), st.integers(min_value=0, max_value=70))
def test_top_k_is_the_stable_sort_prefix(values, k):
    scores = np.array(values, dtype=np.float32)  # few distinct values: many ties
    expected = np.argsort(-scores, kind="stable")[:k]
    assert top_k(scores, k).tolist() == expected.tolist()


def test_top_k_keeps_minus_infinity_last():
    scores = np.array([-np.inf, 2.0, -np.inf, 5.0], dtype=np.float32)
    assert top_k(scores, 3).tolist() == [3, 1, 0]


def _archive(folder: Path, n_docs: int = 70) -> Path:
    folder.mkdir()
    for d in range(n_docs):
        topic = f"topic{d}"
        paras = [f"Paragraph {j} of {topic} mentions {topic} and filler words {j}." for j in range(3)]
        (folder / f"doc{d:03d}.txt").write_text("\n\n".join(paras) + "\n", encoding="utf-8")
    (folder / "doc999.txt").write_text(
        "The lighthouse keeper counted 4,312 gulls in May.\n\nNothing else happened that year.\n",
        encoding="utf-8")
    return folder


def test_sentence_scoring_stays_within_the_found_documents(tmp_path: Path):
    source = _archive(tmp_path / "archive")
    index_dir = tmp_path / "idx"
    build_index([source], index_dir, embedder=FakeEmbedder())
    retriever = Retriever.load(index_dir)
    table = sentence_table(retriever)
    assert len(table.doc_rows) == 71
    for doc_id, rows in table.doc_rows.items():  # one run of rows per document
        assert {retriever.sentences[r][0] for r in range(rows.start, rows.stop)} == {doc_id}

    question = "How many gulls did the lighthouse keeper count?"
    vector = retriever.encode([question])[0]
    ids, _, _ = retriever.candidate_scores(question, vector, 50)
    found_docs = {retriever.passages[int(i)].doc_id for i in ids}
    assert len(found_docs) < 71  # the passage search narrowed the archive
    cands = sentence_candidates(retriever, question, vector, n_passages=6, n_sentences=8)
    assert {retriever.sentences[int(r)][0] for r in cands.rows} <= found_docs
    answer = Assistant.load(index_dir).ask(question, k=1)
    assert answer.citations[0].doc_id == "doc999" and "4,312 gulls" in answer.citations[0].quote


def test_who_said_keeps_each_documents_quotes_apart():
    # Document b's quotation lies at offsets inside document a's reported sentence: it must not be
    # cut out of a's words (offsets of different documents never nest).
    a = make_document("Ms Doe says the harbour will close next winter for repairs.\n", doc_id="a")
    b = make_document("Mr Roe said: “Quite.” Then he left.\n", doc_id="b")
    ledger = build_ledger(a) + build_ledger(b)
    reported = [e for e in ledger if e.kind == "reported" and e.citation.doc_id == "a"]
    assert reported and any(e.kind == "direct" and e.citation.doc_id == "b" for e in ledger)
    # matched on all of its own words (cutting b's offsets out of it left "th our will close")
    found = who_said(ledger, "the harbour will close next winter for repairs", min_overlap=0.95)
    assert found and found[0].citation.doc_id == "a" and found[0].speaker == "Ms Doe"


def test_speaker_questions_build_only_the_ledgers_they_reach(tmp_path: Path):
    source = _archive(tmp_path / "archive")
    (source / "doc500.txt").write_text(
        "“The gulls are back in record numbers,” says Maria Keller, the keeper.\n", encoding="utf-8")
    index_dir = tmp_path / "idx"
    build_index([source], index_dir, embedder=FakeEmbedder())
    assistant = Assistant.load(index_dir)
    answer = assistant.ask("Who said “the gulls are back in record numbers”?")
    assert answer.citations[0].doc_id == "doc500" and answer.citations[0].speaker == "Maria Keller"
    by = assistant.ask("What did Maria Keller say?")
    assert by.citations and by.citations[0].doc_id == "doc500"
    assert "doc500" in assistant._ledgers and len(assistant._ledgers) < 72  # not the whole archive
