"""Names a question misspells, read as the source spells them (`retrieval.spelling`)."""

import pytest

from retrieval.spelling import Correction, Speller, max_edits

TEXT = ("Ekaterina Sokirianskaia says the regime in Grozny has functioned with impunity. Kadyrov rules "
        "Chechnya. Those documenting it will be singled out, she says. Human Rights Watch agrees. "
        "Anna Petrova and Anna Petrove both spoke. The International Criminal Court may act. The "
        "International Crisis Group and the Internal Crime Commission agree, and so does Associated Press.")


@pytest.fixture(scope="module")
def speller():
    return Speller([TEXT])


@pytest.mark.parametrize("question, read_as", [
    ("What did Sokirianskaya say?", "What did Sokirianskaia say?"),
    ("sokiryanskaya", "Sokirianskaia"),  # two edits in a long name
    ("Who is Kadirov?", "Who is Kadyrov?"),
    ("Where is Grozni?", "Where is Grozny?"),
    ("Chechnia and Kadyrow", "Chechnya and Kadyrov"),
    # two letters swapped, as fast typing does, are one edit (news_fresh10's sub-editor: "Kadryov" had been declined
    # as a name the source never has)
    ("How long has Kadryov ruled?", "How long has Kadyrov ruled?"),
    ("Who is getting men out of Chechyna?", "Who is getting men out of Chechnya?"),
])
def test_a_misspelt_name_is_read_as_the_source_spells_it(speller, question, read_as):
    corrected, corrections = speller.correct(question)
    assert corrected == read_as and corrections


@pytest.mark.parametrize("question", [
    "Who won the match?",  # an English word, one edit from the name "Watch": never read as it
    "Is Gaza mentioned?",  # the dictionary knows it
    "What did Lenin say?",  # no name of the source near it
    "Who is Kadyrov?",  # spelt as the source spells it
    "Does Kdrv rule?",  # too short to correct
    "What did Anna Petrovi say?",  # two names as close: which one is not guessed
    "What did Sokirnskyaa say?",  # too far from any name
    "Who were singled out?",  # the source's own words
])
def test_other_words_are_left_alone(speller, question):
    assert speller.correct(question) == (question, [])


def test_words_the_source_writes_only_capitalised_are_its_names(speller):
    assert {"sokirianskaia", "kadyrov", "grozny", "chechnya", "watch"} <= set(speller.names)
    assert "rules" not in speller.names and "says" not in speller.names
    # a word that only opens a sentence counts too, but a question's English word is never read as it
    assert "those" in speller.names
    assert speller.correct("Who are these people?") == ("Who are these people?", [])


def test_edits_allowed_grow_with_length():
    assert [max_edits(w) for w in ("Grozni", "Kadirov", "Milashyna")] == [1, 1, 2]


@pytest.mark.parametrize("question, read_as", [
    ("Who leads the HRW?", "Who leads the Human Rights Watch?"),
    ("What did the ICG say?", "What did the International Crisis Group say?"),
    ("Will the ICC act?", "Will the ICC act?"),  # the Criminal Court or the Crime Commission: not guessed
    ("Did AP report it?", "Did AP report it?"),  # two letters: too short to read as a name
    ("Is the NBA mentioned?", "Is the NBA mentioned?"),  # no name of the source with those initials
    # typed in lower case in a hurry (a journalist's review: "hrw" was "something the source does not treat")
    ("hrw", "Human Rights Watch"),
    ("what did the icg say", "what did the International Crisis Group say"),
    ("will the icc act", "will the icc act"),  # two names: not guessed
    ("is the nba mentioned", "is the nba mentioned"),
    ("who won the cup", "who won the cup"),  # an English word is no acronym
])
def test_an_acronym_the_source_spells_out_is_read_as_its_name(speller, question, read_as):
    assert speller.correct(question)[0] == read_as


def test_initials():
    from retrieval.spelling import initials

    assert [initials(n) for n in ("International Criminal Court", "Ministry of Justice", "The Hague")] == [
        "ICC", "MJ", "H"]


def test_a_name_typed_without_its_accents_is_read_as_the_source_spells_it():
    """A developer's review: "What did Tomas Ibanez say?" of a source that quotes "Tomás Ibáñez" was declined
    ("the source quotes no one named Tomas Ibanez"): letters without their accents are no misspelling."""
    speller = Speller(["“It will open in May,” said Tomás Ibáñez. Ms Müller and Mr Muller agree. Léa Dubois too."])
    assert speller.correct("What did Lea Dubois say?")[0] == "What did Léa Dubois say?"  # three letters
    assert speller.correct("Is the lea green?") == ("Is the lea green?", [])  # an English word, not written as a name
    assert speller.correct("What did Tomas Ibanez say?")[0] == "What did Tomás Ibáñez say?"
    assert speller.correct("What did Ibanes say?")[0] == "What did Ibáñez say?"  # and one letter more
    assert speller.correct("What did Mueller say?") == ("What did Mueller say?", [])  # two names as close


def test_an_acronym_the_source_writes_only_in_capitals_is_read_so_after_the():
    """A developer's review: "what did the us say" was "Not answered: the question names nothing to look for"."""
    speller = Speller(["The US has voiced concern, and the UN may act. Tell us more."])
    assert speller.correct("what did the us say")[0] == "what did the US say"
    assert speller.correct("what did the un do")[0] == "what did the UN do"
    assert speller.correct("did they tell us")[0] == "did they tell us"  # no "the": the pronoun
    assert Speller(["Leave it there."]).correct("what did the it team do")[0] == "what did the it team do"  # none
    # a caption's credit in capitals: "the photo" is English after "the"
    assert Speller(["(AFP PHOTO / POOL)"]).correct("what does the photo show")[0] == "what does the photo show"


def test_a_word_of_the_source_typed_wrong_is_read_as_it_when_no_dictionary_has_the_typo():
    """A journalist in the browser: "What did Milashina say about the goverment?" was "none of their words is about the
    goverment"; the source's "government" is one edit away. Only a word of 7 letters or more, one edit from exactly one
    of the source's words, in lower case as typed."""
    speller = Speller(["The federal government may intervene, says the documenting journalist; information is scarce."])
    assert speller.correct("What about the goverment?") == (
        "What about the government?", [Correction(asked="goverment", read_as="government", edits=1)])
    assert speller.correct("the informtion minister")[0] == "the information minister"
    for untouched in ("What about the govt?",  # too short, and an abbreviation
                      "Is the documenter named?",  # a dictionary's word
                      "What about the govremnent?",  # two edits
                      "What about the Goverment?"):  # capitalised: a name, for the names' rule
        assert speller.correct(untouched) == (untouched, []), untouched
