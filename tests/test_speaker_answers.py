"""Questions about speakers (issue 8), with the real packaged model: what someone said, who said
some words, reported speech, unattributed quotes, and citations of a source that changed."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import ARTICLE, ROOT
from retrieval.quotes import parse_speaker_question

SOKIRIANSKAIA = "Ekaterina Sokirianskaia"


def exact(assistant, citation) -> bool:
    return assistant.documents[citation.doc_id].text[citation.start:citation.end] == citation.quote


def test_what_did_she_say_lists_her_quotes(assistant):
    answer = assistant.ask("What did Sokirianskaia say?", k=20)
    assert not answer.abstained and answer.confidence >= assistant.threshold
    quotes = answer.citations
    assert len(quotes) >= 10  # all of them, not only the best one
    assert all(c.speaker == SOKIRIANSKAIA for c in quotes)
    assert all(exact(assistant, c) for c in quotes)
    kinds = [c.quote_kind for c in quotes]
    assert kinds[0] == "direct" and "reported" in kinds
    assert kinds == sorted(kinds)  # direct quotes first
    texts = " ".join(c.quote for c in quotes)
    assert "All it would take is a phone call from Putin," in texts
    assert "It is a real disaster" in texts
    assert all(0 < c.score <= 1 for c in quotes)
    spans = [(c.start, c.end) for c in quotes]
    assert all(a_end <= b_start or b_end <= a_start
               for i, (a_start, a_end) in enumerate(spans) for b_start, b_end in spans[i + 1:])


def test_what_did_she_say_honours_k(assistant):
    answer = assistant.ask("What did Ms Sokirianskaia say?", k=3)
    assert len(answer.citations) == 3 and answer.reason.endswith("; 3 are listed, direct quotations first")
    # listed by relevance to a topic: not "the first 3", which a journalist read as the source's first (a review)
    assert assistant.ask("What did Ms Sokirianskaia say about Putin?", k=3).reason.endswith(
        "; the 3 most relevant are listed")
    assert assistant.ask("What did Ms Sokirianskaia say about Putin?", k=1).reason.endswith(
        "; the most relevant is listed")


def test_what_did_he_say_about_a_topic_puts_the_relevant_quote_first(assistant):
    answer = assistant.ask("What did Ms Milashina say about the federal government?")
    first = answer.citations[0]
    assert first.speaker == "Elena Milashina" and "federal government" in first.quote
    assert all(c.speaker == "Elena Milashina" for c in answer.citations)


def test_who_said_names_the_speaker_and_the_evidence(assistant):
    answer = assistant.ask("Who said 'All it would take is a phone call from Putin'?")
    assert not answer.abstained and answer.confidence == 1.0
    first = answer.citations[0]
    assert first.quote == "All it would take is a phone call from Putin,"
    assert first.speaker == SOKIRIANSKAIA and first.quote_kind == "direct"
    assert exact(assistant, first)
    # with how the source describes her, for the journalist's attribution, and the words that name her, said to
    # be those (a journalist had read "…: “Ms Sokirianskaia says”" as the words attributed)
    assert answer.reason == (f"the source has these words word for word (¶11) and attributes them to "
                             f"{SOKIRIANSKAIA} (Russia Project Director with the International Crisis Group), naming "
                             "the speaker in “Ms Sokirianskaia says”")
    text = assistant.documents[first.doc_id].text
    assert text[first.end:first.end + 25].startswith("” Ms Sokirianskaia says")


def test_who_said_cites_the_words_that_name_the_speaker_after_the_words_asked_about(assistant):
    """A fact-checker's questions: the reply named the speaker, but no quote to paste held the name."""
    answer = assistant.ask("Who said 'All it would take is a phone call from Putin'?")
    words, naming = answer.citations[:2]
    # in the same sentence: the attribution's own words, the writer's, not the speaker's
    assert naming.quote == "Ms Sokirianskaia says" and naming.paragraph == 11 and exact(assistant, naming)
    assert naming.speaker is None and naming.quote_kind is None and naming.start > words.end
    # a pronoun: the sentence that names whom it stands for
    answer = assistant.ask("Who said “It is a real disaster”?")
    words, naming = answer.citations[:2]
    assert "she says" in assistant.documents[words.doc_id].text[words.end:words.end + 12]
    assert naming.paragraph == 8 and naming.quote.startswith("Ekaterina Sokirianskaia, Russia Project Director")
    assert exact(assistant, naming) and naming.score == words.score
    assert [c.quote for c in assistant.ask("Who said “It is a real disaster”?", k=1).citations] == [words.quote]
    asked_as_a_line = assistant.ask('Whose words are "It is a real disaster"?')
    assert asked_as_a_line.reason.startswith("the source has these words word for word (¶9) and attributes them to "
                                             f"{SOKIRIANSKAIA}")
    assert [c.quote for c in asked_as_a_line.citations[:2]] == [words.quote, naming.quote]
    # a quote that shows the name already needs none
    answer = assistant.ask("Who said it appears officials were using illegal detention centres?")
    assert answer.citations[0].quote.startswith("Ms Sokirianskaia says it appears")
    assert not any(c.quote == "Ms Sokirianskaia says" or c.paragraph == 8 for c in answer.citations[1:])


def test_who_said_words_half_held_by_two_quotations_leads_with_the_rarer_words_and_names_what_it_lacks(assistant):
    """A journalist's review: "Who called the Chechen government hysterical?" was said to be reported from Milashina
    ("… the federal government may intervene"), as though the source had her saying it."""
    answer = assistant.ask("Who called the Chechen government hysterical?")
    first = answer.citations[0]
    assert first.paragraph == 21 and first.speaker == "Chechen Minister for Information"
    assert answer.reason.endswith("; the words there do not have the word “government”: compare them before quoting")
    answer = assistant.ask("Who said the Chechen response was hysterical?")
    assert answer.reason.endswith("do not have the word “hysterical”: compare them before quoting")
    # words held whole get no such note, and a modal verb is no word to lack
    assert "do not have" not in assistant.ask("Who said there is hope among activists?").reason
    assert "do not have" not in assistant.ask("who said the kremlin could stop it").reason


@pytest.mark.parametrize("question, paragraph, speaker", [
    ("Who used the word 'rascals'?", 21, "Chechen Minister for Information"),
    ("Who used the word outrageous?", 18, SOKIRIANSKAIA),
])
def test_who_used_a_word_asks_whose_word_it_is(assistant, question, paragraph, speaker):
    """A journalist's review: "Who used the word 'rascals'?" was declined, its own note saying whose word it is."""
    answer = assistant.ask(question)
    assert not answer.abstained and answer.confidence == 1.0
    assert (answer.citations[0].paragraph, answer.citations[0].speaker) == (paragraph, speaker)


def test_a_role_is_named_as_a_sentence_would_name_it(assistant):
    answer = assistant.ask("Who said 'What reaction did you expect from militant mountain men'?")
    assert answer.citations[0].speaker == "Chechen Minister for Information"
    assert answer.reason.startswith("the source has these words word for word (¶22) and attributes them to "
                                    "the Chechen Minister for Information, naming the speaker in “")
    assert answer.reason.endswith("where “he” is the Chechen Minister for Information")


def test_a_description_resolved_is_named_whole(assistant):
    answer = assistant.ask("Who said the network intends to refer the matter to the International Criminal Court?")
    assert answer.citations[0].paragraph == 35
    assert answer.reason.endswith("“The network says”, where “The network” is the Russia LGBT Network")  # not "“The”"


@pytest.mark.parametrize("question, paragraph, word, speaker", [
    ('Who said "without a UN Security Council referral"?', 35, "although", "the Russia LGBT Network"),
    ("Who said the court is unlikely to have jurisdiction?", 35, "although", "the Russia LGBT Network"),
    ("Who said hopes for accountability are dim?", 38, "but", SOKIRIANSKAIA),
])
def test_a_clause_the_writer_adds_after_reported_speech_is_not_the_speakers(assistant, question, paragraph, word,
                                                                            speaker):
    """"The network says it intends to refer the matter to the court, although without a UN Security
    Council referral it's unlikely …": "Who said …" was told the network said the part after "although"."""
    answer = assistant.ask(question)
    first = answer.citations[0]
    assert not answer.abstained and first.paragraph == paragraph and exact(assistant, first)
    assert f"(¶{paragraph}), after “{word}” in a sentence that reports what {speaker}" in answer.reason
    assert answer.reason.endswith(f"it does not say they are {speaker}'s words: they may be the writer's own")
    assert "attributes" not in answer.reason


def test_the_words_a_writer_sets_around_a_quotation_are_no_ones(assistant):
    """"… he wrote on Instagram, a popular platform for Kadyrov himself": the minister's words are the
    question before "he wrote"; the rest is the report's."""
    answer = assistant.ask("Who said Instagram is a popular platform for Kadyrov?")
    assert not answer.abstained and answer.citations[0].paragraph == 22 and exact(assistant, answer.citations[0])
    assert answer.reason == ("the source has these words (¶22) in its own narration, around its quotation of the "
                             "Chechen Minister for Information: it does not attribute them to anyone")
    checked = assistant.ask('Did the Chechen Minister for Information say "a popular platform for Kadyrov himself"?')
    assert checked.reason.startswith("the words “a popular platform for Kadyrov himself” are in the source word for "
                                     "word (¶22), not as anyone's words")
    # the quotation itself is still his, and "she says" around a quotation is an attribution, not narration
    assert "attributes them to the Chechen Minister" in assistant.ask(
        "Who said 'What reaction did you expect from militant mountain men'?").reason
    assert "narration" not in assistant.ask("Who said it is a real disaster?").reason


@pytest.mark.parametrize("question, speaker, paragraph", [
    ("Did Milashina say the federal government may intervene?", "Elena Milashina", 16),
    ("Did the minister say the editors are hysterical?", "Chechen Minister for Information", 21),
    # her own words that come closest, not the first of hers the ranker liked ("outrageous", ¶18)
    ("Did Sokirianskaia say that the federal government will intervene?", SOKIRIANSKAIA, 10),
])
def test_did_x_say_y_quotes_the_words_closest_to_y_that_the_source_gives_x(assistant, question, speaker, paragraph):
    answer = assistant.ask(question)
    first = answer.citations[0]
    assert not answer.abstained and (first.speaker, first.paragraph) == (speaker, paragraph) and exact(assistant, first)
    assert answer.reason.startswith("the source gives ")
    # her words closest to the claim never have "intervene" (Milashina's word): said, as the quote may not say it
    assert answer.reason.endswith("they do not have “intervene”: they may not say this" if speaker == SOKIRIANSKAIA
                                  else "compare them before quoting")


def test_did_x_say_y_says_so_when_the_source_gives_the_words_to_someone_else(assistant):
    answer = assistant.ask("Did Milashina say the situation is a real disaster?")
    assert answer.citations[0].speaker == SOKIRIANSKAIA and "real disaster" in answer.citations[0].quote
    assert answer.reason.startswith("the source gives Elena Milashina no words close to these; it gives the closest "
                                    f"to {SOKIRIANSKAIA} (¶9)")


def test_who_said_resolves_a_pronoun(assistant):
    answer = assistant.ask("Who said “It is a real disaster”?")
    first = answer.citations[0]
    assert first.speaker == SOKIRIANSKAIA and "she says" in answer.reason
    assert exact(assistant, first)


def test_unattributed_words_say_so(assistant):
    answer = assistant.ask("Who said 'invisible world government'?")
    assert answer.citations, answer
    first = answer.citations[0]
    assert first.speaker is None and "invisible world government" in first.quote
    assert "does not attribute these words" in answer.reason
    assert exact(assistant, first)


def test_reported_speech_is_marked(assistant):
    answer = assistant.ask("Who said it appears officials were using illegal detention centres?")
    first = answer.citations[0]
    assert first.quote_kind == "reported" and first.speaker == SOKIRIANSKAIA
    assert first.quote.startswith("Ms Sokirianskaia says it appears")
    # Ordinary answers mark reported speech too.
    answer = assistant.ask("How many requests for help has the network received?")
    assert answer.citations[0].quote_kind == "reported"
    assert answer.citations[0].speaker == "Russia LGBT Network"


def test_narration_has_no_speaker(assistant):
    answer = assistant.ask("Who rules Chechnya?")
    first = answer.citations[0]
    assert "ruled by" in first.quote and first.speaker is None and first.quote_kind is None


@pytest.mark.parametrize("question, speaker, role", [
    ("What did the journalist say?", "Elena Milashina", "the journalist behind the initial newspaper report"),
    ("What did the reporter say about the federal government?", "Elena Milashina",
     "the journalist behind the initial newspaper report"),
    ("What did the Crisis Group director say about Putin?", SOKIRIANSKAIA,
     "Russia Project Director with the International Crisis Group"),
])
def test_a_speaker_asked_for_by_how_the_source_describes_them(assistant, question, speaker, role):
    answer = assistant.ask(question)
    assert not answer.abstained and all(c.speaker == speaker for c in answer.citations)
    assert f"attributed to {speaker}, whom the source describes as “{role}”" in answer.reason
    assert all(exact(assistant, c) for c in answer.citations)
    if "Putin" in question:
        assert "Putin" in answer.citations[0].quote


@pytest.mark.parametrize("question", ["What did the expert tell SBS?", "What did the analyst say about Putin?"])
def test_the_expert_is_the_speaker_who_studies_the_matter(assistant, question):
    """"The expert" was declined ("the source describes no one it quotes as …"): the article calls
    Sokirianskaia "Russia Project Director with the International Crisis Group", a director outside
    government, which is whom a journalist means by the expert; the minister and the journalist are not."""
    answer = assistant.ask(question)
    assert not answer.abstained and all(c.speaker == SOKIRIANSKAIA for c in answer.citations)
    assert "whom the source describes as “Russia Project Director with the International Crisis Group”" in answer.reason
    if "Putin" in question:
        assert "Putin" in answer.citations[0].quote


def test_a_description_that_fits_no_speaker_says_whom_the_source_quotes(assistant):
    answer = assistant.ask("What did the lawyer say about Putin?")
    assert answer.abstained and answer.citations == []  # never a guess at who "the lawyer" is
    assert answer.reason.startswith("the source describes no one it quotes as “the lawyer”; it quotes ")
    assert all(name in answer.reason for name in (SOKIRIANSKAIA, "Elena Milashina", "Russia LGBT Network"))
    assert "others" not in answer.reason  # five speakers: every one named


def test_nobody_of_that_name_is_quoted(assistant):
    answer = assistant.ask("What did Jane Doe say?")
    assert answer.abstained and answer.citations == []
    assert answer.reason == "the source quotes no one named Jane Doe"
    assert answer.confidence < answer.threshold and answer.closest


@pytest.mark.parametrize("question", [
    "What did Putin say?",
    # the minister's words answer in Kadyrov's name only if the question is not read as a speaker's
    "What did Kadyrov himself say in response to the newspaper?",
])
def test_mentioned_but_never_quoted_abstains_without_other_speakers_words(assistant, question):
    answer = assistant.ask(question)
    name = question.split()[2]
    assert answer.abstained and f"mentions {name} but quotes no words" in answer.reason


def test_another_storys_teaser_reports_only_those_it_names(assistant):
    """"What did the US State Department spokesman say?" had been answered with the teaser "US ‘disturbed’
    over …" as narration reporting them; a teaser that names whom it reports still does."""
    spokesman = assistant.ask("What did the US State Department spokesman say about Chechnya?")
    assert spokesman.abstained and not spokesman.citations
    denialists = assistant.ask("What do AIDS denialists claim about the evidence of HIV's existence?")
    assert not denialists.abstained and denialists.citations[0].section == "teaser"
    assert denialists.reason == "the source quotes no words of AIDS denialists; these passages report them"


def test_narration_reporting_a_group_still_answers(assistant):
    answer = assistant.ask("What did Chechen spokespeople say about gay people?")
    assert not answer.abstained
    assert "denied that gay people exist" in answer.citations[0].quote
    assert all(c.speaker is None for c in answer.citations)  # never someone else's words


def test_seed_questions_still_answer_from_the_pipeline(assistant):
    # "Who wrote the SBS report?" is not a quotation: it falls through to ordinary retrieval.
    answer = assistant.ask("Who wrote the SBS report?")
    assert answer.reason is None or "attribute" not in answer.reason


def test_speaker_detection_rarely_fires_on_squad_questions():
    from retrieval.quotes import parse_speaker_question

    tune = Path(ROOT).parent / "shared" / "benchmarks" / "squad-v2" / "tune.json"
    if not tune.exists():
        pytest.skip("SQuAD tune file not available")
    data = json.loads(tune.read_text(encoding="utf-8"))["data"]
    questions = [qa["question"] for a in data for p in a["paragraphs"] for qa in p["qas"]][:2000]
    fired = sum(parse_speaker_question(q) is not None for q in questions)
    assert fired / len(questions) < 0.01
    assert parse_speaker_question("Who ruled the Yuan dynasty?") is None


def test_ledger_is_one_per_document_and_exact(assistant):
    ledger = assistant.ledger()
    assert ledger and ledger == assistant.ledger("sbs-2017-04-19-chechnya")
    assert all(exact(assistant, e.citation) for e in ledger)
    assert {e.speaker for e in ledger} >= {SOKIRIANSKAIA, "Elena Milashina", "Russia LGBT Network"}


# -- stale sources ---------------------------------------------------------------------------------

def test_citations_of_a_changed_source_are_stale_with_indexed_offsets(tmp_path: Path):
    from retrieval import Assistant, IndexStaleError, Retriever, build_index

    source = tmp_path / ARTICLE.name
    shutil.copy(ARTICLE, source)
    build_index([source], tmp_path / "index")
    fresh = Assistant.load(tmp_path / "index")
    before = fresh.ask("How many requests for help has the network received?")
    assert not any(c.stale for c in before.citations)

    original = source.read_text(encoding="utf-8")
    source.write_text("A correction was added at the top.\n\n" + original, encoding="utf-8")

    with pytest.raises(IndexStaleError, match="rebuild"):
        Retriever.load(tmp_path / "index", allow_stale=False)
    stale = Assistant.load(tmp_path / "index")
    assert stale.retriever.stale_docs == {ARTICLE.stem}
    after = stale.ask("How many requests for help has the network received?")
    assert after.citations and all(c.stale for c in after.citations)
    first = after.citations[0]
    # The offsets are those of the indexed text, not of the edited file, and the citation says so.
    assert first.source_sha256 == before.citations[0].source_sha256
    assert stale.documents[first.doc_id].text[first.start:first.end] == first.quote
    assert source.read_text(encoding="utf-8")[first.start:first.end] != first.quote
    # Answers from the quote ledger are flagged too.
    said = stale.ask("What did Sokirianskaia say?")
    assert said.citations and all(c.stale for c in said.citations)
    who = stale.ask("Who said 'All it would take is a phone call from Putin'?")
    assert who.citations[0].stale and who.citations[0].speaker == SOKIRIANSKAIA


@pytest.mark.parametrize("question", [
    "What is the name of the Chechen Minister for Information?",
    "Who is the minister?",
    "What's the name of the Chechen information minister?",  # a journalist's review: it had been answered
])
def test_a_speaker_quoted_by_role_alone_is_not_named(assistant, question):
    # the minister's sentences rank first, but none of them gives a name
    answer = assistant.ask(question)
    assert answer.abstained and not answer.citations and answer.closest
    assert answer.reason == ("the source does not name the Chechen Minister for Information: "
                             "it quotes them by role alone")
    assert answer.confidence < assistant.threshold


def test_a_role_the_source_gives_a_name_is_not_declined(tmp_path: Path, fake_embedder):
    from retrieval import Assistant, build_index

    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "council.txt").write_text(
        "The council met on Monday. The Mayor of Springfield says the bridge will be rebuilt by June.\n\n"
        "Jane Doe, the transport minister, said the money was ready. “The bridge is our first job,” "
        "Ms Doe said.\n\nThe Transport Minister says the plan is sound.\n", encoding="utf-8")
    build_index([tmp_path / "src"], tmp_path / "index", embedder=fake_embedder)
    assistant = Assistant.load(tmp_path / "index", embedder=fake_embedder)
    kinds = {e.speaker: e.speaker_kind for e in assistant.ledger()}
    assert kinds == {"Mayor of Springfield": "role", "Jane Doe": "person", "Transport Minister": "role"}
    unnamed = assistant.ask("What is the name of the mayor?")
    assert unnamed.abstained
    assert unnamed.reason == "the source does not name the Mayor of Springfield: it quotes them by role alone"
    # quoted by role once, but the source also names the transport minister: Jane Doe
    named = assistant.ask("What is the name of the transport minister?")
    assert "does not name" not in (named.reason or "")


@pytest.mark.parametrize(("question", "reason", "mentioned"), [
    ("Who is the prosecutor leading the federal investigation?",
     "the source names no one as the prosecutor: it mentions the post (¶15) without a name", "prosecutors"),
    # "Spokespeople for the Chechen leader" (¶19): the post, but whether his is not for a rule to say
    ("Name of Kadyrov's spokesman?", "the source names no one as Kadyrov's spokesman", None),
    ("What is the name of Novaya Gazeta's editor-in-chief?",
     "the source names no one as Novaya Gazeta's editor-in-chief: it mentions the post (¶20) without a name",
     "Editors of Novaya Gazeta"),
    ("Which US official expressed concern about the reports?", "the source names no one as the US official", None),
])
def test_a_post_the_source_mentions_without_a_name_is_not_answered_with_another_name(assistant, question, reason,
                                                                                     mentioned):
    # "Federal Russian prosecutors announced … the journalist …, Elena Milashina": a name, not the prosecutor's
    answer = assistant.ask(question)
    assert answer.abstained and not answer.citations
    assert answer.reason == reason
    assert answer.confidence < assistant.threshold
    if mentioned:
        assert mentioned in answer.closest[0].quote


@pytest.mark.parametrize("question, named", [
    ("Which journalist broke the story?", "Elena Milashina"),
    ("Who is the reporter behind the initial newspaper report?", "Elena Milashina"),
    ("What is the name of the International Crisis Group official quoted in the piece?", "Ekaterina Sokirianskaia"),
])
def test_a_post_the_source_names_someone_as_is_answered(assistant, question, named):
    answer = assistant.ask(question)
    assert not answer.abstained and "names no one" not in (answer.reason or "")
    assert named in answer.citations[0].quote


@pytest.mark.parametrize("question", [
    "How did the minister describe his own people in his online post?",
    "How did the minister describe the Chechen men whose reaction was expected?",
])
def test_a_speakers_most_relevant_words_come_first_however_sure_the_attribution(assistant, question):
    # "he wrote on Instagram" (attribution 0.9) had put his words about the editors, that he "says" (1.0), first
    first = assistant.ask(question).citations[0]
    assert "militant mountain men" in first.quote and first.speaker == "Chechen Minister for Information"


def test_a_quotations_score_is_mostly_its_relevance():
    from retrieval.answer import route_score

    assert route_score(0.6, 0.9) > route_score(0.56, 1.0)  # relevance first
    assert route_score(0.5, 1.0) > route_score(0.5, 0.8)   # then the attribution
    assert route_score(1.0, 1.0) == 1.0 and route_score(0.0, 0.0) == pytest.approx(0.16)
    # words of theirs about nothing asked stay under the chat's bar for quotes after the first (a journalist in the
    # browser: 8 of 9 quotes under "What did Sokirianskaia say about the government's response?" were off the topic)
    assert route_score(0.0, 1.0) < 0.25 <= route_score(0.07, 1.0)


ARREST_REPORT = ("A man was arrested in Springfield on Monday.\n\nA police spokesman said the investigation was "
                 "continuing.\n\nDetective Inspector Jane Roe said the man would be charged on Tuesday.\n")


def test_a_post_with_no_name_on_any_news_page(tmp_path: Path, fake_embedder):
    from retrieval import Assistant, build_index

    for name, text in (("news", "Arrest in Springfield\nA man was arrested.\nJane Citizen\n\n"
                                "3 Mar 2021 - 09:15 AM  UPDATED 3 Mar 2021 - 10:02 AM\n\n" + ARREST_REPORT),
                       ("plain", ARREST_REPORT)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "arrest.txt").write_text(text, encoding="utf-8")
        build_index([tmp_path / name], tmp_path / f"index-{name}", embedder=fake_embedder)
    news = Assistant.load(tmp_path / "index-news", embedder=fake_embedder)
    unnamed = news.ask("Who is the police spokesman?")
    assert unnamed.abstained
    assert unnamed.reason == "the source names no one as the police spokesman: it mentions the post (¶6) without a name"
    assert unnamed.closest[0].quote == "A police spokesman said the investigation was continuing."
    named = news.ask("Who is the detective inspector?")
    assert "names no one" not in (named.reason or "")
    assert any("Jane Roe" in c.quote for c in named.citations + named.closest)
    # plain text names people by post in too many ways to tell ("… under Rollo"): not declined so
    plain = Assistant.load(tmp_path / "index-plain", embedder=fake_embedder).ask("Who is the police spokesman?")
    assert "names no one" not in (plain.reason or "")


def test_a_speakers_words_in_the_body_come_before_the_summarys_restatement(assistant):
    about = assistant.ask("What does the network say about the abuse?", k=3).citations
    assert about[0].section == "body" and "arrests, torturing and honour killing" in about[0].quote
    assert about[1].section == "standfirst" and about[1].score == about[0].score
    everything = assistant.ask("What did the Russia LGBT Network say?", k=5).citations
    sections = [c.section for c in everything if c.quote_kind == "reported"]
    assert sections.index("body") < sections.index("standfirst")
    assert everything[0].quote_kind == "direct"  # direct quotes still first


@pytest.mark.parametrize("question", [
    "Who is quoted in the article?", "List everyone quoted", "Who are the sources?", "How many people are quoted?",
])
def test_who_is_quoted_lists_every_speaker_once_in_text_order(assistant, question):
    """The ranker gave a random sentence ("Who is quoted in the article?" got one of Ms Milashina's)."""
    answer = assistant.ask(question, k=10)
    assert not answer.abstained
    speakers = [c.speaker for c in answer.citations]
    assert speakers == ["Russia LGBT Network", SOKIRIANSKAIA, "Elena Milashina",
                        "Chechen Minister for Information", "International Crisis Group"]
    assert all(c.section == "body" and exact(assistant, c) for c in answer.citations)
    assert [c.start for c in answer.citations] == sorted(c.start for c in answer.citations)
    assert answer.reason.startswith("the source quotes 5 speakers: the Russia LGBT Network, Ekaterina Sokirianskaia, "
                                    "Elena Milashina, the Chechen Minister for Information and the "
                                    "International Crisis Group")


def test_who_is_quoted_honours_k_and_says_how_many_are_left_out(assistant):
    answer = assistant.ask("Who is quoted?", k=2)
    assert len(answer.citations) == 2 and answer.reason.endswith("; the first 2 are listed")


@pytest.mark.parametrize("question", [
    "Give me a quote from Milashina", "Quote Elena Milashina", "Any quotes from Milashina?",
])
def test_more_ways_to_ask_for_a_speakers_quotes(assistant, question):
    answer = assistant.ask(question, k=10)
    assert not answer.abstained and answer.citations
    assert all(c.speaker == "Elena Milashina" for c in answer.citations)


@pytest.mark.parametrize("question", ["Did Kadyrov comment?", "Has the Kremlin responded to the reports?"])
def test_did_x_comment_is_a_speaker_question(assistant, question):
    """Before, "Did Kadyrov comment?" got the information minister's words through the ranker."""
    answer = assistant.ask(question)
    assert answer.abstained and "but quotes no words of theirs" in answer.reason
    assert answer.citations == []


@pytest.mark.parametrize("question, about, instead", [
    ("What does Milashina say about Putin?", "Putin", "Ekaterina Sokirianskaia on that (¶11)"),
    ("What did Elena Milashina say about the mountain men being insulted?", "the mountain men being insulted",
     "the Chechen Minister for Information on that (¶22)"),
])
def test_a_speaker_quoted_on_other_things_only_is_not_answered_for_the_topic(assistant, question, about, instead):
    """Her quotes came back at 0.72, none of them about what was asked; who is quoted on it is said."""
    answer = assistant.ask(question)
    assert answer.abstained and answer.citations == []
    assert answer.reason == f"the source quotes Elena Milashina, but none of their words is about {about}; " \
                            f"it quotes {instead}"
    assert answer.closest and all(c.speaker == "Elena Milashina" for c in answer.closest)


@pytest.mark.parametrize("question, reason", [
    # a journalist's review: each had been answered with someone else's words and nothing said
    ("What did Kadyrov write on Instagram?", "the source mentions Kadyrov but quotes no words of theirs; it quotes "
                                             "the Chechen Minister for Information on that (¶22)"),
    ("What did Milashina tell supporters via email?",
     "the source quotes Elena Milashina, but none of their words is about email; it quotes the Russia LGBT Network "
     "on that (¶31)"),
    # "she" is no word of the topic: it had matched every "she says"
    ("What did Sokirianskaia say about the death threats she received?",
     "the source quotes Ekaterina Sokirianskaia, but none of their words is about the death threats she received; "
     "it quotes Elena Milashina on that (¶15)"),
])
def test_words_asked_of_one_speaker_that_another_said_are_declined_naming_the_other(assistant, question, reason):
    answer = assistant.ask(question)
    assert answer.abstained and not answer.citations
    assert answer.reason == reason


def test_narration_reports_a_speaker_only_when_it_names_them(assistant):
    """"Editors of Novaya Gazeta have accused Chechen authorities …" had been given as what Kadyrov said."""
    answer = assistant.ask("What did Kadyrov say about the Novaya Gazeta editors?")
    assert answer.abstained and not answer.citations
    assert answer.reason.startswith("the source mentions Kadyrov but quotes no words of theirs; it quotes the "
                                    "Chechen Minister for Information on that (¶21)")
    representatives = assistant.ask("What did the Chechen leader's representatives claim about gay people?")
    assert not representatives.abstained and "Spokespeople for the Chechen leader" in representatives.citations[0].quote


def test_a_topic_named_beside_the_quote_counts(assistant):
    """"… he wrote on Instagram": the topic is in the quote's sentence, not inside its quote marks;
    "What did the minister write on Instagram?" was declined as about something he never said."""
    answer = assistant.ask("What did the minister write on Instagram?")
    assert not answer.abstained
    assert answer.citations[0].quote.startswith("What reaction did you expect from militant mountain men")
    assert answer.citations[0].speaker == "Chechen Minister for Information"


def test_a_speakers_quotes_on_the_topic_still_answer(assistant):
    answer = assistant.ask("What did Sokirianskaia say about Putin?")
    assert not answer.abstained and "Putin" in answer.citations[0].quote


def test_who_is_quoted_lists_only_speakers_whose_attribution_reports_speech(tmp_path: Path, fake_embedder):
    """An encyclopedia's "the Normans maintained a distinct culture" gives the ledger a "speaker" but
    reports no speech: on a Wikipedia article "Who is quoted?" listed "Normans, Crusader, Armenian, …"."""
    from retrieval import Assistant, build_index

    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "normans.txt").write_text(
        "The Normans maintained a distinct culture and ethnicity. Robert continued his campaign in the "
        "Balkans.\n\nThe Armenian state lay further south.\n", encoding="utf-8")
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "council.txt").write_text(
        "The council met on Monday. “The bridge is our first job,” Jane Doe said.\n", encoding="utf-8")
    for name in ("src", "news"):
        build_index([tmp_path / name], tmp_path / f"index-{name}", embedder=fake_embedder)
    encyclopedia = Assistant.load(tmp_path / "index-src", embedder=fake_embedder)
    # the quote ledger's guesses ("the Normans maintained" read as an attribution) are not kept: no
    # citation names a speaker (one did, "[Crusader]", for "the Crusader states")
    assert not any(e.speaker for e in encyclopedia.ledger())
    maintained = encyclopedia.ask("What did the Normans maintain?", k=3)
    assert all(c.speaker is None for c in maintained.citations + maintained.closest)
    answer = encyclopedia.ask("Who is quoted?")
    assert answer.abstained and answer.reason == "the source quotes no one it names"
    news = Assistant.load(tmp_path / "index-news", embedder=fake_embedder).ask("Who is quoted?")
    assert not news.abstained and [c.speaker for c in news.citations] == ["Jane Doe"]


BRIDGE_PAGE = """Council approves new bridge after years of delays
The city council has voted to build a new pedestrian bridge over the Yarra River.
Jane Citizen

3 Mar 2021 - 09:15 AM  UPDATED 3 Mar 2021 - 10:02 AM

The city council voted 7 to 2 on Tuesday night to approve a $40 million pedestrian bridge.

Mayor Sally Capp said the bridge would "transform how people move through the city".

Professor Tom Reed, an urban planning researcher at the University of Melbourne, said the design was sound.

“Projects like this almost always run over budget,” he said.

Victoria Police spokesman Mark Jones said officers would patrol the bridge at night once it opened.

The council says it received more than 1,200 submissions during public consultation.
"""


@pytest.fixture(scope="module")
def bridge(tmp_path_factory):
    from retrieval import Assistant, build_index
    from retrieval.embedding import FakeEmbedder

    root = tmp_path_factory.mktemp("bridge")
    (root / "src").mkdir()
    (root / "src" / "bridge.txt").write_text(BRIDGE_PAGE, encoding="utf-8")
    build_index([root / "src"], root / "index", embedder=FakeEmbedder(64))
    return Assistant.load(root / "index", embedder=FakeEmbedder(64))


@pytest.mark.parametrize("question, speaker", [
    ("What did the professor say?", "Professor Tom Reed"),  # the title his name opens with
    ("What did the expert say?", "Professor Tom Reed"),  # a researcher at a university
    ("What did the police say?", "Mark Jones"),  # who speaks for them
    ("What did the mayor say?", "Sally Capp"),
])
def test_speakers_of_another_page_by_how_a_journalist_names_them(bridge, question, speaker):
    """Another page than the article: "What did the professor say?" got "the source mentions the
    professor but quotes no words of theirs", "What did the police say?" the same."""
    answer = bridge.ask(question)
    assert not answer.abstained and {c.speaker for c in answer.citations} == {speaker}


def test_another_pages_headline_byline_and_organisation_speaker(bridge):
    assert bridge.documents["bridge"].title == "Council approves new bridge after years of delays"
    answer = bridge.ask("Who wrote the article?")
    assert answer.citations[0].section == "byline" and answer.citations[0].quote == "Jane Citizen"
    council = bridge.ask("What did the council say?")
    assert council.reason.startswith("1 quotation attributed to the council")  # not "The council"


def test_a_source_edited_while_loaded_is_stale_and_found_from_any_folder(tmp_path: Path, monkeypatch):
    """A developer's review: `stale` was judged once, at load, and from source paths read against the
    current folder, so an app run elsewhere, or a server whose sources were edited, never saw a change."""
    from retrieval import Assistant, IndexStaleError, Retriever, build_index

    project = tmp_path / "project"
    (project / "docs").mkdir(parents=True)
    shutil.copy(ARTICLE, project / "docs" / ARTICLE.name)
    monkeypatch.chdir(project)
    build_index([Path("docs")], Path("index"))  # relative paths, as a user types them
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    loaded = Assistant.load(project / "index")
    question = "How many requests for help has the network received?"
    assert not any(c.stale for c in loaded.ask(question).citations)

    source = project / "docs" / ARTICLE.name
    source.write_text("A correction was added at the top.\n\n" + ARTICLE.read_text(encoding="utf-8"), encoding="utf-8")
    assert loaded.retriever.refresh_stale(min_interval=0.0) == {ARTICLE.stem}  # no reload needed
    assert all(c.stale for c in loaded.ask(question).citations)
    assert all(c.stale for c in loaded.ask("What did Sokirianskaia say?").citations)  # the ledger too
    with pytest.raises(IndexStaleError, match=f"index {re.escape(os.path.relpath(project / 'docs'))}"):
        Retriever.load(project / "index", allow_stale=False)  # from another folder, with a hint that works there

    shutil.copy(ARTICLE, source)  # put back: no longer stale
    assert loaded.retriever.refresh_stale(min_interval=0.0) == {ARTICLE.stem}
    assert not any(c.stale for c in loaded.ask(question).citations)


HARBOUR = (
    "Harbour bridge to close for repairs\n\n"
    "“We cannot keep the bridge open safely until the cables are replaced,” said Mayor Thomas Green, who chairs "
    "the council's works committee. He said the repairs would cost about $4.2 million.\n\n"
    "Ferries will run every twenty minutes during the closure.\n\n"
    "Mr Green said the council had considered keeping one lane open. “Safety comes first,” he said.\n"
)


def test_a_speaker_asked_for_by_title_and_surname_and_a_quote_sentence_with_its_attribution(tmp_path: Path,
                                                                                           fake_embedder):
    """A developer's review: "What did Mayor Green say?" got "the source quotes no words of Mayor Green", and
    the sentence "“We cannot …,” said Mayor Thomas Green, who chairs …" was cited with no speaker (the quote
    marks held 49.6% of it)."""
    from retrieval import Assistant, build_index
    from retrieval.quotes import attribute_span

    (tmp_path / "harbour.txt").write_text(HARBOUR, encoding="utf-8")
    build_index([tmp_path / "harbour.txt"], tmp_path / "index", embedder=fake_embedder)
    assistant = Assistant.load(tmp_path / "index", embedder=fake_embedder)
    answer = assistant.ask("What did Mayor Green say?")
    assert not answer.abstained and answer.reason.startswith("4 quotations attributed to Thomas Green")
    start = HARBOUR.index("“We cannot")
    end = HARBOUR.index("committee.") + len("committee.")
    assert attribute_span(assistant.ledger(), start, end) == ("Thomas Green", "direct")
    ferries = HARBOUR.index("Ferries")
    assert attribute_span(assistant.ledger(), ferries, HARBOUR.index("closure.") + 8) is None
    assert not assistant.ask("What did Mayor Smith say?").citations  # the title alone names no one


def test_a_page_part_asked_of_several_sources_says_which_it_gives_and_that_others_have_one(tmp_path: Path,
                                                                                         fake_embedder):
    """A developer's review: "Summarize the article" over several sources picked one without a word."""
    from retrieval import Assistant, build_index

    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "harbour.txt").write_text(HARBOUR, encoding="utf-8")
    (tmp_path / "src" / "ferries.txt").write_text(
        "Ferries return to the north shore\n\nFerries will run again from Monday, the operator said.\n",
        encoding="utf-8")
    build_index([tmp_path / "src"], tmp_path / "index", embedder=fake_embedder)
    assistant = Assistant.load(tmp_path / "index", embedder=fake_embedder)
    answer = assistant.ask("Summarize the article")
    assert not answer.abstained
    assert answer.reason.endswith("; 2 of the indexed sources have one: name the one you mean (its title or headline)")


def test_who_is_quoted_over_several_sources_says_which_one(tmp_path: Path, fake_embedder):
    """A developer's review: over three documents, "Who is quoted?" named one document's speaker as if it were
    all; "Who is quoted in the council article?" fell to the ordinary search."""
    from retrieval import Assistant, build_index

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "harbour.txt").write_text(HARBOUR, encoding="utf-8")
    (tmp_path / "docs" / "cafe.txt").write_text(
        "Cafe opens on the square\n\n“We bake everything here,” said Lea Dubois, the owner.\n", encoding="utf-8")
    build_index([tmp_path / "docs"], tmp_path / "index", embedder=fake_embedder)
    assistant = Assistant.load(tmp_path / "index", embedder=fake_embedder)
    answer = assistant.ask("Who is quoted in the harbour story?")
    assert answer.reason.startswith("in “Harbour bridge to close for repairs”, the source quotes 1 speaker: "
                                    "Thomas Green")
    assert "name the one you mean" not in answer.reason  # it was named
    assert {c.speaker for c in answer.citations} == {"Thomas Green"}
    (tmp_path / "docs" / "manual.txt").write_text(  # a source that quotes no one, which the search may rank first
        "Kettle manual\n\nFill the kettle to the line and press the switch. Descale it every month.\n",
        encoding="utf-8")
    build_index([tmp_path / "docs"], tmp_path / "index", embedder=fake_embedder)
    everyone = Assistant.load(tmp_path / "index", embedder=fake_embedder).ask("Who is quoted?")
    assert not everyone.abstained and {c.speaker for c in everyone.citations} <= {"Thomas Green", "Lea Dubois"}
    assert everyone.reason.endswith("; 1 other source found quotes people too: name the one you mean (its title)")


FOOTBRIDGE = (
    "Footbridge for the river town\n\n"
    "The town council approved plans for a new footbridge on Monday.\n\n"
    "“This bridge will change how people move through the town,” said Tomás Ibáñez, the council's planning "
    "director.\n\n"
    "“We have waited years for this,” said Léa Dubois, who chairs the residents' association.\n\n"
    "The design was first sketched by Zoë Kühn, who has since retired.\n\n"
    "According to the firm's lead engineer, Priya Raman, the bridge will be 84 metres long.\n\n"
    "Traffic on the old crossing will be diverted during the works, according to police.\n\n"
    "Local baker Otto Fischer said he hoped the bridge would bring more customers.\n\n"
    "Greta Lind and her husband said they would cross it every day.\n\n"
    "The ferry run by Jonas Falk will stop when the bridge opens.\n"
)


def _page_assistant(tmp_path_factory, name: str, text: str):
    """An assistant over one page, `name`.txt, indexed with the fake embedder."""
    from retrieval import Assistant, build_index
    from retrieval.embedding import FakeEmbedder

    root = tmp_path_factory.mktemp(name)
    (root / f"{name}.txt").write_text(text, encoding="utf-8")
    build_index([root / f"{name}.txt"], root / "index", embedder=FakeEmbedder(64))
    return Assistant.load(root / "index", embedder=FakeEmbedder(64))


@pytest.fixture(scope="module")
def footbridge(tmp_path_factory):
    return _page_assistant(tmp_path_factory, "footbridge", FOOTBRIDGE)


@pytest.mark.parametrize("question, speaker", [
    ("What did Tomas Ibanez say?", "Tomás Ibáñez"),
    ("What did Ibanez say?", "Tomás Ibáñez"),
    ("What did Lea Dubois say?", "Léa Dubois"),
    ("What did Lea say?", "Léa Dubois"),
])
def test_a_name_typed_without_its_accents_finds_the_speaker(footbridge, question, speaker):
    """A developer's review: these were declined with "the source quotes no one named Tomas Ibanez", which is
    false; the reply names the speaker as the source spells the name."""
    answer = footbridge.ask(question)
    assert not answer.abstained and {c.speaker for c in answer.citations} == {speaker}
    assert answer.reason.startswith(f"1 quotation attributed to {speaker}")


@pytest.mark.parametrize("question", ["What did Zoe Kuhn say?", "what did zoe kuhn say?", "Is Zoe Kuhn quoted?"])
def test_a_name_mentioned_with_accents_is_mentioned_as_the_source_spells_it(footbridge, question):
    """Typed without accents, in capitals or not (the dictionary knows "zoe" and "kuhn"), the name is the one the
    source mentions, not one it "quotes no one named"."""
    reason = footbridge.ask(question).reason
    assert "Zoë Kühn" in reason and "no one named" not in reason


@pytest.mark.parametrize("question, speaker", [
    ("What did Priya Raman say?", "Priya Raman"),
    ("What did the engineer say?", "Priya Raman"),  # as the source describes her
    ("What did the police say?", "police"),
])
def test_according_to_is_reported_speech(footbridge, question, speaker):
    """A developer's review: "What did Priya Raman say?" got "the source mentions Priya Raman but quotes no words
    of theirs" of “According to the firm's lead engineer, Priya Raman, the bridge will be 84 metres long.”"""
    answer = footbridge.ask(question)
    assert not answer.abstained and {c.speaker for c in answer.citations} == {speaker}
    assert {c.quote_kind for c in answer.citations} == {"reported"}
    assert answer.reason.startswith(f"1 quotation attributed to {speaker}")


def test_the_title_before_a_speakers_name_finds_them(footbridge):
    """A developer's review: "What did the baker say?" of "Local baker Otto Fischer said he hoped …" got "the
    source mentions the baker but quotes no words of theirs"."""
    answer = footbridge.ask("What did the baker say?")
    assert not answer.abstained and {c.speaker for c in answer.citations} == {"Otto Fischer"}
    assert "“Local baker”" in answer.reason


def test_a_speaker_the_ledger_missed_is_not_said_to_be_quoted_nowhere(footbridge):
    """A developer's review: a name the ledger knows as no speaker, in a sentence that reports speech ("Greta Lind
    and her husband said …"), got "the source mentions Greta Lind but quotes no words of theirs", which is false;
    the reply says the sentence may report their words, and lists it first."""
    answer = footbridge.ask("What did Greta Lind say?")
    assert "quotes no words of theirs" not in answer.reason
    assert answer.reason.startswith("the source mentions Greta Lind, and a sentence that names them reports speech")
    first = (answer.citations or answer.closest)[0]
    assert first.quote == "Greta Lind and her husband said they would cross it every day."
    # named without a speech verb: the source does quote no words of theirs
    assert footbridge.ask("What did Jonas Falk say?").reason.startswith(
        "the source mentions Jonas Falk but quotes no words of theirs")


def test_a_reaction_in_plain_text_is_left_to_the_narration(tmp_path: Path, fake_embedder):
    """"How did King Louis XV respond to British plans?" of an encyclopedia asks what he did: it had been declined
    as "the source quotes no one named King Louis XV" (seen in the SQuAD test report; "react" had been handled)."""
    from retrieval import Assistant, build_index

    (tmp_path / "war.txt").write_text(
        "In 1754 the British planned forts along the Ohio. King Louis XV answered the British plans by sending "
        "troops to Fort Duquesne. The governor said the forts were needed.\n", encoding="utf-8")
    build_index([tmp_path / "war.txt"], tmp_path / "index", embedder=fake_embedder)
    assistant = Assistant.load(tmp_path / "index", embedder=fake_embedder)
    assert assistant.plain("war")
    for question in ("How did King Louis XV respond to British plans?", "How did King Louis XV react?"):
        answer = assistant.ask(question)
        assert "quotes no one named" not in (answer.reason or "") and "no words of" not in (answer.reason or "")


@pytest.mark.parametrize("question, reason, first", [
    # someone else's words in the first quote: Milashina said she would stay (a journalist's review)
    ("Why did Sokirianskaia say she would stay in Russia despite death threats?",
     "the source quotes Ekaterina Sokirianskaia, but not saying this: the first passage listed (¶15) gives Elena "
     "Milashina's words", "Federal Russian prosecutors announced"),
    ("Why did Human Rights Watch say the concentration camp reports were exaggerated?",
     "the source quotes no one named Human Rights Watch: the first passage listed (¶24) gives the International "
     "Crisis Group's words", "The International Crisis Group says"),
    # a quotation that names them is still its speaker's: Sokirianskaia's words on the Crisis Group
    ("What did the International Crisis Group tell supporters by email?",
     "the source quotes the International Crisis Group, but not saying this: the first passage listed (¶38) gives "
     "Ekaterina Sokirianskaia's words", "Ms Sokirianskaia says the International Crisis Group supports"),
    # their words, but none about it; another's hold it all
    ("What did Sokirianskaia tell Novaya Gazeta?",
     "the source quotes Ekaterina Sokirianskaia, but their words do not have all of “Novaya Gazeta”: Elena "
     "Milashina's do (¶16)", "Ms Milashina, who writes for Novaya Gazeta"),
    ("What did Milashina say about the Chechen government's response being outrageous?",
     "the source quotes Elena Milashina, but their words do not have all of “the Chechen government's response "
     "being outrageous”: Ekaterina Sokirianskaia's do (¶18)", "Ms Sokirianskaia says the Chechen government"),
])
def test_words_asked_of_one_speaker_that_are_anothers_are_declined(assistant, question, reason, first):
    # each had been answered (0.45-0.96) with the other speaker's words and no note: a false premise taken as true
    answer = assistant.ask(question)
    assert answer.abstained and answer.confidence < answer.threshold and not answer.citations
    assert answer.reason == reason
    assert answer.closest[0].quote.startswith(first) and exact(assistant, answer.closest[0])


@pytest.mark.parametrize("question, first", [
    ("Why did the minister call the editors hysterical?", "The Chechen Minister for Information says"),
    ("Why did Milashina say she would stay in Russia?", "Federal Russian prosecutors announced"),  # with her words
    # narration that names them, not someone else's words
    ("Why did the Russia LGBT Network say it is evacuating people?", "The Russia LGBT Network has been evacuating"),
    ("When did prosecutors announce the investigation?", "Federal Russian prosecutors announced on Monday"),
    # a name with more than the source gives it, or a word after it (a code review)
    ("Why did Milashina of Novaya Gazeta say she would stay?", "Federal Russian prosecutors announced"),
    ("Why did Sokirianskaia later say the response was outrageous?", "Ms Sokirianskaia says the Chechen"),
    # a description the source's speaker may fit, though it never calls him so, or a source of no name
    ("Who is believed to be running the crackdown, according to witness accounts?", ""),
    ("What did the Chechen official call the editors of Novaya Gazeta?", "The Chechen Minister for Information says"),
])
def test_words_asked_of_their_own_speaker_are_answered(assistant, question, first):
    answer = assistant.ask(question)
    assert not answer.abstained and answer.citations[0].quote.startswith(first)
    assert "witness accounts" not in (answer.reason or "")  # no note that the quote is not "witness accounts's"


def test_an_outcome_asked_for_is_declined_when_the_source_tells_only_the_plan(assistant):
    # had been answered (0.52) with the network's intention, which a hurried reader takes for the court's decision
    answer = assistant.ask("What did the International Criminal Court find about Chechnya?")
    assert answer.abstained and answer.confidence < answer.threshold and not answer.citations
    assert answer.reason == ("the first passage listed (¶35) tells only of what is planned or announced (“intends "
                             "to”), not of an outcome: the source does not say what came of it")
    assert answer.closest[0].quote.startswith("The network says it intends to refer the matter")


@pytest.mark.parametrize("question, paragraph, maybe", [
    # had been answered (0.92, 0.84) as if it had happened (a fact-checker's review)
    ("When did the federal government intervene in Chechnya?", 16, "may intervene"),
    ("Why were the detention facilities emptied?", 13, "have to be emptied"),
])
def test_something_asked_as_done_is_declined_when_the_source_tells_it_only_as_possible(
        assistant, question, paragraph, maybe):
    answer = assistant.ask(question)
    assert answer.abstained and answer.confidence < answer.threshold and not answer.citations
    assert answer.reason == (f"the first passage listed (¶{paragraph}) tells of it only as what may, would or is to "
                             f"happen (“{maybe}”), not as done: the source does not say it happened")
    assert answer.closest[0].paragraph == paragraph


@pytest.mark.parametrize("question, first, absent", [
    # had been answered with the true figure, place or day and no word on the question's (a fact-checker's review)
    ("Why is the network sending victims to Kiev?", "“Since it is dangerous", "“Kiev”"),
    # what he posted (on Instagram) first, since "post" asks for his words (a journalist's review)
    ("What did the Chechen Minister for Information post on Twitter?", "What reaction did you expect", "“Twitter”"),
])
def test_a_detail_the_source_never_has_is_named_beside_the_answer(assistant, question, first, absent):
    answer = assistant.ask(question)
    assert not answer.abstained and answer.citations[0].quote.startswith(first)
    assert answer.reason.startswith(f"the source never has {absent}: check the quote against what the question "
                                    "takes for granted")


def test_a_detail_held_in_another_form_is_not_named(assistant):
    for question in ("What did the United States say about the reports?", "Why did Russian prosecutors announce "
                     "an investigation on Monday?"):
        assert "never has" not in (assistant.ask(question).reason or "")


@pytest.mark.parametrize("question", ["And what did Milashina say?", "Thanks. What did Milashina say?"])
def test_a_follow_up_is_read_without_its_opening_words(assistant, question):
    # "And what did Milashina say?" had been declined (0.35) where "What did Milashina say?" lists her quotes
    answer = assistant.ask(question)
    assert answer.question == question and answer.read_as == "What did Milashina say?"
    assert not answer.abstained and {c.speaker for c in answer.citations} == {"Elena Milashina"}


def test_a_deed_asked_of_one_body_and_told_in_anothers_words_is_declined(assistant):
    # "It says it has received “around 50” requests" is the network's: it had answered the question about the
    # International Crisis Group with no note (a journalist's check of the session's rules)
    answer = assistant.ask("Why did the International Crisis Group receive around 50 requests for help?")
    assert answer.abstained and answer.reason.startswith(
        "the source does not say this of the International Crisis Group: the first passage listed (¶34) gives the "
        "Russia LGBT Network's words")
    fair = assistant.ask("Why did the network receive around 50 requests?")
    assert not fair.abstained and "around 50" in fair.citations[0].quote


def test_a_decline_under_the_bar_says_what_the_question_takes_for_granted(assistant):
    # each had been declined with the generic reason alone (a journalist's check of the session's rules); "What did
    # the minister post on Twitter?" was one, and is now answered with what he posted, on Instagram, and the note
    friday = assistant.ask("What happened in Chechnya on Friday?")
    assert friday.abstained and friday.reason.endswith(
        "; the source never has “Friday”, which the question takes for granted")
    twitter = assistant.ask("What did the minister post on Twitter?")
    assert not twitter.abstained and twitter.reason.startswith("the source never has “Twitter”: check the quote")
    kremlin = assistant.ask("When did the Kremlin intervene?")  # "… the federal government may intervene", ¶16
    assert kremlin.abstained and kremlin.reason.startswith(
        "the closest passage (¶16) tells of it only as what may, would or is to happen (“may intervene”)")


def test_a_view_asked_of_someone_is_checked_for_what_it_is_about_not_for_the_view_verb(assistant):
    # "… does not have “expect” or “anyone” or “held”" had come with her words on accountability (a journalist);
    # dropping the note whenever her words held half the claim hid false premises ("… think Putin will resign?")
    answer = assistant.ask("Does Sokirianskaia expect anyone to be held accountable?")
    assert not answer.abstained and answer.citations[0].quote.startswith("Ms Sokirianskaia says the International")
    assert "“expect”" not in answer.reason and "“anyone”" not in answer.reason
    resign = assistant.ask("Does Sokirianskaia think Putin will resign?")
    assert "“resign”" in resign.reason and "“think”" not in resign.reason


def test_words_asked_of_someone_in_a_wh_question_that_narration_tells_are_noted(assistant):
    # "Spokespeople for the Chechen leader have denied …" had come with no note at all (a code review), then with
    # "… not words the source gives Putin", which a fact-checker read as granting that Putin denied it
    for name, where in (("Kadyrov", ""), ("Putin", " in Chechnya")):
        answer = assistant.ask(f"Why did {name} deny that gay people exist{where}?")
        assert answer.citations[0].quote.startswith("Spokespeople for the Chechen leader have denied")
        assert answer.reason == (f"the first quote is the writer's narration and does not name {name}: the source "
                                 "may not say this of them")


def test_narration_that_tells_nothing_said_or_done_does_not_stand_for_someones_words(assistant):
    # "Russia bans image of Vladimir Putin in drag …" had been given as "these passages report them" (a journalist)
    answer = assistant.ask("What did Putin say about the image of himself in drag?")
    assert answer.abstained and answer.reason == "the source mentions Putin but quotes no words of theirs"
    told = assistant.ask("What did prosecutors say?")  # "Federal Russian prosecutors announced …" does tell
    assert not told.abstained and told.citations[0].quote.startswith("Federal Russian prosecutors announced")


def test_words_asked_of_someone_by_according_to_that_are_anothers_are_declined(assistant):
    # "a real disaster" is Sokirianskaia's (¶9); it had been answered with her words (a fact-checker's review)
    answer = assistant.ask("According to Milashina, why is the situation 'a real disaster'?")
    assert answer.abstained and "the source quotes Elena Milashina, but not saying this" in answer.reason
    assert "gives Ekaterina Sokirianskaia's words" in answer.reason


def test_a_declined_premise_lists_the_other_speakers_words_once_and_no_more_quotes_than_asked(assistant):
    # the ¶9 quotation and its whole sentence had both been listed (a code review)
    answer = assistant.ask("Why did the Chechen minister say it was a real disaster?", k=3)
    assert answer.abstained and answer.closest[0].speaker == SOKIRIANSKAIA and len(answer.closest) <= 3
    spans = [(c.start, c.end) for c in answer.closest]
    assert all(a_end <= b_start or b_end <= a_start
               for i, (a_start, a_end) in enumerate(spans) for b_start, b_end in spans[i + 1:])


@pytest.mark.parametrize("question, reason", [
    # "It says it has received “around 50” requests …" is the network's (a fact-checker's review)
    ("How many requests for help has Human Rights Watch received?",
     "the source does not say this of Human Rights Watch: the first passage listed (¶34) gives the Russia LGBT "
     "Network's words, which do not name them"),
])
def test_what_someone_else_did_is_not_given_for_the_one_asked_about(assistant, question, reason):
    answer = assistant.ask(question)
    assert answer.abstained and answer.reason == reason and answer.closest[0].quote.startswith("It says it has")


@pytest.mark.parametrize("question, first", [
    ("How many requests for help has the Russia LGBT Network received?", "It says it has received"),
    ("What has Russia done to investigate the reports?", "Federal Russian prosecutors announced"),  # "Russian"
])
def test_what_the_one_asked_about_did_is_answered(assistant, question, first):
    answer = assistant.ask(question)
    assert not answer.abstained and answer.citations[0].quote.startswith(first)


def test_who_said_words_no_one_says_is_declined_though_a_quotation_shares_some(assistant):
    """A journalist's review: "Who said “the regime in Grozny is finished”?" was answered (0.67) with
    Sokirianskaia's "… leverage over the regime in Grozny" as "the closest words", putting words in her mouth."""
    answer = assistant.ask('Who said "the regime in Grozny is finished"?')
    assert answer.abstained and not answer.citations
    assert answer.reason.startswith("the source does not have the words “the regime in Grozny is finished” as "
                                    "written, nor words that mean the same: it quotes no one saying this")
    assert answer.closest[0].paragraph == 11  # listed, not as an answer
    # a misquote of words she did say keeps her name
    misquote = assistant.ask('Who said "all it takes is one call from Putin"?')
    assert not misquote.abstained and misquote.citations[0].speaker == SOKIRIANSKAIA


@pytest.mark.parametrize("question, paragraph", [
    ("Quote on impunity", 39),
    ("Quote about Sodom", 22),
])
def test_quote_on_a_topic_is_not_a_speaker(assistant, question, paragraph):
    """"Quote on impunity" had been declined as "the source mentions on impunity but quotes no words of theirs"."""
    answer = assistant.ask(question)
    assert not answer.abstained and answer.citations[0].paragraph == paragraph
    assert parse_speaker_question(question) is None
    assert parse_speaker_question("Quote Milashina on the investigation").target == "Milashina"


def test_what_else_did_someone_say_lists_their_quotes(assistant):
    """"What else did Milashina say?" had been declined (0.27) while "What did Milashina say?" listed her words."""
    answer = assistant.ask("What else did Milashina say?")
    assert not answer.abstained and {c.speaker for c in answer.citations} == {"Elena Milashina"}


@pytest.mark.parametrize("question, speaker", [
    # a journalist's review: both had been "the source quotes no words of …" or another speaker's words
    ("What did the Chechen official say about Novaya Gazeta editors?", "Chechen Minister for Information"),
    ("What does the journalist from Novaya Gazeta say about federal intervention?", "Elena Milashina"),
])
def test_a_speaker_asked_for_by_post_or_by_where_they_work(assistant, question, speaker):
    answer = assistant.ask(question)
    assert not answer.abstained and answer.citations[0].speaker == speaker
    # a post no one quoted holds stays unmatched
    assert assistant.ask("What did the Russian official say?").abstained


def test_a_claim_the_speakers_words_negate_is_flagged(assistant):
    """A journalist's review: "Did the Chechen minister say Chechens would attack the journalists?" was told only
    "words close to these … compare them before quoting", though ¶21 has "would not attack"."""
    answer = assistant.ask("Did the Chechen minister say Chechens would attack the journalists?")
    assert answer.citations[0].paragraph == 21
    assert answer.reason.endswith("they have “would not attack”, where the question has no negation: they may say "
                                  "the opposite")
    same = assistant.ask("Did the minister say Chechens would not attack unarmed people?")
    assert "negation" not in same.reason


def test_a_follow_up_with_a_pronoun_is_declined_for_the_pronoun(assistant):
    """"and what did she add?" had been declined because its closest quote was another story's teaser."""
    answer = assistant.ask("and what did she add?")
    assert answer.abstained
    assert answer.reason.startswith("the question does not say who “she” is, and each question is answered on its own")


def test_how_the_source_puts_it_is_no_word_a_claim_lacks(assistant):
    """"Is Kadyrov described as a Putin loyalist?" had been told the first quote "does not have “described”"."""
    answer = assistant.ask("Is Kadyrov described as a Putin loyalist?")
    assert answer.citations[0].paragraph == 12 and "“described”" not in (answer.reason or "")


def test_a_topic_only_in_the_writers_clause_is_declined_with_that_sentence_first(assistant):
    """A journalist's review: "What did Sokirianskaia say about accountability?" was declined ("none of their words
    is about accountability") with no word of ¶38, which reports her and goes on "but it seems hopes for actual
    accountability are dim": a clause that may be the writer's, so still declined, but saying so."""
    answer = assistant.ask("What did Sokirianskaia say about accountability?")
    assert answer.abstained and answer.closest[0].paragraph == 38
    assert answer.reason == (f"the source quotes {SOKIRIANSKAIA}, but none of their words is about accountability: "
                             "the sentence listed first (¶38) reports them and goes on, after “but”, “it seems hopes "
                             "for actual accountability are dim.”, which may be the writer's words, not theirs")
    assert assistant.ask("What did Milashina say about Putin?").abstained  # her words, none about him


def test_words_of_someone_who_holds_a_post_with_the_body_asked_about_are_answered_and_named(assistant):
    """news_fresh4 (read after measuring): "… according to the Crisis Group?" had been declined as not the Crisis
    Group's words, though the source describes Sokirianskaia as its Russia Project Director; now answered, saying
    whose words they are. A claim her words do not hold stays declined (the network emailed its supporters)."""
    answer = assistant.ask("Who's the one person with sway over Grozny, according to the Crisis Group?")
    assert not answer.abstained and answer.citations[0].speaker == SOKIRIANSKAIA
    assert answer.reason == (f"the first quote is {SOKIRIANSKAIA}'s words, whom the source describes as “Russia "
                             "Project Director with the International Crisis Group”: attribute them to "
                             f"{SOKIRIANSKAIA}")
    assert assistant.ask("What did the International Crisis Group tell supporters by email?").abstained


@pytest.mark.parametrize("question, target, topic", [
    # news_fresh4: "the source quotes no one named Sokirianskaia's one-word", "… as “the minister's line”"
    ("Sokirianskaia's one-word verdict on how Grozny responded?", "Sokirianskaia", "how Grozny responded"),
    ("Quote the minister's line about not attacking unarmed people.", "the minister", "not attacking unarmed people"),
    # news_fresh6: "… describes no one it quotes as “the minister's rhetorical question”"
    ("Quote the minister's rhetorical question about mountain men.", "the minister", "mountain men"),
])
def test_a_possessive_names_the_speaker_not_their_words(question, target, topic):
    asked = parse_speaker_question(question)
    assert (asked.target, asked.topic) == (target, topic)


def test_a_possessive_with_words_of_its_own_still_quotes_the_speaker(assistant):
    answer = assistant.ask("Quote the minister's rhetorical question about mountain men.")
    assert not answer.abstained and answer.citations[0].speaker == "Chechen Minister for Information"
    assert "militant mountain men" in answer.citations[0].quote


def test_a_name_whose_word_is_a_speech_verb_is_named_whole_in_the_note(assistant):
    """news_fresh6: "Did the State Department call for sanctions …?" had read "the" as the subject and "State"
    as its verb, and noted "… Ekaterina Sokirianskaia's words, not the's"."""
    answer = assistant.ask("Did the State Department call for sanctions on Chechen officials?")
    assert answer.abstained or "not the State Department's" in answer.reason
    assert "the's" not in (answer.reason or "")


@pytest.mark.parametrize("question", [
    "What did Sokirianskaia say about fear among witnesses?",
    "What does the Crisis Group's Russia director say about fear among witnesses?",
])
def test_a_speakers_quotation_on_the_topic_comes_first_whatever_names_them(assistant, question):
    """A journalist's review: the sentences that name the speaker ("Ms Sokirianskaia says the Chechen government's
    response …", her introduction "… Russia Project Director with the International Crisis Group, tells SBS …")
    had come first for matching the name or the description; the topic decides which of her words come first."""
    answer = assistant.ask(question)
    assert not answer.abstained and answer.citations[0].speaker == SOKIRIANSKAIA
    assert answer.citations[0].paragraph == 28 and "level of fear" in answer.citations[0].quote


def test_a_claim_another_speaker_made_in_other_forms_of_its_words_is_given_to_them(assistant):
    """A journalist's review: "camp" and "exaggerated" are "‘concentration camps’" and "exaggerations" in the
    International Crisis Group's words, so no quotation repeated the claim as written, and the network's words on
    other things had been the answer, without a note."""
    answer = assistant.ask("Did the Russia LGBT Network say the camp reports were exaggerated?")
    first = answer.citations[0]
    assert first.speaker == "International Crisis Group" and first.paragraph == 24
    assert answer.reason.startswith("the source gives the Russia LGBT Network no words close to these")
    held = assistant.ask("Did the International Crisis Group say the camp reports were exaggerated?")
    assert held.citations[0].paragraph == 24 and "gives the International Crisis Group words close" in held.reason


@pytest.mark.parametrize("question, target, topic", [
    ("What did the Chechen president post on Twitter?", "the Chechen president", None),
    ("what did the minister post on insta", "the minister", None),
    ("What did the minister post on Instagram about Chechen men?", "the minister", "Chechen men"),
])
def test_what_someone_posted_is_their_words_and_where_is_no_topic(question, target, topic):
    asked = parse_speaker_question(question)
    assert (asked.target, asked.topic) == (target, topic)


@pytest.mark.parametrize("question", ["What did the Chechen president post on Twitter?",
                                      "What did the Chechen president post?"])
def test_what_someone_unquoted_posted_is_not_answered_with_anothers_post(assistant, question):
    """A journalist's review: the Minister for Information's Instagram post had been the answer, with no more than
    a note that the source never has "Twitter"; a hurried reader could paste it as Kadyrov's."""
    answer = assistant.ask(question)
    assert answer.abstained and answer.reason.startswith("the source mentions the Chechen President but quotes no")
    posted = assistant.ask("what did the minister post on insta")
    assert not posted.abstained and "militant mountain men" in posted.citations[0].quote


@pytest.mark.parametrize("question, paragraph", [
    ("What did the think tank expert call the situation?", None),  # ¶9 on the project's index, its known questions
    ("What did the think-tank expert say about Putin's leverage?", 11),
])
def test_an_expert_is_found_whatever_the_question_calls_their_body(assistant, question, paragraph):
    """A journalist's review: the source never calls the International Crisis Group a think tank, so "the think-tank
    expert" had been declined as no one it quotes, and "the think tank expert" answered with a note that the words
    were Sokirianskaia's, "not the think tank expert's"."""
    answer = assistant.ask(question)
    assert not answer.abstained and answer.citations[0].speaker == SOKIRIANSKAIA
    assert paragraph in (None, answer.citations[0].paragraph) and "not the think tank expert's" not in answer.reason
    assert assistant.ask("What did the Amnesty expert say?").abstained  # a body it names is no kind of body


def test_spokesmen_are_the_spokespeople_the_source_reports(assistant):
    answer = assistant.ask("What did Kadyrov's spokesmen say about gay people?")
    assert not answer.abstained and answer.citations[0].paragraph == 19
    assert answer.reason.endswith("these passages report them")


def test_who_wrote_a_title_is_answered_by_the_sentence_that_names_the_author(tmp_path):
    """A developer's review: "Who wrote the paper “…”?" had been answered at 1.0 with the title alone ("the source does
    not attribute these words to anyone"), the sentence naming its author left out."""
    from retrieval import Assistant, build_index

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "karp.txt").write_text(
        "Complexity theory\n\nIn 1971, Stephen Cook showed that the satisfiability problem is NP-complete.\n\n"
        "In 1972, Richard Karp took this idea a leap forward with his landmark paper, \"Reducibility Among "
        "Combinatorial Problems\", in which he showed that 21 diverse problems are NP-complete.\n\n"
        "The field grew quickly in the following decade.\n", encoding="utf-8")
    build_index([tmp_path / "docs"], tmp_path / "index")
    assistant = Assistant.load(tmp_path / "index")
    answer = assistant.ask('Who wrote the paper "Reducibility Among Combinatorial Problems"?')
    assert not answer.abstained and "Richard Karp" in answer.citations[0].quote and answer.confidence < 1.0
    said = assistant.ask('Who said "Reducibility Among Combinatorial Problems"?')  # words no one is given
    assert said.reason.startswith("the source does not attribute these words to anyone")


def test_a_claim_framed_as_a_plan_is_checked_for_what_is_planned(assistant):
    """A journalist's review: "Is Milashina planning to stay in Russia?" had its right quote ("… she would stay in the
    country …") flagged as not having "planning"; leaving is still what the source does not say."""
    stay = assistant.ask("Is Milashina planning to stay in Russia?")
    assert "“planning”" not in (stay.reason or "") and "would stay" in (stay.citations or stay.closest)[0].quote
    leave = assistant.ask("Is Milashina planning to leave Russia?")
    assert "does not have “leave”" in leave.reason


LANTERNS = (
    "Lantern festival draws record crowds\n\n"
    "More than 40,000 people visited the festival over the weekend, organisers said.\n\n"
    "The centrepiece, a paper dragon, was designed by Danish artist Søren Ødegaard.\n\n"
    "“The dragon is made of 3,000 sheets of recycled paper,” Mr Ødegaard said.\n\n"
    "Łukasz Wiśniewski, a spokesman for the events team, said the festival would return next year.\n\n"
    "Local café owner Marta Lindqvist said she expected to lose a third of her trade.\n\n"
    "The hospital's chief executive, Dr Fiona Walsh, said emergency care would continue as normal.\n\n"
    "Repairs to the old market will cost about $4.2 million, the council said.\n\n"
    "3. Heritage listing of the clock tower\n"
    "The Chair said the tower deserved protection.\n"
)


@pytest.fixture(scope="module")
def lanterns(tmp_path_factory):
    return _page_assistant(tmp_path_factory, "lanterns", LANTERNS)


@pytest.mark.parametrize("question, speaker", [
    ("What did Søren Ødegaard say?", "Søren Ødegaard"),
    ("What did Soren Odegaard say?", "Søren Ødegaard"),
    ("What did Mr Ødegaard say about the dragon?", "Søren Ødegaard"),
    ("What did Łukasz Wiśniewski say?", "Łukasz Wiśniewski"),
])
def test_a_name_that_opens_with_an_accented_capital_is_a_speaker(lanterns, question, speaker):
    """A developer's review: "Mr Ødegaard said" was no attribution, since a name had to begin with A–Z, and "What did
    Søren Ødegaard say?" was declined with "the source mentions Søren Ødegaard but quotes no words of theirs"."""
    answer = lanterns.ask(question)
    assert not answer.abstained and {c.speaker for c in answer.citations} == {speaker}


@pytest.mark.parametrize("question, speaker", [
    ("What did the café owner say?", "Marta Lindqvist"),
    ("What did the cafe owner say?", "Marta Lindqvist"),
    ("What did the hospital's chief executive say?", "Dr Fiona Walsh"),
])
def test_a_speaker_asked_for_by_an_occupation_with_the_words_before_it(lanterns, question, speaker):
    """"Local café owner Marta Lindqvist said": "café" says what kind of owner (a developer's review: "the source
    mentions the café owner but quotes no words of theirs")."""
    answer = lanterns.ask(question)
    assert not answer.abstained and {c.speaker for c in answer.citations} == {speaker}


def test_a_heading_above_a_speaker_is_no_title_of_theirs(lanterns):
    """"3. Heritage listing of the clock tower" over "The Chair said …" had made the Chair "clock tower The", whom
    "What did the owner say?" then found ("tower" is close to "owner")."""
    from retrieval.quotes import title_before

    text = LANTERNS
    assert title_before(text, text.index("Chair said")) is None
    assert title_before(text, text.index("Marta")) == "Local café owner"
    owner = lanterns.ask("What did the owner say?")
    assert {c.speaker for c in owner.citations} == {"Marta Lindqvist"}


@pytest.mark.parametrize("question", ["Who is the hospital's chief executive?", "Who is the chief executive?"])
def test_a_post_held_by_someone_with_a_title_is_not_said_to_be_unnamed(lanterns, question):
    """"The hospital's chief executive, Dr Fiona Walsh, said": the honorific before her name had hidden the
    appositive, and the reply said "the source names no one as the hospital's chief" (a developer's review)."""
    from retrieval.quotes import named_posts, post_asked, post_unnamed

    sentence = next(line for line in LANTERNS.splitlines() if "Dr Fiona Walsh" in line)
    assert named_posts(sentence) == [("Fiona Walsh", "The hospital's chief executive")]
    assert post_unnamed(post_asked(question), [sentence]) == []
    answer = lanterns.ask(question)
    assert "names no one" not in (answer.reason or "")
    assert (answer.citations or answer.closest)[0].quote.startswith("The hospital's chief executive, Dr Fiona Walsh")


def test_a_claim_with_a_figure_the_quote_lacks_says_so(lanterns):
    """"$9 million" against the quote's "$4.2 million": "9" is no word the search keeps, and the note had said the
    first quote has every word of the claim (a developer's review)."""
    wrong = lanterns.ask("Is it true that the repairs to the old market will cost $9 million?")
    assert "does not have “$9”" in wrong.reason
    right = lanterns.ask("Is it true that the repairs to the old market will cost $4.2 million?")
    assert "does not have" not in (right.reason or "")


@pytest.mark.parametrize("question, speaker", [
    ("What did Sokirianskaia post on Instagram?", "the Chechen Minister for Information"),
    ("What did Milashina post on Instagram?", "the Chechen Minister for Information"),
    ("What did the Chechen Minister for Information tell SBS?", None),
])
def test_words_asked_for_where_the_source_says_someone_else_posted_or_told_them_are_declined(assistant, question,
                                                                                               speaker):
    """A journalist's review: "What did Sokirianskaia post on Instagram?" got her words to SBS, and the minister's
    Instagram post answered "What did the minister tell SBS?"; where words went is asked, when the source names it."""
    answer = assistant.ask(question)
    assert answer.abstained and "never says they told or posted anything to" in answer.reason
    if speaker:
        assert f"it quotes {speaker} on that" in answer.reason


@pytest.mark.parametrize("question, paragraph", [
    ("What did the minister post on insta?", 22),  # a place the source never names is left to the search
    ("What did the Chechen Minister for Information post on Instagram?", 22),
    ("What did Milashina tell SBS?", 15),
    ("What did Sokirianskaia tell SBS?", 8),
])
def test_words_posted_or_told_where_the_source_says_they_were_are_answered(assistant, question, paragraph):
    answer = assistant.ask(question)
    assert not answer.abstained and answer.citations[0].paragraph == paragraph


@pytest.mark.parametrize("question", ["When will the International Crisis Group present a public report?",
                                      "When does the International Crisis Group intend to present a public report?"])
def test_what_someone_will_do_told_of_another_is_declined(assistant, question):
    """A journalist's review: the network's report "in late May" (¶37) answered these with no note."""
    answer = assistant.ask(question)
    assert answer.abstained and answer.reason == ("the source does not say this of the International Crisis Group: "
                                                  "the first passage listed (¶37) tells of the Russia LGBT Network")
    assert answer.closest[0].paragraph == 37


@pytest.mark.parametrize("question", ["When will the LGBT network publish its report?",
                                      # the source's "NGO" is the network, though ¶37 does not say so
                                      "When does the NGO expect to release its public findings?"])
def test_what_someone_will_do_told_of_them_is_answered(assistant, question):
    answer = assistant.ask(question)
    assert not answer.abstained and answer.citations[0].paragraph == 37


@pytest.fixture(scope="module")
def council_docs(tmp_path_factory):
    """A developer's own documents (a developer's review): two news stories, a council's media release, a Markdown
    FAQ, a committee's minutes and a festival story, indexed with the packaged model, as which quote leads is tested."""
    from retrieval import Assistant, build_index

    index = tmp_path_factory.mktemp("port-ellison") / "index"
    build_index([Path(__file__).parent / "fixtures" / "port-ellison"], index)
    return Assistant.load(index)


@pytest.mark.parametrize("question", ["What does the FAQ say about soft plastics?",
                                      "According to the FAQ, can I put soft plastics in the bin?"])
def test_a_document_named_by_its_kind_is_no_speaker_and_no_missing_detail(council_docs, question):
    """A developer's review: "the source quotes no one named the FAQ", and "the source never has “FAQ”"."""
    from retrieval.quotes import parse_speaker_question

    assert parse_speaker_question(question) is None
    reason = council_docs.ask(question).reason or ""
    assert "named the FAQ" not in reason and "“FAQ”" not in reason


def test_who_wrote_a_document_is_not_whose_words_its_name_is(council_docs):
    """"Who wrote the minutes?" had been read as who said "the minutes", and the mayor's "every 15 minutes" came at
    confidence 1.00 (a developer's review)."""
    from retrieval.quotes import parse_speaker_question

    assert parse_speaker_question("Who wrote the minutes?") is None
    answer = council_docs.ask("Who wrote the minutes?")
    assert all(c.speaker != "Daniel Okafor" for c in answer.citations + answer.closest)
    assert answer.abstained  # the minutes name no writer; "Port Ellison City Council" under the title is no byline


def test_a_public_body_under_a_title_is_no_byline_and_a_release_line_is_a_dateline(council_docs):
    """A developer's review: the minutes' "Port Ellison City Council" was a byline (and "What is the capital of
    France?" said the closest quote was from the byline), and "For immediate release: 4 March 2025" a headline."""
    from retrieval.chunking import tag_section

    assert tag_section("Port Ellison City Council", index=1, seen_body=False) != "byline"
    assert tag_section("By Port Ellison City Council", index=1, seen_body=False) == "byline"
    assert tag_section("For immediate release: 4 March 2025", index=2, seen_body=False) == "dateline"
    answer = council_docs.ask("When was the press release issued?")
    assert not answer.abstained and answer.citations[0].quote == "For immediate release: 4 March 2025"


@pytest.mark.parametrize("question, figure, first", [
    ("Why did the network get around 60 requests for help?", "60", "It says it has received “around 50” requests"),
    ("The network says it received around 500 requests for help. Which cities did they come from?", "500",
     "It says it has received “around 50” requests"),
    # these two had been answered with a note (a fact-checker's review, twenty-second session)
    ("Why did the network receive 500 requests for help?", "500", "It says it has received “around 50” requests"),
    ("Why did Putin meet Kadyrov in Grozny in 2010?", "2010", "Russian Prime Minister Vladimir Putin meets with"),
])
def test_a_figure_the_source_never_gives_is_declined(assistant, question, figure, first):
    """A journalist's review: answered with ¶34's "around 50" and a note; in the news sets a figure the source never
    has was only ever in unanswerable questions. The nearest passage still comes first, to show what it gives."""
    answer = assistant.ask(question)
    assert answer.abstained and answer.reason.startswith(f"the source never has “{figure}”, which the question takes")
    assert answer.closest[0].quote.startswith(first)


def test_a_counted_word_one_document_never_uses_names_that_document(council_docs):
    """A developer's review: "the source never uses the word “people”" was false of the index, whose FAQ has it; the
    first quote's story never does, and is named."""
    answer = council_docs.ask("How many people died in the bridge collapse?")
    assert answer.reason.startswith("“Harbour Bridge to close for eight weeks of repairs” never uses the word “people”")


@pytest.fixture(scope="module")
def shipped():
    """The project's own index, with its known questions, as `make run` serves it."""
    from retrieval import Assistant

    return Assistant.load(ROOT / "index")


def test_vague_words_about_someone_the_source_quotes_are_not_off_topic(shipped):
    """A journalist's review: "According to Milashina, what does it depend on?" was declined with "no sentence of the
    source comes near the question", its closest quote her "It depends on what actually the government wants"."""
    answer = shipped.ask("According to Milashina, what does it depend on?")
    assert not answer.abstained and answer.citations[0].quote.lstrip("“").startswith("It depends on what actually")
    elsewhere = shipped.ask("According to Milashina, who won the 2018 World Cup?")
    assert elsewhere.abstained


@pytest.mark.parametrize("question", ["Can I put soft plastics in the yellow-lid bin?",
                                      "Can soft plastics go in the yellow bin?"])
def test_a_faqs_own_question_asked_again_is_answered_by_the_lines_under_it(council_docs, question):
    """A developer's review: "Please rinse containers and leave lids off." came first, and the FAQ's answer under
    its own question line second, at 0.03."""
    answer = council_docs.ask(question)
    assert not answer.abstained and answer.citations[0].quote.startswith("No. Soft plastics such as bread bags")
    assert answer.citations[0].doc_id == "recycling-faq"


def test_a_faqs_question_about_something_else_is_not_answered_by_its_lines(council_docs):
    """"Can I put glass in the yellow-lid bin?" is 0.84 from the soft plastics line, but asks about glass."""
    answer = council_docs.ask("Can I put glass in the yellow-lid bin?")
    assert not (answer.citations or answer.closest)[0].quote.startswith("No. Soft plastics")


def test_a_figure_asked_to_be_checked_is_not_taken_for_granted(assistant):
    """A fact-checker's question (news_fresh6): the post's "500" is what the question asks the article to settle."""
    answer = assistant.ask("A Facebook post says the LGBT network got around 500 requests for help from people in "
                           "the region. What figure does the article give?")
    assert not answer.abstained and answer.citations[0].paragraph == 34
    assert "“500”" in answer.reason


@pytest.mark.parametrize("question", ["Draft says Milashina writes for Kommersant. Correct paper?",
                                      "Milashina writes for Kommersant, right?"])
def test_a_claim_given_to_be_checked_gets_the_passage_it_is_checked_against(shipped, question):
    """news_fresh9's copy editor: declined, the source never having "Kommersant", with ¶16 listed first (at 0.94 on
    the project's index, whose known questions lift it)."""
    answer = shipped.ask(question)
    assert not answer.abstained and answer.citations[0].paragraph == 16
    assert "Novaya Gazeta" in answer.citations[0].quote
    assert answer.reason.startswith("the source never has “Kommersant”, which the question gives to be checked")
    # the same claim not given to be checked is still declined
    assert shipped.ask("Which Kommersant editor did Milashina work with?").abstained
    monday = shipped.ask("Did prosecutors announce the investigation on Tuesday?")  # a journalist's review
    assert not monday.abstained and "on Monday" in monday.citations[0].quote and "“Tuesday”" in monday.reason


def test_the_captions_own_words_without_its_credit(assistant):
    """news_fresh9's translator: "…word for word, without the credit" had been declined, the credit listed first."""
    answer = assistant.ask("Please give the photo caption word for word, without the credit.")
    assert not answer.abstained and [c.section for c in answer.citations] == ["caption"]
    assert answer.citations[0].quote.startswith("Russian Prime Minister Vladimir Putin meets")
    with_credit = assistant.ask("What does the caption say?")
    assert any("AFP PHOTO" in c.quote for c in with_credit.citations)


@pytest.mark.parametrize("question", ["What is the main headline on this story?", "What date did SBS run this?"])
def test_the_pages_own_lines_asked_for_in_other_words(assistant, question):
    """news_fresh9: "the main headline" had got another story's headline at 0.97 as the page's own (the page has
    none); "What date did SBS run this?" was declined, the dateline needing more confidence."""
    answer = assistant.ask(question)
    if "headline" in question:
        assert answer.abstained and "has no headline" in answer.reason
    else:
        assert not answer.abstained and answer.citations[0].section == "dateline"


@pytest.mark.parametrize("question, doc_id", [("Summarize the nurses article", "nurses-strike"),
                                              ("What is the festival story about?", "winter-festival")])
def test_a_summary_of_one_source_named_by_its_words(council_docs, question, doc_id):
    """A developer's review: "Summarize the nurses article" got the nurses' headline and another story's byline, as
    the request was read only of "the article"; named so, it needs no "name the one you mean"."""
    answer = council_docs.ask(question)
    assert not answer.abstained and {c.doc_id for c in answer.citations} == {doc_id}
    assert answer.reason.startswith("no summary is written") and "name the one you mean" not in answer.reason


def test_words_told_to_an_outlet_the_source_never_names_are_declined(assistant):
    """A journalist's review: "What did Milashina tell Reuters?" was answered with her words to SBS and a note; an
    outlet is where a reporter prints that the words went. A platform keeps the answer ("post on Twitter")."""
    answer = assistant.ask("What did Milashina tell Reuters?")
    assert answer.abstained and answer.reason.startswith("the source never has “Reuters”: it does not say Elena "
                                                         "Milashina told Reuters anything")
    assert {c.speaker for c in answer.closest} == {"Elena Milashina"}
    assert not assistant.ask("What did Milashina tell reporters?").abstained


def test_a_speaker_described_where_no_words_of_theirs_are_reported(council_docs):
    """"designed by Danish artist Søren Ødegaard", then "… ,” Mr Ødegaard said": the description is his."""
    answer = council_docs.ask("What did the artist say?")
    assert not answer.abstained and {c.speaker for c in answer.citations} == {"Søren Ødegaard"}


def test_a_figure_only_another_document_has_is_still_a_premise_the_answer_lacks(council_docs):
    """A developer's review: "Why did the Year 5 students raise $5,000?" was answered from a newsletter's "$3,412"
    with no note, "$5,000" being in the club's minutes; the figure is judged by the answer's own document."""
    answer = council_docs.ask("Why did the union ask for a $5,000 pay rise?")
    assert (answer.citations or answer.closest)[0].doc_id == "nurses-strike"
    first = (answer.citations or answer.closest)[0]
    # named: another source has "5,000" (a developer's review: "the source never has “BrewMaster”" of the manual's word)
    assert f"“{first.doc_title}”, where the first passage is, never has “5,000”" in (answer.reason or "")


@pytest.mark.parametrize("audience", ["investigators", "prosecutors"])
def test_words_told_to_an_audience_the_source_never_says_they_told_are_declined(assistant, audience):
    """A journalist's review: "What did Milashina tell investigators?" got her words to SBS at 1.00; the source says
    only that she would stay "in order to speak with investigators"."""
    answer = assistant.ask(f"What did Milashina tell {audience}?")
    assert answer.abstained
    assert answer.reason.startswith(f"the source never says Elena Milashina told {audience} anything")
    assert answer.closest[0].paragraph == 15
    told = assistant.ask("What did Milashina tell reporters?")  # any reporter: her words
    assert not told.abstained and told.citations[0].speaker == "Elena Milashina"


@pytest.mark.parametrize("question, asked, quoted", [
    ("What did Ekaterina Milashina say?", "Ekaterina Milashina", "Elena Milashina"),
    ("What did Elena Sokirianskaia say?", "Elena Sokirianskaia", "Ekaterina Sokirianskaia"),
])
def test_a_speaker_asked_for_by_another_given_name_is_named_as_the_source_names_them(assistant, question, asked,
                                                                                      quoted):
    """A journalist's review: "What did Ekaterina Milashina say?" got Elena Milashina's sentences as "these passages
    report them", a name she does not have on its way into copy."""
    answer = assistant.ask(question)
    assert answer.abstained
    assert answer.reason.startswith(f"the source quotes no one named {asked}; it quotes {quoted}")
    assert {c.speaker for c in answer.closest} == {quoted}
    assert not assistant.ask(f"What did {quoted} say?").abstained


def test_who_said_words_narration_reports_points_at_the_narration(assistant):
    """A journalist's review: "Who said gay people would be killed by their relatives?" got ¶19 ("Spokespeople for
    the Chechen leader have denied …, suggesting …") with "the source quotes no one saying this", which reads as the
    writer's own claim."""
    answer = assistant.ask("Who said gay people would be killed by their relatives?")
    assert answer.citations[0].paragraph == 19
    assert answer.reason.startswith("the first quote is the writer's narration, which tells who said or did this "
                                    "(“denied”)")
    # narration that reports no one keeps the plain note
    vetoed = assistant.ask("Who said it's almost certain to be vetoed?")
    assert vetoed.reason.startswith("the first quote is the writer's narration: the source quotes no one saying this")


def test_who_is_quoted_in_a_document_named_by_its_kind(council_docs):
    """A developer's review: "Who is quoted in the newsletter?" / "… in the minutes?" got a headline or a "Minutes taken
    by" line from the ordinary search; the FAQ ("frequently asked questions") quotes no one."""
    minutes = council_docs.ask("Who is quoted in the minutes?")
    assert not minutes.abstained
    assert minutes.reason.startswith("in “MINUTES OF THE PLANNING COMMITTEE MEETING”, the source quotes 6 speakers")
    assert {c.doc_id for c in minutes.citations} == {"planning-committee-minutes"}
    faq = council_docs.ask("Who is quoted in the FAQ?")
    assert faq.abstained and faq.reason == "the source quotes no one it names"


def test_a_recommendation_asked_of_someone_whose_words_do_not_hold_it_is_declined(tmp_path: Path):
    """A developer's review: "Why did Bellini recommend red wine?" got his "Bellini also insists on whole milk." with
    no caution; the wine was Amari's, and she advised white."""
    from retrieval import Assistant, build_index

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "ragu.md").write_text(
        "# Sunday Slow-Cooker Ragù: Secrets from Two Chefs\n\nPosted on 3 November 2023 by Holly Brennan\n\n"
        "I spent a morning in the kitchen of Trattoria Lucia with head chef Marco Bellini and pastry chef Sofia Amari, "
        "and came away with the best ragù recipe I have ever tried.\n\n"
        "\"The secret is patience,\" Bellini told me. \"You cannot rush a ragù; eight hours on low is the "
        "minimum.\"\n\n"
        "Amari disagreed about the wine. \"Use white wine, not red,\" she said. \"Red wine makes the sauce heavy and "
        "dark.\"\n\nBellini also insists on whole milk. According to Bellini, adding 200 ml of milk before the "
        "tomatoes makes the meat tender.\n\n## Method\n\n1. Brown the mince in batches over high heat.\n"
        "2. Pour in the milk and let it simmer until absorbed.\n3. Add the wine, tomatoes and paste.\n",
        encoding="utf-8")
    build_index([tmp_path / "docs"], tmp_path / "index")  # the real model: a fake one's scores decline it anyway
    answer = Assistant.load(tmp_path / "index").ask("Why did Bellini recommend red wine?")
    assert answer.abstained and "Sofia Amari" in answer.reason  # declined here before too, by another rule
    # the rule that caught it over the reviewer's five documents: a recommendation is asked of someone's words
    from retrieval.quotes import asked_speech

    assert asked_speech("Why did Bellini recommend red wine?") == ("Bellini", "red wine")
    assert asked_speech("Why did the minister urge calm?") == ("the minister", "calm")


@pytest.mark.parametrize("question", ["whats the weather in moscow tomorrow",
                                      "What is the definition of agenda-setting theory in communication studies?"])
def test_a_first_quote_the_ranker_scores_near_nothing_is_no_answer(shipped, question):
    """news_fresh10: answered at 0.43 and 0.61 by the answerability model, which reads the question's form, with a
    first quote the ranker scores 0.05 and 0.03."""
    answer = shipped.ask(question)
    assert answer.abstained and answer.confidence < answer.threshold
    assert answer.closest[0].score < 0.05 and "unlikely to answer" in answer.reason
    assert not shipped.ask("How many requests for help has the network received?").abstained


@pytest.mark.parametrize("question", ["when was the pic taken", "wats the pic at the top"])
def test_a_pic_is_the_photo(shipped, question):
    """news_fresh10's radio producer: "when was the pic taken" was declined, the caption needing more confidence."""
    answer = shipped.ask(question)
    assert not answer.abstained and answer.citations[0].section == "caption"
    assert "October 16, 2008" in answer.citations[0].quote


def test_a_claim_of_someones_words_is_noted_where_their_closest_words_differ(shipped):
    """A journalist's review: her "… she would stay in the country …" had been "words close to these" for "leave";
    and a claim her words hold whole, declined by the known questions' vote, is answered."""
    leave = shipped.ask("Did Milashina tell SBS she would leave the country?")
    assert not leave.abstained and "would stay in the country" in leave.citations[0].quote
    assert "do not have “leave”" in leave.reason and "words close to these" not in leave.reason
    threats = shipped.ask("Did the network receive around 50 death threats?")
    assert "“around 50”" in threats.citations[0].quote and "“death” or “threats”" in threats.reason
    assert shipped.ask("Did the network receive around 50 requests for help?").reason is None
    disaster = shipped.ask("Did Sokirianskaia say it was a real disaster?")
    assert not disaster.abstained and "It is a real disaster" in disaster.citations[0].quote
    assert disaster.citations[0].speaker == SOKIRIANSKAIA


def test_words_that_name_their_own_speaker_are_checked_for_whom_they_are_about(shipped):
    """A journalist's review: "Who said the Chechen Minister for Information is hysterical?" was told the source
    reports him saying this; he said it of Novaya Gazeta's editors."""
    answer = shipped.ask("Who said the Chechen Minister for Information is hysterical?")
    assert answer.citations[0].paragraph == 21 and "check whom they are about" in answer.reason
    plain = shipped.ask("Who said editors of Novaya Gazeta are being hysterical?")
    assert "check whom they are about" not in plain.reason


@pytest.mark.parametrize("question", ["What did the info minister say?",
                                      "What did the Chechen Minister of Information say about Sodom?"])
def test_a_title_in_short_or_with_another_small_word_names_its_holder(shipped, question):
    """A journalist's review: "the Chechen Minister of Information" was said to be quoted nowhere, "it quotes the
    Chechen Minister for Information"; "the info minister" was no one."""
    answer = shipped.ask(question)
    assert not answer.abstained and answer.citations[0].speaker == "Chechen Minister for Information"


def test_someones_own_quote_is_theirs_or_none(shipped):
    """news_fresh10's sub-editor: "Kadyrov's own quote …" got the minister's words at 0.62 without a note."""
    answer = shipped.ask("Kadyrov's own quote on the gay reports — what did he personally say?")
    assert answer.abstained and "quotes no words of theirs" in answer.reason


def test_an_organisations_words_on_a_topic_may_be_those_of_whom_it_has_speak(shipped):
    """news_fresh10's advocacy officer: "Quote from ICG about the regime's impunity please" was declined, "it quotes
    Ekaterina Sokirianskaia on that"; she is its Russia Project Director, so her words come, said as hers."""
    answer = shipped.ask("Quote from ICG about the regime's impunity please")
    assert not answer.abstained and "functioned with impunity" in answer.citations[0].quote
    assert answer.citations[0].speaker == SOKIRIANSKAIA and f"attribute them to {SOKIRIANSKAIA}" in answer.reason
    # none of her words close enough to the topic: declined as before
    assert shipped.ask("How did the ICG describe Chechnya's official reaction to the reports?").abstained


def test_someone_quoted_on_a_topic_in_another_document_is_not_named_for_it(tmp_path):
    """A developer's review: "What did Dr Halvorsen say about timing?" (of a trial abstract) was declined with "it
    quotes Gareth Pryce-Jones KC on that", a barrister of another document."""
    from retrieval import Assistant, build_index

    (tmp_path / "trial.txt").write_text(
        "Melatonin trial\n\n“Most people take ten times this dose,” said Dr Ingrid Halvorsen, the lead author.\n",
        encoding="utf-8")
    (tmp_path / "judgment.txt").write_text(
        "Judgment summary\n\n“The timing of the notice was everything,” said Gareth Pryce-Jones KC, for the "
        "tenants.\n", encoding="utf-8")
    build_index([tmp_path / "trial.txt", tmp_path / "judgment.txt"], tmp_path / "index")
    answer = Assistant.load(tmp_path / "index").ask("What did Dr Halvorsen say about the notice?")
    assert answer.abstained and "Pryce-Jones" not in answer.reason


@pytest.mark.parametrize("question, lacking", [("Was the photo taken in 2010?", "“2010”"),
                                               ("Was the photo taken in Moscow on October 16, 2008?", "“Moscow”")])
def test_a_claim_about_the_photo_is_checked_against_its_caption(shipped, question, lacking):
    """A journalist's review: "Was the photo taken in 2010?" was declined as far from every sentence (the caption
    gives 2008), and "… in Moscow …?" got the caption (Grozny) without a note."""
    answer = shipped.ask(question)
    assert not answer.abstained and answer.citations[0].section == "caption"
    assert answer.reason == f"the first quote (¶1) does not have {lacking}: the source may not say this"
    assert shipped.ask("Was the photo taken in Grozny on October 16, 2008?").reason is None


def test_who_is_quoted_in_a_document_named_by_a_word_of_its_text(tmp_path):
    """A developer's review: "Who is quoted in the abstract?" listed a transcript's speakers, no title having the
    word; the paper's own "ABSTRACT" heading has it."""
    from retrieval import Assistant, build_index

    (tmp_path / "trial.txt").write_text(
        "Low-dose melatonin and sleep onset\n\nABSTRACT\n\nWe randomised 128 adults.\n\n“Timing mattered more than "
        "dose,” said lead author Dr Ingrid Halvorsen.\n", encoding="utf-8")
    (tmp_path / "radio.txt").write_text(
        "Riverside Radio transcript\n\nQ: Mr Wielgus, what will it cost?\n\nA: £38 million. I said in March, “We "
        "will not slip.”\n", encoding="utf-8")
    build_index([tmp_path / "trial.txt", tmp_path / "radio.txt"], tmp_path / "index")
    answer = Assistant.load(tmp_path / "index").ask("Who is quoted in the abstract?")
    assert not answer.abstained and [c.speaker for c in answer.citations] == ["Dr Ingrid Halvorsen"]


def test_a_post_of_someone_else_is_not_pointed_to_for_the_one_asked(shipped):
    """A journalist's review: "What is the name of the network's spokesperson?" was declined rightly, but pointed at
    ¶19's post, the Chechen leader's spokespeople."""
    network = shipped.ask("What is the name of the network's spokesperson?")
    assert network.abstained and network.reason == "the source names no one as the network's spokesperson"
    leader = shipped.ask("Who is the Chechen leader's spokesman?")
    assert leader.abstained and leader.reason.endswith("it mentions the post (¶19) without a name")


def test_a_role_claim_given_to_be_checked_says_how_the_source_describes_them(shipped):
    """A journalist in the browser: "Sokirianskaia works for Human Rights Watch, right?" got ¶25, which names Human
    Rights Watch, first and without a note."""
    wrong = shipped.ask("Sokirianskaia works for Human Rights Watch, right?")
    assert wrong.reason.startswith("the source describes Ekaterina Sokirianskaia as “Russia Project Director with "
                                   "the International Crisis Group”, which does not have the claim's words")
    right = shipped.ask("Sokirianskaia works for the International Crisis Group, right?")
    assert "which has the claim's words" in right.reason


def test_reported_speech_with_their_word_in_quote_marks_says_so(shipped):
    """A journalist in the browser: "Who said the Chechen government's response was outrageous?" was told the source
    reports her "in the writer's words, not as a direct quotation", "outrageous" being in quote marks."""
    answer = shipped.ask("Who said the Chechen government's response was outrageous?")
    assert answer.citations[0].speaker == SOKIRIANSKAIA
    assert "with “outrageous” in quote marks as their words" in answer.reason
    assert "not as a direct quotation" in shipped.ask("Who said there is hope among activists?").reason


def test_news_fresh10s_checks_a_choice_of_figures_a_draft_line_and_a_countrys_name(shipped):
    """news_fresh10: "Requests for help: 50 or 500?" was declined for "500"; "Draft line reads: '…' Correct?" was
    declined, the line being nowhere as written; "How did the United States react?" was "the source quotes no one
    named the United States", the source writing "US"."""
    choice = shipped.ask("Requests for help: 50 or 500?")
    assert not choice.abstained and "“around 50”" in choice.citations[0].quote and "“500”" in choice.reason
    assert shipped.ask("Why did the network get around 500 requests for help?").abstained  # a premise, not a choice
    draft = shipped.ask("Draft line reads: 'Milashina says she will leave Russia after receiving death threats.' "
                        "Correct?")
    assert not draft.abstained and "she would stay in the country" in draft.citations[0].quote
    assert draft.reason.endswith("the first quote is what the source says nearest to the line given to be checked, "
                                 "and may contradict it")
    us = shipped.ask("How did the United States react?")
    assert not us.abstained and us.citations[0].quote.startswith("The US has voiced concern")


def test_an_interviewers_question_in_a_transcript_is_never_the_answer(tmp_path):
    """A developer's review: "According to the deputy mayor, who pays for maintenance?" got the interviewer's "Who pays
    once it is built?" (0.79), the end of a "Q:" line, as its answer."""
    from retrieval import Assistant, build_index

    (tmp_path / "radio.txt").write_text(
        "Riverside Radio transcript\n\nQ: Mr Wielgus, the council approved the scheme. What will it cost?\n\n"
        "A: The approved budget is £38 million.\n\nQ: And maintenance? Who pays once it is built?\n\n"
        "A: The council pays. We have budgeted £410,000 a year for maintenance.\n", encoding="utf-8")
    build_index([tmp_path / "radio.txt"], tmp_path / "index")
    answer = Assistant.load(tmp_path / "index").ask("Who pays for maintenance once it is built?")
    first = (answer.citations or answer.closest)[0]
    assert "Who pays once it is built?" not in first.quote and "The council pays" in first.quote


def test_the_reporter_of_this_story_is_its_byline_not_the_journalist_it_quotes(shipped):
    """A journalist's review: "Who is the reporter on this story?" got the sentence naming Milashina, "the journalist
    behind the initial newspaper report", at 0.91 with no note; the page's byline is Ben Winsor."""
    for question in ("Who is the reporter on this story?", "Who reported this story for SBS?",
                     "Who is the journalist on this piece?", "remind me who wrote this piece"):
        answer = shipped.ask(question)
        assert not answer.abstained and answer.citations[0].quote == "Ben Winsor", question
        assert answer.reason.startswith("the byline of"), question
    assert shipped.ask("remind me to call the newsroom at 5").abstained  # a task, still no question of the source
    assert "Milashina" in shipped.ask("Who is the journalist behind the initial newspaper report?").citations[0].quote


def test_a_post_claimed_of_someone_the_source_titles_but_never_quotes_is_checked_against_the_title(shipped):
    """A journalist's review: "Was Putin the President of Russia in the caption photo?" had the note "has every word of
    the claim" (the caption has "Chechen President"); Putin and Kadyrov are titled, never quoted."""
    wrong = shipped.ask("Was Putin the President of Russia in the caption photo?")
    assert wrong.reason.startswith("the source describes Vladimir Putin as “Russian Prime Minister”, which does not "
                                   "have the claim's words")
    for question in ("Is Kadyrov described as Russian Prime Minister?", "Is Ramzan Kadyrov the Prime Minister of "
                                                                         "Chechnya?"):
        assert shipped.ask(question).reason.startswith(
            "the source describes Ramzan Kadyrov as “Chechen President”, which does not have"), question
    right = shipped.ask("Is Kadyrov the President of Chechnya?")  # "Chechnya" is the caption's "Chechen"
    assert right.reason.startswith("the source describes Ramzan Kadyrov as “Chechen President”, which has the claim's")
    assert "Russian Prime Minister" not in (shipped.ask("Is Putin the one said to be behind the detentions?").reason
                                            or "")  # no post claimed


def test_a_claim_naming_someone_else_or_another_outlet_is_noted(shipped):
    """A journalist's review: the minister's "editors … are being hysterical" confirmed "Did the Chechen Minister for
    Information call Sokirianskaia hysterical?"; "Did the editors of Novaya Gazeta accuse Putin …?" was noted only as
    reported speech; "Did Milashina tell Reuters …?" (she told SBS) only for "Russia"; "Did the article say Putin
    ordered the detentions?" got the Kremlin's "very clear signal" without a note."""
    hysterical = shipped.ask("Did the Chechen Minister for Information call Sokirianskaia hysterical?")
    assert "hysterical" in hysterical.citations[0].quote and "does not have “Sokirianskaia”" in hysterical.reason
    accused = shipped.ask("Did the editors of Novaya Gazeta accuse Putin of inciting violence?")
    assert accused.reason.startswith("the first quote (¶20) does not have “Putin”")
    assert "writer's words" in accused.reason
    authorities = shipped.ask("Did the editors of Novaya Gazeta accuse Chechen authorities of inciting violence?")
    assert "does not have" not in (authorities.reason or "")
    told = shipped.ask("Did Milashina tell Reuters she would stay in Russia?")
    assert "do not have “Reuters”" in told.reason
    assert "do not have" not in shipped.ask("Did Milashina tell SBS she would stay in the country?").reason
    said = shipped.ask("Did the article say Putin ordered the detentions?")
    assert "does not have “Putin” or “ordered”" in said.reason
    grozny = shipped.ask("Is the network evacuating gay men to Grozny?")
    assert "Moscow" in grozny.citations[0].quote and "does not have “Grozny”" in grozny.reason


def test_a_speakers_words_about_the_us_are_about_the_country(shipped):
    """A journalist's review: "What did Sokirianskaia say about the US?" listed three of her quotes, none about the
    US, "US" being read as the pronoun "us"."""
    answer = shipped.ask("What did Sokirianskaia say about the US?")
    assert answer.abstained and answer.reason.endswith("none of their words is about the US")
    possessive = shipped.ask("What is the Chechen Minister for Information's view on the Novaya Gazeta editors?")
    assert "never has" not in possessive.reason  # his title, with "'s", is the source's


def test_a_request_to_write_copy_is_no_question_of_the_source(shipped):
    """A journalist's review: "Write me a headline for this story" got another story's headline at 0.91."""
    for question in ("Write me a headline for this story", "Suggest a headline for this story",
                     "Can you draft three tweets about this?"):
        answer = shipped.ask(question)
        assert answer.abstained and answer.reason.startswith("this asks something of the assistant"), question
    assert not shipped.ask("What is the headline of the related story about the US?").abstained
    # the reader's own draft, given to be checked, is no request to write one (news_fresh10 sh056 had lost its passages)
    draft = shipped.ask("Draft intro says 'as international pressure eases'. Check pls")
    assert not draft.reason.startswith("this asks something of the assistant") and draft.closest


def _assistant_of(tmp_path, **texts: str):
    """An assistant over documents of the test's own (file name: text), indexed with the default encoder."""
    from retrieval import Assistant, build_index

    (tmp_path / "docs").mkdir()
    for name, text in texts.items():
        (tmp_path / "docs" / name).write_text(text, encoding="utf-8")
    build_index([tmp_path / "docs"], tmp_path / "index")
    return Assistant.load(tmp_path / "index")


def test_words_a_speaker_relays_in_quote_marks_of_their_own_are_not_theirs(tmp_path):
    """A developer's review: "Who said 'We need batteries that do not give up in a Finnish January'?" answered Dr
    Virtanen at 1.00, and a check of the words called them hers: she relays her customer's words."""
    assistant = _assistant_of(tmp_path, **{"release.txt": (
        "Kestrel opens battery plant\n\nDr Annika Virtanen, the chief executive, said the decision had come from "
        "customers. \"When our first utility customer told us, 'We need batteries that do not give up in a Finnish "
        "January,' we knew lithium was the wrong starting point,\" she said.\n\n\"We start production in May,\" "
        "Dr Virtanen said.\n")})
    relayed = assistant.ask("Who said 'We need batteries that do not give up in a Finnish January'?")
    assert "they are not Dr Annika Virtanen's own" in relayed.reason
    assert relayed.words_checked[0].relayed_by == "Dr Annika Virtanen" and relayed.words_checked[0].speaker is None
    checked = assistant.ask("Check this quote: 'We need batteries that do not give up in a Finnish January'")
    assert "in quote marks inside words of Dr Annika Virtanen, who gives them as someone else's" in checked.reason
    own = assistant.ask("Who said 'we knew lithium was the wrong starting point'?")
    assert own.reason.startswith("the source has these words word for word (¶2) and attributes them to Dr Annika "
                                 "Virtanen")


HEARING = (
    "STANDING COMMITTEE ON TRANSPORT\n\nInquiry into rural bus services\n\n"
    "Members present: Ms Lucia Reyes MP (Deputy Chair), Mr Simon Thorne MP\n\n"
    "Witnesses: Mr Richard Hargreaves, Chief Executive, Northmoor Regional Transport Authority\n\n"
    "CHAIR: Mr Hargreaves, how many routes has your authority lost?\n\n"
    "Mr HARGREAVES: Since April 2019, 214 supported routes have been withdrawn. The short answer is money.\n\n"
    "Ms REYES: Is that a cause or a consequence of the cuts?\n\n"
    "Mr HARGREAVES: Both, honestly. It is a spiral, yes.\n\n"
    "Mr THORNE: You found £6 million for the park-and-ride. Why not put that money into the villages?\n\n"
    "Mr HARGREAVES: The park-and-ride was funded from a capital grant, which by law we cannot spend on bus routes.\n\n"
    "Mr THORNE: It is no comfort at all.\n")


def test_a_transcripts_turns_are_the_words_of_whom_their_labels_name(tmp_path):
    """A developer's review of a committee's transcript: "Who said 'It is a spiral, yes'?" was "not as anyone's
    words", "What did Mr Hargreaves say?" found 1 of his turns, "What did Lucia Reyes say?" none ("Ms Lucia Reyes MP"
    is the "Ms REYES" of the turns), and a member's question was the answer to one about the park-and-ride."""
    assistant = _assistant_of(tmp_path, **{"hearing.txt": HEARING})
    spiral = assistant.ask("Who said 'It is a spiral, yes'?")
    assert spiral.citations[0].speaker == "Richard Hargreaves" and "“Mr HARGREAVES:”" in spiral.reason
    his = assistant.ask("What did Mr Hargreaves say about money?")
    assert not his.abstained and his.citations[0].quote == "The short answer is money."
    assert assistant.ask("What did Lucia Reyes say?").citations[0].quote == "Is that a cause or a consequence of " \
                                                                              "the cuts?"
    thorne = assistant.ask('Did Mr Thorne say "It is no comfort at all"?')
    assert "as words of Simon Thorne MP" in thorne.reason
    why = assistant.ask("Why couldn't the park-and-ride money be spent on village buses?")
    assert "capital grant" in (why.citations or why.closest)[0].quote



def test_anyones_words_on_a_topic_and_a_hyphened_word_of_the_claim(shipped):
    """A journalist in the browser: "What did anyone say about death threats?" was declined, "the source quotes no one
    named anyone"; "Is Kadyrov loyal to Putin?" was noted as lacking "loyal", ¶12 calling him a "Putin-loyalist"."""
    anyone = shipped.ask("What did anyone say about death threats?")
    assert not anyone.abstained and "death threats" in anyone.citations[0].quote
    assert "named anyone" not in (anyone.reason or "")
    loyal = shipped.ask("Is Kadyrov loyal to Putin?")
    assert "Putin-loyalist" in loyal.citations[0].quote and "does not have" not in loyal.reason
    assert "does not have “Medvedev”" in shipped.ask("Is Kadyrov loyal to Medvedev?").reason


def test_someones_exact_words_on_a_topic_are_their_quotation(shipped):
    """A journalist in the browser: "Give me the exact words of the Chechen minister on Instagram" put his reported
    speech (¶21) first, his post's words second."""
    answer = shipped.ask("Give me the exact words of the Chechen minister on Instagram")
    assert answer.citations[0].quote.startswith("What reaction did you expect from militant mountain men")
    assert answer.citations[0].quote_kind == "direct"
    assert answer.reason.startswith("2 quotations attributed to the Chechen Minister for Information")


def test_the_holder_of_a_post_the_source_titles_but_never_quotes_is_named(shipped):
    """A journalist's review: "Who is the Chechen leader?" was declined (the caption, "Chechen President Ramzan
    Kadyrov", outside the report, and known questions voting against); a post no one holds still is."""
    for question in ("Who is the Chechen leader?", "Who is the leader of Chechnya?"):
        answer = shipped.ask(question)
        assert not answer.abstained and "Chechen President Ramzan Kadyrov" in answer.citations[0].quote, question
        assert answer.reason == "the source names Ramzan Kadyrov as “Chechen President” (¶1)"
    assert shipped.ask("Who is the Russian president?").reason == "the source names no one as the Russian president"
    assert shipped.ask("Who is the spokesperson for the Chechen leader?").abstained
    # every word of the post asked must be the title's, and a question with more to it is the search's: "Which Chechen
    # official called the newspaper editors hysterical?" is the minister, whom the source quotes by role
    assert shipped.ask("What is the name of the Russian Justice Minister mentioned?").abstained
    official = shipped.ask("Which Chechen official called the newspaper editors hysterical?")
    assert official.citations[0].speaker == "Chechen Minister for Information"


def test_who_is_quoted_in_a_document_named_by_its_files_name(tmp_path):
    """A developer's review: "Who is quoted in the match report?" listed a press release's speakers; the report's
    title ("Rovers 2-1 Millbrook: …") has neither word, its file's name (rovers-match-report.txt) both."""
    assistant = _assistant_of(tmp_path, **{
        "rovers-match-report.txt": "Rovers 2-1 Millbrook: Osei's late header sends Rovers top\n\nBy Declan "
                                   "Fairweather\n\n\"We never stopped,\" said Rovers manager Gemma Clarke.\n",
        "kestrel-release.txt": "Kestrel to build a plant in Tampere\n\n\"This is a factory,\" said Dr Annika "
                               "Virtanen, the chief executive.\n\n\"We start in May,\" said Marcus Lindqvist, the "
                               "finance chief.\n"})
    answer = assistant.ask("Who is quoted in the match report?")
    assert [c.speaker for c in answer.citations] == ["Gemma Clarke"]
    byline = assistant.ask("Who wrote the match report?")  # had been "a text the source does not name"
    assert not byline.abstained and byline.citations[0].quote == "By Declan Fairweather"
