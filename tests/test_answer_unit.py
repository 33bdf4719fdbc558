import pytest

from retrieval import Assistant, ConfigError, QuestionError
from retrieval.answer import MAX_QUESTION_CHARS, check_question


@pytest.fixture
def tiny_assistant(tiny_index):
    return Assistant.load(tiny_index)


def test_answer_quotes_the_sentence_with_exact_offsets(tiny_assistant):
    answer = tiny_assistant.ask("When did the first steam railway open?")
    first = (answer.citations or answer.closest)[0]
    assert first.quote == "The first steam railway opened in 1825."
    doc = tiny_assistant.documents[first.doc_id]
    assert doc.text[first.start:first.end] == first.quote
    assert first.doc_id == "trains" and first.doc_title == "Trains"
    assert first.section == "body" and first.paragraph == 2


def test_citations_are_distinct_and_best_first(tiny_assistant):
    answer = tiny_assistant.ask("cats hunt dawn", k=3)
    quotes = answer.citations or answer.closest
    spans = [(c.doc_id, c.start, c.end) for c in quotes]
    assert len(spans) == len(set(spans)) == 3
    assert quotes[0].quote == "They hunt at dawn and dusk."


def test_off_topic_question_abstains_with_closest_marked(tiny_assistant):
    answer = tiny_assistant.ask("zebra quantum mortgage")
    assert answer.abstained and answer.reason
    assert answer.citations == []
    assert all(c.quote for c in answer.closest)


@pytest.mark.parametrize("question", ["", "   \n\t", "\x00\x01"])
def test_empty_questions_are_refused(question):
    with pytest.raises(QuestionError, match="empty"):
        check_question(question)


def test_long_question_is_refused():
    with pytest.raises(QuestionError, match=str(MAX_QUESTION_CHARS)):
        check_question("why " * 600)


def test_unknown_method_lists_choices(tiny_index):
    with pytest.raises(ConfigError, match="pipeline, bm25, dense"):
        Assistant.load(tiny_index, method="magic")


@pytest.mark.parametrize("method", ["bm25", "dense"])
def test_baseline_methods_quote_verbatim(tiny_index, method):
    assistant = Assistant.load(tiny_index, method=method)
    answer = assistant.ask("steam railway 1825")
    first = (answer.citations or answer.closest)[0]
    assert "1825" in first.quote
    assert assistant.documents[first.doc_id].text[first.start:first.end] == first.quote
