"""Words a question quotes, checked word for word against the source (`retrieval.verify`): a
journalist asking "Did she say “it is a total disaster”?" must learn that the source says "a real
disaster", not only see the closest sentence."""

from __future__ import annotations

import pytest

from retrieval.models import Document, WordsCheck
from retrieval.verify import WordFinder, check_note, quoted_words

SOKIRIANSKAIA = "Ekaterina Sokirianskaia"


@pytest.mark.parametrize("question, words", [
    ('Did she say "it is a total disaster"?', ["it is a total disaster"]),
    ("Who said “All it would take is a phone call from Putin.”?", ["All it would take is a phone call from Putin"]),
    ("Who said 'it's getting out of control'?", ["it's getting out of control"]),  # an apostrophe inside
    ("Did she say ‘the Chechen government’s response’?", ["the Chechen government’s response"]),
    ('Did "they" say "outrageous" and "hysterical"?', ["they", "outrageous", "hysterical"]),
    ("What's the network's view?", []),  # apostrophes are not quote marks
    ('Who said "a"?', []),  # too short to check
    ('Who said "it is a real', []),  # never closed
    # a request to check a quote needs no quote marks (a journalist's review: "Check this quote: It is a real
    # catastrophe…" had been answered with the real sentence and no word of the change)
    ("Check this quote: It is a real catastrophe, it's getting out of control.",
     ["It is a real catastrophe, it's getting out of control"]),
    ("Is this quote accurate? It is a real disaster", ["It is a real disaster"]),
    ("Please verify: the regime in Grozny", ["the regime in Grozny"]),
    ("Check this quote: “outrageous”", ["outrageous"]),  # quote marks still win
    ("Check the article for Putin", []),  # no colon: not a quote
    ("Is this quote accurate?", []),
])
def test_quoted_words(question, words):
    assert quoted_words(question) == words


def _finder(*texts: str) -> WordFinder:
    docs = {f"d{i}": Document(doc_id=f"d{i}", title=f"D{i}", path=f"d{i}.txt", text=t, sha256="0")
            for i, t in enumerate(texts)}
    return WordFinder(docs)


def test_words_are_found_word_for_word_whatever_the_marks_case_and_spacing():
    text = "Intro.\n\n“It is a real disaster,  it’s getting out of control,” she says.\n"
    index = _finder("Nothing here.", text)
    doc_id, start, end = index.find("it is a real disaster, it's getting out of control")
    assert doc_id == "d1" and text[start:end] == "It is a real disaster,  it’s getting out of control"
    assert index.find("IT IS A REAL DISASTER") is not None
    assert index.find("it is a total disaster") is None  # one word differs
    assert index.find("it is real disaster") is None  # one word missing
    assert index.find("its getting out of control") is None  # "it's" is not "its"
    assert index.find("disaster it’s") is not None  # punctuation between words is aside
    assert index.find("disaster it") is None  # "it’s" is one word
    assert index.find("real dis") is None  # whole words only
    assert index.find("...") is None
    scare = _finder("Reports of mass 'concentration camps' are exaggerations.")
    assert scare.find("concentration camps") is not None  # a straight quote mark before a word is no apostrophe


def test_check_says_where_and_the_note_says_what():
    index = _finder("One.", "Two.\n\n“A real disaster,” she says.")
    found, missing = index.check("a real disaster"), index.check("a total disaster")
    assert found.found and found.doc_id == "d1" and found.start == 7 and found.end == 22
    assert not missing.found and missing.start is None
    said = found.model_copy(update={"speaker": "Jane Doe", "quote_kind": "direct"})
    assert check_note([said, missing]) == ("the words “a real disaster” are in the source word for word, as words "
                                           "of Jane Doe; the source does not have the words “a total disaster” "
                                           "as written")
    reported = WordsCheck(words="well", found=True, paragraph=3, speaker="Jane Doe", quote_kind="reported")
    assert check_note([reported]) == ("the word “well” is in the source word for word (¶3), in a sentence "
                                      "reporting what Jane Doe says")


@pytest.mark.parametrize("words, found", [
    ("a phone call from Putin … the only one with leverage", True),
    ("a phone call from Putin ... the only one with leverage", True),
    ("a phone call from Putin [...] the only one", True),
    ("the only one with leverage … a phone call from Putin", False),  # out of order
    ("a phone call from Putin … the only one with power", False),  # a part not in the source
    ("a phone call from Putin … Nothing more", False),  # the next paragraph
])
def test_words_with_an_ellipsis_are_found_part_by_part_in_one_paragraph(words, found):
    """A journalist's review: a quote with a standard ellipsis had been reported "not as written"."""
    index = _finder("“All it would take is a phone call from Putin,” she says, “he is the only one with leverage.”"
                    "\n\nNothing more.")
    check = index.check(words)
    assert check.found is found and check.elided is found
    if found:
        assert check.start == 22 and index.documents["d0"].text[check.start:check.end].endswith("the only one" + (
            " with leverage" if "leverage" in words else ""))
        assert check_note([check]) == (f"the words “{words}” are in the source with words left out where the "
                                       "ellipsis stands, not as anyone's words")


def test_a_misquote_is_named_and_the_real_words_quoted(assistant):
    answer = assistant.ask('Did Sokirianskaia say "it is a total disaster"?')
    assert answer.reason.startswith("the source does not have the words “it is a total disaster” as written")
    assert answer.words_checked == [WordsCheck(words="it is a total disaster", found=False)]
    assert not answer.abstained and "It is a real disaster" in answer.citations[0].quote


@pytest.mark.parametrize("question", [
    'Did Milashina say "Chechnya is a black hole for human rights"?',
    'Is this quote accurate? "We will not rest until every gay man is out of Chechnya" - Russia LGBT Network',
])
def test_invented_words_are_declined_whatever_the_searchs_confidence(assistant, question):
    # the first had been "answered" with Milashina's quotes, the second declined: one verdict for both
    answer = assistant.ask(question)
    assert answer.abstained and not answer.citations and answer.closest
    assert answer.reason.endswith("as written, nor words close to them; the passages nearest in meaning are listed, "
                                  "not as an answer")
    assert [c.found for c in answer.words_checked] == [False]


def test_words_in_the_source_are_placed_and_attributed(assistant):
    answer = assistant.ask('Did Milashina say "it is a real disaster"?')
    check = answer.words_checked[0]
    assert check.found and check.speaker == SOKIRIANSKAIA and check.quote_kind == "direct"
    assert assistant.documents[check.doc_id].text[check.start:check.end] == "It is a real disaster"
    assert answer.reason.startswith(f"the words “it is a real disaster” are in the source word for word "
                                    f"(¶{check.paragraph}), as words of {SOKIRIANSKAIA}")


@pytest.mark.parametrize("question, reason", [
    ('Who said "all it takes is one call from Putin"?',
     "the source does not have the words “all it takes is one call from Putin” as written; it attributes the "
     f"closest words it has to {SOKIRIANSKAIA} "),
    ('Who said the Chechen government\'s response was "outrageous"?',
     f"the source has the word “outrageous” word for word (¶18) and attributes it to {SOKIRIANSKAIA} "),
])
def test_who_said_tells_a_misquote_from_the_words_themselves(assistant, question, reason):
    """"Who said “all it takes is one call from Putin”?" was told "the source attributes these words
    to Ekaterina Sokirianskaia", words she never said in that form."""
    answer = assistant.ask(question)
    assert answer.reason.startswith(reason)
    assert answer.citations[0].speaker == SOKIRIANSKAIA
    assert len(answer.words_checked) == 1


def test_a_request_to_check_a_quote_needs_no_quote_marks(assistant):
    """"Check this quote: It is a real catastrophe…" had been answered with the real sentence and nothing said."""
    answer = assistant.ask("Check this quote: It is a real catastrophe, it's getting out of control.")
    assert answer.reason == ("the source does not have the words “It is a real catastrophe, it's getting out of "
                             "control” as written")
    assert "It is a real disaster, it's getting out of control" in answer.citations[0].quote


def test_a_question_without_quote_marks_is_not_checked(assistant):
    answer = assistant.ask("Who said it appears officials were using illegal detention centres?")
    assert answer.words_checked == []
    # reported speech: no words to put in quote marks (an adversarial review: "attributes these words to")
    assert answer.reason.startswith(f"the source reports {SOKIRIANSKAIA} (Russia Project Director with the "
                                    "International Crisis Group) saying this (¶25), in the writer's words, not as a "
                                    "direct quotation")


def test_the_sentence_with_the_quoted_words_comes_first(assistant):
    """"Did Milashina call it “a real investigation”?" put the prosecutors' sentence (0.807) above hers
    (0.802), the one with the words asked about."""
    answer = assistant.ask('Did Milashina call it "a real investigation"?')
    check = answer.words_checked[0]
    first = answer.citations[0]
    assert first.start <= check.start < first.end and first.speaker == "Elena Milashina"


def test_a_role_is_named_as_a_sentence_names_it(assistant):
    answer = assistant.ask('What did the minister mean by "rascals"?')
    assert answer.reason.startswith("the word “rascals” is in the source word for word (¶21), as words of "
                                    "the Chechen Minister for Information")


def test_unique_words_and_every_place():
    finder = _finder("A bridge. The bridge opened.", "Another bridge here.")
    assert [(d, s) for d, s, _ in finder.places("bridge")] == [("d0", 2), ("d0", 14), ("d1", 8)]
    assert not finder.unique("bridge") and finder.unique("bridge opened") and not finder.unique("ferry")


def test_quoted_words_of_a_reported_sentence_are_not_confirmed_as_a_quotation(assistant):
    # a fact-checker: the writer's paraphrase after "tells SBS" had been "attributed to" her, word for word
    answer = assistant.ask("Who said 'the systematic organisation of violence against gay people was unprecedented'?")
    assert answer.reason.startswith("the source has these words word for word (¶8), not as a direct quotation but in "
                                    "a sentence that reports what Ekaterina Sokirianskaia")
    assert "(the wording may be the writer's)" in answer.reason


def test_words_in_scare_quotes_inside_reported_speech_name_the_reported_speaker(assistant):
    # a fact-checker: the reason said "attributes them to no one" while words_checked named the Crisis Group
    answer = assistant.ask("Who said 'concentration camps'?")
    assert answer.reason == ("the source has these words word for word (¶24), in quote marks of their own inside a "
                             "sentence that reports what the International Crisis Group says; it does not say whose "
                             "words they are")
    assert answer.words_checked[0].speaker == "International Crisis Group"
