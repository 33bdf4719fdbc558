"""End to end with the real packaged model: index the article, ask, check quotes and offsets."""

import json
from pathlib import Path

import pytest

from conftest import ARTICLE, ROOT

SEED = ROOT / "eval" / "seed_qa.jsonl"


def test_quote_answers_and_is_verbatim(assistant):
    answer = assistant.ask("How many people asked the network for help?")
    assert not answer.abstained
    first = answer.citations[0]
    assert "around 50" in first.quote
    assert ARTICLE.read_text(encoding="utf-8")[first.start:first.end] == first.quote
    assert first.doc_id == "sbs-2017-04-19-chechnya" and first.section == "body"
    assert first.paragraph == 34


def test_caption_is_labelled(assistant):
    answer = assistant.ask("Where did Putin meet Kadyrov in the photo, and when?")
    first = (answer.citations or answer.closest)[0]
    assert first.section == "caption" and first.section_label == "photo caption"
    # the caption's sentence, not its credit line "(AFP PHOTO / ...)Source: ..."
    assert "in Grozny on October 16, 2008" in first.quote


@pytest.mark.parametrize("question", ["Who took the photo of Putin and Kadyrov?",
                                      "Who took the main photo?",  # the caption's sentence came first
                                      "Who shot the picture?"])
def test_photo_credit_answers_who_took_the_photo(assistant, question):
    answer = assistant.ask(question)
    first = (answer.citations or answer.closest)[0]
    assert first.section == "caption" and first.quote.startswith("(AFP PHOTO")


@pytest.mark.parametrize("question", [
    "Where was the photo taken?",  # the credit line shares "photo" with it, and came first
    "Who is pictured in the photo?",  # and its capitals look like names
    "Who is shown in the picture?",  # the byline came first: it answers "who", but not about a picture
    "Who appears in the photograph?",  # a body sentence with "appear" came first
    "Who is shown in the picture with Putin?",  # not a request for the caption: the ranker, lines demoted
])
def test_questions_about_the_photo_get_the_caption_not_its_credit_or_the_byline(assistant, question):
    first = assistant.ask(question).citations[0]
    assert first.section == "caption" and first.quote.startswith("Russian Prime Minister Vladimir Putin meets")


@pytest.mark.parametrize("question, section, starts", [
    ("What does the caption say?", "caption", "Russian Prime Minister Vladimir Putin meets"),
    ("What does the byline say?", "byline", "Ben Winsor"),
    ("What does the dateline say?", "dateline", "19 Apr 2017"),
    ("What does the first paragraph say?", "body", "Activists are working to evacuate"),
    ("What is the summary?", "standfirst", "The Russia LGBT Network says they consider"),
    # the report's last paragraph; "What is the last paragraph?" got a quote from the middle
    ("What is the last paragraph?", "body", "“The regime in Chechnya has functioned with impunity"),
    ("How does the article end?", "body", "“The regime in Chechnya has functioned with impunity"),
])
def test_a_part_of_the_page_asked_for_is_quoted_whole(assistant, question, section, starts):
    """"What does the byline say?" was taken for a speaker question and declined ("the source describes no
    one it quotes as 'the byline'"); "What does the caption say?" got a body sentence with "says" in it."""
    answer = assistant.ask(question, k=5)
    assert not answer.abstained and answer.reason.startswith("the ")
    assert all(c.section == section for c in answer.citations)
    assert answer.citations[0].quote.startswith(starts)
    article = ARTICLE.read_text(encoding="utf-8")
    assert [article[c.start:c.end] for c in answer.citations] == [c.quote for c in answer.citations]
    assert [c.start for c in answer.citations] == sorted(c.start for c in answer.citations)


@pytest.mark.parametrize("question", ["Show me the photo caption", "What does the photo show?"])
def test_the_caption_asked_for_is_both_its_sentences_in_page_order(assistant, question):
    """"What does the photo show?" got another story's teaser ("… added the photo to it's index …")."""
    answer = assistant.ask(question, k=5)
    assert [c.quote[:12] for c in answer.citations] == ["Russian Prim", "(AFP PHOTO /"]


@pytest.mark.parametrize("question", ["What is the article about?", "Summarize the article", "tl;dr"])
def test_what_the_source_is_about_is_its_summary_and_first_sentence(assistant, question):
    answer = assistant.ask(question, k=5)
    assert [(c.section, c.quote[:30]) for c in answer.citations] == [
        ("standfirst", "The Russia LGBT Network says t"), ("body", "Activists are working to evacu")]
    assert answer.reason.startswith("no summary is written, but the source's own words: the summary under")


@pytest.mark.parametrize("question, which, starts", [
    ("What is the first quote in the story?", "first", "It is a real disaster"),
    ("What is the final quote?", "last", "The regime in Chechnya has functioned"),  # got a quote from ¶28
])
def test_the_first_or_last_quotation_of_the_report(assistant, question, which, starts):
    answer = assistant.ask(question)
    assert len(answer.citations) == 1 and answer.citations[0].quote.startswith(starts)
    assert answer.citations[0].speaker == "Ekaterina Sokirianskaia" and answer.citations[0].quote_kind == "direct"
    assert answer.reason.startswith(f"the {which} quotation in the report of “SBS News")
    assert answer.reason.endswith(", by Ekaterina Sokirianskaia")


def test_a_teaser_asked_about_is_not_a_speaker(assistant):
    """"What does the teaser about AIDS say?" was read as a speaker called "the teaser about AIDS"."""
    answer = assistant.ask("What does the teaser about AIDS say?")
    assert answer.reason is None and answer.citations[0].section == "teaser"
    assert "AIDS" in answer.citations[0].quote


def test_a_headline_the_page_lacks_is_not_another_storys(assistant):
    """The article's text has no headline of its own; "What is the headline?" got another story's link."""
    for question in ("What is the headline?", "What does the title say?"):
        answer = assistant.ask(question)
        assert answer.abstained and not answer.citations
        title = "SBS News: persecution of gay men in Chechnya"
        assert answer.reason == (f"the text of “{title}” has no headline (“{title}” is the title it was indexed "
                                 "under, not a line of its text)")


def test_a_misspelt_name_is_read_as_the_source_spells_it(assistant):
    """"Sokirianskaya" matched no word for BM25: "What did she say?" went to the ranker, or declined."""
    answer = assistant.ask("What did Sokirianskaya say?", k=5)
    assert answer.question == "What did Sokirianskaya say?"
    assert answer.read_as == "What did Sokirianskaia say?"
    assert not answer.abstained and all(c.speaker == "Ekaterina Sokirianskaia" for c in answer.citations)
    search = assistant.ask("sokirianskia")
    assert search.read_as == "Sokirianskaia" and "Sokirianskaia" in search.citations[0].quote
    assert assistant.ask("Who rules Chechnya?").read_as is None


@pytest.mark.parametrize("question", ["Who made you?", "help me write a cover letter", "remind me to call mum at 5"])
def test_a_request_of_the_assistant_is_declined_as_such(assistant, question):
    """These got quotes at 0.46-0.54 (a quote about names for "what's your name")."""
    answer = assistant.ask(question)
    assert answer.abstained and not answer.citations and not answer.closest
    assert answer.reason.startswith("this asks something of the assistant, not of the source")


@pytest.mark.parametrize("question, who", [("What did he say?", "he"), ("What did they say?", "they"),
                                           ("Who is she?", "she")])
def test_a_pronoun_with_nothing_to_stand_for_is_asked_to_be_named(assistant, question, who):
    """"What did he say?" got the information minister's words at 0.75: a guess at who "he" is."""
    answer = assistant.ask(question)
    assert answer.abstained and not answer.citations and not answer.closest
    assert answer.reason.startswith(f"the question does not say who “{who}” ")


@pytest.mark.parametrize("question", ["Why?", "?", "What else?", "Tell me more"])
def test_a_question_that_names_nothing_says_so(assistant, question):
    answer = assistant.ask(question)
    assert answer.abstained and not answer.closest
    assert answer.reason.startswith("the question names nothing to look for in the source")


def test_whether_the_source_mentions_something(assistant):
    """"Does the article mention Trump?" was declined with "the source does not appear to answer"; "Does
    the article mention the UN?" got the sentence, but as a guess at 0.71."""
    answer = assistant.ask("Is Putin mentioned in the article?", k=10)
    assert not answer.abstained and answer.reason == "the source mentions “Putin” in 4 sentences"
    assert all("Putin" in c.quote for c in answer.citations) and len(answer.citations) == 4
    assert [c.start for c in answer.citations] == sorted(c.start for c in answer.citations)
    un = assistant.ask("Does the article mention the UN?")
    assert [c.paragraph for c in un.citations] == [35] and "UN Security Council" in un.citations[0].quote
    trump = assistant.ask("Does the article mention Trump?")
    assert trump.abstained and not trump.citations and trump.closest  # the nearest in meaning, not an answer
    assert trump.reason == "the source does not mention “Trump”: it never uses that word"


@pytest.mark.parametrize("question, first, description", [
    ("How is Sokirianskaia's name spelt?", "Ekaterina Sokirianskaia, Russia Project Director",
     "“Russia Project Director with the International Crisis Group”"),
    ("What is Milashina's job?", "Federal Russian prosecutors announced",  # "the journalist behind …"
     "“the journalist behind the initial newspaper report”; “who writes for Novaya Gazeta”"),
    # whom she works for, first (a journalist's review: ¶15, which does not name the paper, had come first)
    ("Where does Milashina work?", "Ms Milashina, who writes for Novaya Gazeta",
     "“who writes for Novaya Gazeta”; “the journalist behind the initial newspaper report”"),
    # asked with her full name, the sentence that names her "Ms Milashina" too (the ranker had put ¶15 first)
    ("Which newspaper does Elena Milashina write for?", "Ms Milashina, who writes for Novaya Gazeta",
     "“who writes for Novaya Gazeta”; “the journalist behind the initial newspaper report”"),
])
def test_how_the_source_describes_someone(assistant, question, first, description):
    """"How is Sokirianskaia's name spelt?" and "What is Milashina's job?" were declined (0.21, 0.32)."""
    answer = assistant.ask(question)
    assert not answer.abstained and answer.citations[0].quote.startswith(first)
    assert description in answer.reason and "(the source spells the name “" in answer.reason


def test_how_the_source_describes_someone_it_does_not_quote(assistant):
    # by the title before the name and the clause after it; it had said "the sentences that name Ramzan Kadyrov"
    answer = assistant.ask("What is Ramzan Kadyrov's position?")
    assert answer.reason == ("how the source describes Ramzan Kadyrov: “Chechen President”; “who has been accused "
                             "of brutal human rights abuses during his decade-long reign”")
    assert answer.citations[0].quote.startswith("Russian Prime Minister Vladimir Putin meets with Chechen President")


def test_two_speakers_asked_together_are_each_quoted_in_turn(assistant):
    """"What did Sokirianskaia and Milashina say?" got "the source quotes no one named Sokirianskaia and
    Milashina"."""
    answer = assistant.ask("What did Sokirianskaia and Milashina say?")
    assert [c.speaker for c in answer.citations] == ["Ekaterina Sokirianskaia", "Elena Milashina",
                                                     "Ekaterina Sokirianskaia"]
    assert "attributed to Ekaterina Sokirianskaia and Elena Milashina" in answer.reason
    half = assistant.ask("What did Milashina and Jane Doe say?")  # never half an answer
    assert half.abstained and not half.citations
    # and the reason does not say the one who is quoted is not
    assert half.reason == "the source quotes Elena Milashina but no words of Jane Doe: ask about Elena Milashina alone"
    assert all(c.speaker == "Elena Milashina" for c in half.closest)


@pytest.mark.parametrize("question, reason", [
    ("Is Kadyrov quoted?", "the source mentions Kadyrov but quotes no words of theirs"),
    ("Does the article quote Human Rights Watch?",
     "the source mentions Human Rights Watch but quotes no words of theirs"),
])
def test_is_someone_quoted(assistant, question, reason):
    """These got the ranker's "does not appear to answer", with the minister's Instagram quote closest."""
    answer = assistant.ask(question)
    assert answer.abstained and answer.reason == reason


def test_off_topic_question_abstains(assistant):
    answer = assistant.ask("What is the boiling point of water on Mars?")
    assert answer.abstained and not answer.citations


def test_most_held_out_off_topic_questions_are_declined(assistant):
    """eval/offtopic_qa.jsonl was written apart from the off-topic training questions: before they taught
    the answerability model, 0.59 of its unanswerable questions were declined (the byline, dateline or
    caption answered many); with them 0.74, 0.82 since the dateline answers only "when" and the
    byline only "who", 0.90 with the topic floor, and 0.94 since neither answers a question about
    something the source never mentions."""
    from retrieval.evaluation.datasets import load_dataset

    (probe,) = load_dataset(ROOT / "eval/offtopic_qa.jsonl").groups
    off_topic = [q.question for q in probe.questions if not q.answerable]
    answers = assistant.ask_batch(off_topic, k=1)
    assert sum(a.abstained for a in answers) / len(answers) >= 0.9
    answered = [q.question for q in probe.questions if q.answerable]
    assert sum(a.abstained for a in assistant.ask_batch(answered, k=1)) / len(answered) <= 0.1


@pytest.mark.parametrize("question, section, reason", [
    ("sydney train timetable", "dateline", "the closest quote is the page's dateline, which says only when"),
    ("Who wrote War and Peace?", "byline", "the source does not appear to answer this question; the closest "
     "quote is from the byline, outside the report itself"),
])
def test_the_dateline_and_byline_do_not_answer_what_they_cannot(assistant, question, section, reason):
    answer = assistant.ask(question)
    assert answer.abstained and not answer.citations
    assert answer.closest[0].section == section and answer.reason.startswith(reason)


@pytest.mark.parametrize("question, section", [
    ("When was the first Harry Potter book published?", "dateline"),  # 0.88 from the dateline before
    ("Who is the author of The Hunger Games?", "byline"),  # "Ben Winsor" at 0.75 before
])
def test_the_dateline_and_byline_say_nothing_of_what_the_source_never_mentions(assistant, question, section):
    answer = assistant.ask(question)
    assert answer.abstained and not answer.citations and answer.closest[0].section == section
    if section == "dateline":
        assert answer.reason.startswith("the closest quote is the page's dateline, which says only")
    else:  # it asks who wrote something else
        assert answer.reason == ("the question asks who wrote a text the source does not name; the byline is that "
                                 "of “SBS News: persecution of gay men in Chechnya”; the source never has “Hunger” "
                                 "or “Games”, which the question takes for granted")


@pytest.mark.parametrize("question, section", [
    ("When was the story last revised?", "dateline"), ("Who wrote this?", "byline"),
    ("Which reporter wrote it?", "byline"),
])
def test_the_pages_own_date_and_writer_still_answer(assistant, question, section):
    answer = assistant.ask(question)
    assert not answer.abstained and answer.citations[0].section == section


def test_the_byline_rule_declines_on_its_own_and_only_what_it_must(assistant):
    """With no bar to meet (threshold 0, no higher one outside the report), the byline still answers
    no question that does not ask who, and still answers one that does."""
    from retrieval import Assistant

    open_bar = Assistant(assistant.retriever, scorer=assistant.scorer.model_copy(
        update={"threshold": 0.0, "outside_threshold": None, "topic_floor": None}))
    borscht = open_bar.ask("recipe for borscht")
    assert borscht.abstained and borscht.closest[0].section == "byline"
    assert borscht.reason == "the closest quote is the page's byline, which says only who wrote it"
    author = open_bar.ask("Who is the author?")
    assert not author.abstained and author.citations[0].section == "byline"


@pytest.mark.parametrize("question", [
    "When was the article published?",
    # a date to check: its month ("April", the dateline's "Apr") and day are no sign of another subject (a
    # fact-checker's review: it had been declined as "the dateline says only when the page was published")
    "Was the article published on 18 April 2017?",
    # the verbs a question about the page asks with are no other subject ("does" had been; a code review)
    "When does the page say it was published?", "What date does the page show for publication?",
])
def test_the_dateline_still_answers_when_the_article_was_published(assistant, question):
    answer = assistant.ask(question)
    assert not answer.abstained and answer.citations[0].section == "dateline"
    assert "19 Apr 2017" in answer.citations[0].quote


def test_a_question_no_sentence_comes_near_is_declined_by_the_topic_floor(assistant):
    from retrieval import Assistant

    # "What is photosynthesis?" had been this test's question until "photo…" stopped naming the caption, which let it
    # be judged by the caption's own bar instead
    question = "Explain plate tectonics"
    answer = assistant.ask(question)
    assert answer.abstained and answer.reason.startswith("no sentence of the source comes near the question")
    assert answer.confidence >= answer.threshold  # the answerability model alone would have answered
    without = Assistant(assistant.retriever, scorer=assistant.scorer.model_copy(update={"topic_floor": None,
                                                                                      "quote_floor": None}))
    assert not without.ask(question).abstained
    # an ordinary question is well above the floor
    assert not assistant.ask("How many people asked the network for help?").abstained


def test_quote_offsets_hold_for_every_seed_question(assistant):
    questions = [json.loads(line)["question"] for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(questions) >= 60
    text = ARTICLE.read_text(encoding="utf-8")
    for answer in assistant.ask_batch(questions, k=3):
        for c in answer.citations + answer.closest:
            assert text[c.start:c.end] == c.quote
            assert c.quote.strip() == c.quote and c.quote


def test_retriever_search_alone(article_index: Path):
    from retrieval import QuestionError, Retriever

    retriever = Retriever.load(article_index)
    with pytest.raises(QuestionError, match="empty"):  # as `ask` does; it had searched for nothing
        retriever.search("  ")
    hits = retriever.search("Who rules the territory?", k=3)
    assert hits[0].passage.paragraph == 12
    assert "Kadyrov" in hits[0].passage.text


def test_sentences_of_a_named_section_are_candidates(assistant):
    """'Who wrote ...' names the byline: its sentence is ranked even though search does not find it."""
    from retrieval.extract import sentence_candidates

    retriever, scorer = assistant.retriever, assistant.scorer
    question = "Who wrote the SBS report?"
    vector = retriever.encode([question])[0]

    def sections(q: str, v) -> set[str]:
        cands = sentence_candidates(retriever, q, v, scorer.passages_considered, scorer.sentences_considered)
        return {retriever.passages[int(p)].section for p in cands.passage_ids}

    assert "byline" in sections(question, vector)
    other = "What did the Kremlin say about the detention facilities?"
    assert "byline" not in sections(other, retriever.encode([other])[0])


@pytest.mark.parametrize("question", [
    "Who wrote the SBS report?", "Who is the author of this article?",
    # read as "Who said 'the report'?", it got Sokirianskaia's "relatives don't report it" at 1.0
    "Who wrote the report?", "who wrote this story",
])
def test_who_wrote_the_source_is_answered_by_its_byline(assistant, question):
    answer = assistant.ask(question)
    assert not answer.abstained
    assert answer.reason == "the byline of “SBS News: persecution of gay men in Chechnya”"
    first = answer.citations[0]
    assert (first.section, first.quote) == ("byline", "Ben Winsor")
    assert first.score == pytest.approx(answer.confidence, abs=1e-4)  # not the ranker's view of two words
    assert all(c.score <= first.score for c in answer.citations)
    assert ARTICLE.read_text(encoding="utf-8")[first.start:first.end] == "Ben Winsor"


@pytest.mark.parametrize("question", [
    "Who wrote the Novaya Gazeta report?",
    # a text the page reports on, named without a name: the byline had been the second quote at 0.87, and the
    # reply had said "the source quotes no one saying this" of "the original newspaper report" (a journalist)
    "Who wrote the original newspaper report?", "Who wrote the original report on Chechnya?",
])
def test_who_wrote_another_papers_report_is_not_the_byline(assistant, question):
    answer = assistant.ask(question)
    assert "quotes no one" not in (answer.reason or "") and "byline" not in (answer.reason or "")
    assert all(c.section != "byline" for c in answer.citations)


@pytest.mark.parametrize("question", ["Who wrote the previous article in this series?", "Who wrote the initial report?",
                                      "Who wrote the original newspaper report?"])
def test_who_wrote_another_text_is_never_answered_with_the_byline(assistant, question):
    # first, the byline declines for its reason rather than leaving the next sentence to answer (a code review:
    # "Who wrote the previous article in this series?" had been answered at 0.65 with the minister's words)
    answer = assistant.ask(question)
    if answer.abstained:
        assert answer.reason.startswith("the question asks who wrote a text the source does not name")
    else:
        assert all(c.section != "byline" for c in answer.citations)


def test_the_opening_paragraph_is_the_first_sentence_of_the_report(assistant):
    answer = assistant.ask("What does the first sentence of the report say about activists?")
    first = (answer.citations or answer.closest)[0]
    assert first.section == "body" and first.quote.startswith("Activists are working to evacuate")


@pytest.mark.parametrize("question", [
    "How much money has the network raised for the people who fled?",
    "What is the phone number of the Russia LGBT Network?",
    "What is the email address of the network?",
])
def test_a_question_for_a_kind_of_answer_the_article_lacks_abstains(assistant, question):
    """The article gives no sum of money, phone number or address: "around 50" requests is none."""
    answer = assistant.ask(question)
    assert answer.abstained and not answer.citations


def test_a_question_about_an_email_is_not_one_for_an_email_address(assistant):
    """"email" made every question ask for an address, which no sentence holds: this one scored 0.21."""
    answer = assistant.ask("Whose email mentions relocating victims abroad?")
    assert not answer.abstained and "via email" in answer.citations[0].quote


@pytest.mark.parametrize("question, body_words, summary_words", [
    ("Which abuses does the network say amount to a crime against humanity?",
     "arrests, torturing and honour killing", "The Russia LGBT Network says they consider"),
    ("Have Russian prosecutors said they will investigate?",
     "Federal Russian prosecutors announced on Monday", "Russian prosecutors have said they will investigate"),
])
def test_the_report_is_quoted_before_a_summary_or_teaser_that_restates_it(assistant, question, body_words,
                                                                         summary_words):
    first, second = assistant.ask(question, k=3).citations[:2]
    assert first.section == "body" and body_words in first.quote
    assert second.section != "body" and summary_words in second.quote


def test_a_quote_outside_the_report_must_clear_a_higher_bar(assistant):
    from retrieval import Assistant

    shipped = assistant.scorer
    assert shipped.outside_threshold > shipped.threshold  # picked on dev and eval/offtopic_train.jsonl
    question = "Who won the US presidential election?"  # no year: a figure the source never has declines
    assert assistant.ask(question).abstained
    # a bar between the ordinary threshold and the outside one, around this question's confidence
    level = assistant.ask(question).confidence
    strict = Assistant(assistant.retriever, scorer=shipped.model_copy(
        update={"threshold": level - 0.05, "outside_threshold": level + 0.05}))
    off_topic = strict.ask(question)
    assert off_topic.abstained
    assert off_topic.reason.startswith(
        "the source does not appear to answer this question; the closest quote is from another story's teaser, "
        "outside the report")
    assert off_topic.closest[0].section == "teaser"
    # it passes the ordinary threshold: only the bar for quotes outside the report declines it
    assert level - 0.05 <= off_topic.confidence < level + 0.05 == off_topic.threshold
    confident = strict.ask("Which channel shows Gaycation?")
    assert confident.confidence > level + 0.05
    assert not confident.abstained and confident.citations[0].section == "related"
    assert "SBS Viceland" in confident.citations[0].quote


def test_the_ordinary_threshold_holds_where_the_question_names_the_part_of_the_page(assistant):
    from retrieval import Assistant

    question = "Who won the US presidential election?"  # no year: a figure the source never has declines
    level = assistant.ask(question).confidence
    strict = Assistant(assistant.retriever, scorer=assistant.scorer.model_copy(  # no topic floor: the
        update={"threshold": level - 0.05, "outside_threshold": 0.99, "topic_floor": None}))  # question is off-topic
    named = strict.ask("What does the related link say about Gaycation?")
    assert not named.abstained and named.threshold == level - 0.05
    without = Assistant(assistant.retriever, scorer=strict.scorer.model_copy(update={"outside_threshold": None}))
    answered = without.ask(question)
    assert not answered.abstained and answered.threshold == level - 0.05


def test_first_quotes_stay_sentences_on_the_seed_questions(assistant):
    """Issue 5's length target: the first quotes average at most 1.2 times the article's sentence."""
    questions = [json.loads(line)["question"] for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    firsts = [(a.citations or a.closest)[0].quote for a in assistant.ask_batch(questions, k=1)]
    sentences = [span.end - span.start for _, span in assistant.retriever.sentences]
    ratio = (sum(map(len, firsts)) / len(firsts)) / (sum(sentences) / len(sentences))
    assert ratio <= 1.2


def test_the_article_is_judged_as_a_news_page_and_its_body_alone_as_plain_text(assistant, tmp_path):
    """A source with a news page's parts gets the answerability model that learnt from dev's news
    questions; the same report's paragraphs alone are plain text, judged by the model of tune alone."""
    from retrieval import Assistant, build_index

    scorer = assistant.scorer
    (doc_id,) = assistant.documents
    assert not assistant.plain(doc_id)
    question = "How many requests for help has the network received?"
    news = assistant.ask(question)
    assert news.threshold == scorer.threshold and "around 50" in news.citations[0].quote

    text = assistant.documents[doc_id].text
    body = [p for p in text.split("\n\n")
            if p.startswith(("It says it has received", "The network says it is also"))]
    (tmp_path / "body.txt").write_text("\n\n".join(body) + "\n", encoding="utf-8")
    build_index([tmp_path / "body.txt"], tmp_path / "index")
    plain = Assistant.load(tmp_path / "index")
    assert all(plain.plain(d) for d in plain.documents)
    answer = plain.ask(question)
    assert answer.threshold == scorer.plain_threshold != scorer.threshold
    assert "around 50" in (answer.citations or answer.closest)[0].quote
    as_news = Assistant(plain.retriever, scorer=scorer.model_copy(update={"plain_question": None,
                                                                          "plain_threshold": None}))
    assert as_news.ask(question).confidence != answer.confidence  # another model judged it


def test_the_speaker_routes_read_plain_texts_threshold_on_plain_text(tmp_path):
    """The unnamed-speaker and no-quotes declines compare the pipeline's confidence, which on plain
    text comes from the plain model, so they say the plain threshold too."""
    from retrieval import Assistant, build_index

    (tmp_path / "plain.txt").write_text(
        "The Chechen Minister for Information says that editors of the newspaper are being hysterical.\n\n"
        "Human rights groups say the detentions must stop.\n", encoding="utf-8")
    build_index([tmp_path / "plain.txt"], tmp_path / "index")
    assistant = Assistant.load(tmp_path / "index")
    scorer = assistant.scorer
    unnamed = assistant.ask("What is the name of the Chechen Minister for Information?")
    assert unnamed.abstained and unnamed.reason.startswith("the source does not name")
    unquoted = assistant.ask("What did Putin say about the detentions?")
    assert unquoted.abstained and "Putin" in unquoted.reason
    for answer in (unnamed, unquoted):
        assert answer.threshold == scorer.plain_threshold != scorer.threshold


def test_an_acronym_the_article_spells_out_is_read_as_its_name(assistant):
    """"ICC" is not in the article, which writes "International Criminal Court": it was declined (0.24)."""
    answer = assistant.ask("What is the ICC unlikely to have without a UN referral?")
    assert answer.read_as == "What is the International Criminal Court unlikely to have without a UN referral?"
    assert not answer.abstained and "jurisdiction" in answer.citations[0].quote


def test_two_questions_in_one_are_not_read_as_one_speaker(assistant):
    """"What did the spokespeople deny and what did the information minister say?" got the reason "the
    source quotes no words of the spokespeople deny and what did the information minister"."""
    answer = assistant.ask("What did the spokespeople deny and what did the information minister say?")
    assert not answer.abstained and "what did" not in (answer.reason or "")
    assert {c.paragraph for c in answer.citations[:2]} == {19, 21}
    aids = assistant.ask("Does the report itself say anything about AIDS?")
    assert aids.reason == "the source mentions “AIDS” in 2 sentences"
    assert {c.section for c in aids.citations} == {"teaser"}


def test_a_count_of_something_the_source_never_names_is_flagged_or_declined(assistant):
    """"How many women have asked the network for help?" got the one figure the source gives ("around 50"
    requests, from people in the region) with nothing said: a wrong number for copy. Its sentence is near the
    question, so it is quoted with a note; a count whose figure's sentence is far from the question is declined,
    the figure listed (a journalist in the browser: "What is the death toll so far?" had it in the copy box)."""
    women = assistant.ask("How many women have asked the network for help?")
    assert not women.abstained and "around 50" in women.citations[0].quote
    assert women.reason == "the source never uses the word “women”: the figure quoted may count something else"
    # a word the source never uses may yet be what its figure counts (a code review)
    pleas = assistant.ask("How many pleas for assistance did the network receive?")
    assert not pleas.abstained and "around 50" in pleas.citations[0].quote
    requests = assistant.ask("How many requests for help has the network received?")
    assert not requests.abstained and requests.reason is None and "around 50" in requests.citations[0].quote
    # a count named as such: the source speaks of "death threats", never of a toll
    toll = assistant.ask("What is the death toll so far?")
    assert toll.abstained and not toll.citations and toll.confidence < toll.threshold
    assert toll.reason == ("the source never uses “death toll”: it gives no such figure, and the passages listed "
                           "may count something else")
    assert "around 50" in toll.closest[0].quote
    # a misspelt word the source does use is no cause for a warning (a journalist's review)
    typo = assistant.ask("how many peple asked the netwrok for help")
    assert not typo.abstained and typo.reason is None and "around 50" in typo.citations[0].quote


GARDEN = """Cherry tomatoes do best in pots. Bush varieties need less staking than vine varieties.

Use a pot of at least 20 litres per plant, filled with peat-free compost mixed with perlite.

Water every morning in summer, and twice a day during heat waves.

Start feeding with a high-potassium liquid fertiliser once the first flowers appear, every week.
"""


def test_plain_text_declines_a_question_no_sentence_comes_near(tmp_path):
    """A developer's review: over a gardening guide (plain text, no news parts) "qwerty uiop" and "What is
    photosynthesis?" were answered with the guide's headline; the topic floor held only for news pages."""
    from retrieval import Assistant, build_index

    (tmp_path / "garden.txt").write_text(GARDEN, encoding="utf-8")
    build_index([tmp_path / "garden.txt"], tmp_path / "index")
    garden = Assistant.load(tmp_path / "index")
    assert garden.plain("garden")
    for question in ("qwerty uiop", "What is photosynthesis?"):
        answer = garden.ask(question)
        assert answer.abstained and answer.reason.startswith("no sentence of the source comes near the question")
    fed = garden.ask("When should feeding start?")
    assert not fed.abstained and "once the first flowers appear" in fed.citations[0].quote


def test_plain_text_keeps_what_the_news_rules_would_decline(tmp_path):
    """Told as possible, asked as done; a count of what the source never names: declined on a news page, but
    on tune's encyclopedia articles each rule declined more answerable questions than impossible ones."""
    from retrieval import Assistant, build_index
    from retrieval.extract import only_possible

    sentence = "In a cold spring the council may ban watering with hoses, as it did in 2012."
    (tmp_path / "garden.txt").write_text(GARDEN + "\n" + sentence + "\n", encoding="utf-8")
    build_index([tmp_path / "garden.txt"], tmp_path / "index")
    garden = Assistant.load(tmp_path / "index")
    question = "When did the council ban watering with hoses?"
    assert only_possible(question, sentence) == "may ban"
    banned = garden.ask(question)
    assert not banned.abstained and banned.citations[0].quote == sentence
    gallons = garden.ask("How many gallons should a pot hold?")
    assert not gallons.abstained and "20 litres" in gallons.citations[0].quote
    assert gallons.reason == "the source never uses the word “gallons”: the figure quoted may count something else"


def test_only_a_question_never_searched_is_marked_so(assistant):
    # the chat opens such a reply "Not answered." rather than "The article does not answer this question."
    for question in ("Tell me more", "Who made you?", "Wer regiert Tschetschenien?"):
        answer = assistant.ask(question)
        assert answer.abstained and answer.unsearched and not answer.closest, question
    searched = assistant.ask("What did Donald Trump say about Chechnya?")
    assert searched.abstained and not searched.unsearched
    assert "unsearched" in searched.model_dump()  # in the JSON the REST API returns


def test_a_judgement_is_answered_with_the_words_to_judge_from_saying_so(assistant):
    from retrieval.answer import JUDGEMENT

    answer = assistant.ask("Do you think the minister is homophobic?")
    assert not answer.abstained and answer.reason == JUDGEMENT
    assert answer.citations[0].speaker == "Chechen Minister for Information"


@pytest.mark.parametrize("question, note", [
    # a journalist's review: the first was declined with nothing said of Monday
    ("Is it accurate that prosecutors announced the investigation on Tuesday?",
     "the closest sentence (¶15) does not have “Tuesday”: the source may not say this"),
    ("Is it true that Kadyrov apologised?",
     "the first quote (¶22) does not have “apologised”: the source may not say this"),
    ("Is it true that the network has received around 50 requests for help?",  # "It says …" is the network
     "the first quote (¶34) has every word of the claim: check it says what the claim does"),
    # "were" had been named as lacking: a word that only joins is no word of the claim
    ("Is it true the Crisis Group said the camps were exaggerated?",
     "the first quote (¶24) has every word of the claim: check it says what the claim does"),
    # a fact-checker: the dateline had been declined, lacking "article", "published" and "April" ("Apr")
    ("Is it true the article was published on 18 April 2017?",
     "the first quote (¶4) does not have “18”: the source may not say this"),
    # a journalist's review: "Russia" had been named as lacking from "Russian Prime Minister Vladimir Putin …"
    # (thirtieth session) checked against the title the source gives him, as "President of Russia" is
    ("Is it true that Putin was the prime minister of Russia?",  # the caption, outside the report: declined
     "the source describes Vladimir Putin as “Russian Prime Minister”, which has the claim's words: check it says "
     "what the claim does"),
])
def test_is_it_true_that_says_which_words_of_the_claim_the_nearest_sentence_lacks(assistant, question, note):
    answer = assistant.ask(question)
    assert answer.reason.startswith(note)


def test_is_it_true_that_with_quoted_words_is_left_to_the_word_for_word_check(assistant):
    answer = assistant.ask('Is it accurate that Sokirianskaia said "they will save a lot of people"?')
    assert answer.reason == ("the words “they will save a lot of people” are in the source word for word (¶17), "
                             "as words of Elena Milashina")


def test_the_readmes_python_example_runs(tmp_path, monkeypatch):
    """The README's "Python API" block, run as written in a folder holding the article under data/."""
    import re
    import shutil

    block = re.search(r"## Python API\s+```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    assert block, "README has no Python API example"
    (tmp_path / "data").mkdir()
    (tmp_path / "eval").mkdir()
    shutil.copy(ARTICLE, tmp_path / "data" / ARTICLE.name)
    shutil.copy(ROOT / "eval" / "news_train.jsonl", tmp_path / "eval")
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(compile(block.group(1), "README.md", "exec"), scope)  # noqa: S102 - the project's own README
    assert scope["answer"].citations and scope["hits"] and (tmp_path / "my-index" / "manifest.json").is_file()
    assert scope["assistant"].retriever.known is not None


def test_a_link_to_another_story_does_not_answer_a_question_on_the_sources_subject(assistant):
    # "head" is the link's only word in common with the question; Chechnya, the article's subject, is not in it
    answer = assistant.ask("Who is the head of Chechnya?")
    assert all(c.section != "related" for c in answer.citations)
    asked = assistant.ask("Where is Gaycation heading, according to the related link?")
    assert asked.citations and asked.citations[0].section == "related"


@pytest.mark.parametrize("question", ["kadyrov reaction?", "What was Kadyrov's reaction?", "How did Kadyrov respond?"])
def test_a_reaction_of_someone_never_quoted_is_not_answered_with_anothers_words(assistant, question):
    # the Chechen information minister's Instagram post had come first, labelled as his but read as Kadyrov's
    answer = assistant.ask(question)
    assert answer.abstained and answer.reason.startswith("the source mentions Kadyrov but quotes no words")


@pytest.mark.parametrize("question, words", [
    ("How did the US react to the reports?", "The US has voiced concern"),
    # an adversarial review: these had been declined, the narration scoring under the floor for narration
    ("How did prosecutors respond?", "Federal Russian prosecutors announced on Monday"),
    ("How did the Chechen leader's spokespeople respond?", "Spokespeople for the Chechen leader have denied"),
    # "Chechens" had been read as the Chechen Minister for Information, and declined
    ("How did Chechens react to the revelations?", "many Chechens appear to have taken the revelations"),
])
def test_a_narrated_reaction_still_answers(assistant, question, words):
    answer = assistant.ask(question)
    assert not answer.abstained and any(words in c.quote for c in answer.citations)
    assert answer.reason.endswith("; these passages report them")


def test_a_quote_asked_for_with_an_adjective_is_the_speakers_first_direct_quote(assistant):
    # "Strongest quote from the LGBT network" had been read as a search and given Sokirianskaia's words first
    answer = assistant.ask("Strongest quote from the LGBT network")
    first = answer.citations[0]
    assert (first.speaker, first.quote_kind) == ("Russia LGBT Network", "direct")
    assert all(c.speaker == "Russia LGBT Network" for c in answer.citations)


@pytest.mark.parametrize("question, reason", [
    # "International" (Crisis Group) had passed for the International Criminal Court
    ("What did Sokirianskaia say about the ICC?", "the source quotes Ekaterina Sokirianskaia, but none of their words "
     "is about the International Criminal Court; it quotes the Russia LGBT Network on that (¶35)"),
    # the Security Council is named in the writer's clause after the network's words, not in them
    ("What did Sokirianskaia say about the UN Security Council?",
     "the source quotes Ekaterina Sokirianskaia, but none of their words is about the UN Security Council"),
])
def test_a_topic_is_matched_by_whole_names_and_the_speakers_own_words(assistant, question, reason):
    answer = assistant.ask(question)
    assert answer.abstained and answer.reason == reason


def test_the_writer_asked_for_as_a_speaker_is_not_answered_with_the_byline(assistant):
    # the byline "Ben Winsor" had been given at 0.96 as a passage that "reports" his words
    answer = assistant.ask("What did Ben Winsor say?")
    assert answer.abstained and not answer.citations
    assert answer.reason.startswith("Ben Winsor wrote the source (its byline)")


def test_a_speaker_named_by_a_pronoun_alone_is_answered_with_a_note(assistant):
    # "And what did she say about Putin?" had been answered as if "she" were known
    answer = assistant.ask("And what did she say about Putin?")
    assert not answer.abstained and answer.reason.startswith("the question does not say who “she” is")
    assert all(c.speaker for c in answer.citations[:1])


@pytest.mark.parametrize("question, note", [
    ("Did Milashina call the response outrageous?",
     "the first quote is Ekaterina Sokirianskaia's words, not Milashina's"),
    ("Did Sokirianskaia say she'd stay despite death threats?",
     "the first quote is the writer's narration and does not name Sokirianskaia: the source may not say this of "
     "them"),
    # narration that names them reports their claim: it is not "no words the source gives them" (a fact-checker)
    ("Did the Chechen leader's spokespeople deny that gay people exist?",
     "the first quote reports the Chechen leader's spokespeople in the writer's words: the source does not quote "
     "them"),
    # narration that names someone else by a word of theirs does not report them (a fact-checker: "reports
    # Chechen prosecutors" had granted the false premise)
    ("Why did Chechen prosecutors announce an investigation?",
     "the first quote is the writer's narration and does not have “Chechen” of “Chechen prosecutors”: check that "
     "it is about them before attributing it"),
    ("Why did the Chechen police say gay people don't exist?",
     "the first quote is the writer's narration and does not have “police” of “the Chechen police”: check that it "
     "is about them before attributing it"),
    # a long description's last word is no head noun ("collected"): the narration reports them
    ("According to the testimony the network collected, who is actually carrying this out on the ground?",
     "the first quote reports the testimony the network collected in the writer's words: the source does not "
     "quote them"),
    # narration about someone the source does quote elsewhere is not "the source does not quote them"
    ("Did the network say it is evacuating gay men to Moscow?",
     "the first quote is the writer's narration about the network, not their words"),
    # a pronoun is no one
    ("Did she say the situation was a real disaster?", "the question does not say who “she” is"),
])
def test_a_first_quote_not_of_the_one_asked_about_says_so(assistant, question, note):
    # had come with no reason at all: a skimming reader took Sokirianskaia's "outrageous" for Milashina's
    answer = assistant.ask(question)
    assert not answer.abstained and answer.reason.startswith(note)
    assert assistant.ask("Did Sokirianskaia call the response outrageous?").reason is None


@pytest.mark.parametrize("question, note", [
    ("Who said it's almost certain to be vetoed by Russia?",
     "the first quote is the writer's narration: the source quotes no one saying this"),
    ("Who said the situation is a disaster?",
     "the first quote is Ekaterina Sokirianskaia's (¶9), the nearest to these words: compare them before quoting"),
])
def test_who_said_words_no_quotation_holds_says_whose_the_first_quote_is(assistant, question, note):
    # had come with no reason: the narration read as a quotation of whoever came next
    answer = assistant.ask(question)
    assert not answer.abstained and answer.reason == note


@pytest.mark.parametrize("question, reason", [
    ("Did Sokirianskaia say hopes for accountability are dim?",
     "the source has words close to these (¶38) after “but” in a sentence that reports what Ekaterina "
     "Sokirianskaia says"),
    ("Who said 'an allegation Human Rights Watch has previously raised concerns about'?",
     "the source has these words word for word (¶25), after “– an allegation” in a sentence that reports what "
     "Ekaterina Sokirianskaia"),
])
def test_the_writers_clause_is_not_given_to_the_speaker_whatever_the_question(assistant, question, reason):
    # a fact-checker: "Did X say …" had skipped the rule "Who said …" keeps, and a dash aside was never caught
    answer = assistant.ask(question)
    assert answer.reason.startswith(reason) and answer.reason.endswith("they may be the writer's own")


def test_a_claim_of_someones_role_is_set_beside_how_the_source_describes_them(assistant):
    # a fact-checker: "has every word of the claim" had stood alone, Human Rights Watch being named in ¶25
    answer = assistant.ask("Is it true that Sokirianskaia is with Human Rights Watch?")
    assert answer.reason.startswith("the source describes Ekaterina Sokirianskaia as “Russia Project Director with "
                                    "the International Crisis Group”")
    assert answer.reason.endswith("which does not have the claim's words: the source may not say this")
    # an adversarial review: "works" had been named as missing from a true claim
    true = assistant.ask("Is it true that Sokirianskaia works for the International Crisis Group?")
    assert true.reason.endswith("which has the claim's words: check it says what the claim does")
    assert "does not have “works”" not in true.reason


def test_the_writer_asked_about_gets_no_note_that_the_narration_is_not_theirs(assistant):
    # an adversarial review: "the writer's narration, not words the source gives the writer"
    for question in ("Did the writer say the veto is almost certain?", "Did the author say Russia would veto it?"):
        assert "not words the source gives" not in (assistant.ask(question).reason or "")


@pytest.mark.parametrize("question", [
    "What did the network say about the UN Security Council?",  # named after "although", in the writer's clause
    "What did Sokirianskaia say about Human Rights Watch?",  # named in a dash aside, "– an allegation …"
])
def test_a_topic_named_only_in_the_writers_clause_is_not_the_speakers(assistant, question):
    answer = assistant.ask(question)
    assert answer.abstained and "but none of their words is about" in answer.reason


@pytest.mark.parametrize("question, note", [
    # a journalist's review: a yes/no question about someone named had got the minister's "mortal sin of
    # Sodom" at 0.77 with nothing said
    ("Is Kadyrov gay?", "does not have “gay”: the source may not say this"),
    ("Is Sokirianskaia with Human Rights Watch?", "the source describes Ekaterina Sokirianskaia as “Russia Project "
                                                  "Director with the International Crisis Group”, which does not have"),
    ("Does Sokirianskaia work for Human Rights Watch?", "the source describes Ekaterina Sokirianskaia as “Russia "
                                                        "Project Director with the International Crisis Group”"),
    # "did" too (a journalist's review): she stays "despite death threats", and the answer had said nothing
    ("Did Milashina leave Russia?", "the first quote (¶15) does not have “leave”: the source may not say this"),
])
def test_a_yes_no_question_about_someone_named_is_read_as_a_claim(assistant, question, note):
    answer = assistant.ask(question)
    assert answer.reason is not None and note in answer.reason


def test_yes_no_claims_are_read_from_named_subjects_only():
    from retrieval.answer import yes_no_claim

    assert yes_no_claim("Is Kadyrov gay?") == "Kadyrov is gay"
    assert yes_no_claim("was Elena Milashina arrested") == "Elena Milashina was arrested"
    assert yes_no_claim("Is it true that Putin resigned?") == "Putin resigned"
    assert yes_no_claim("Did Kadyrov post on Instagram?") == "Kadyrov did post on Instagram"
    assert yes_no_claim("Did the minister post on Instagram?") is None  # a named subject only
    assert yes_no_claim("Is there a hotline?") is None and yes_no_claim("Is the network based in Moscow?") is None
    assert yes_no_claim("Who is Kadyrov?") is None


def test_who_is_someone_named_gets_how_the_source_describes_them(assistant):
    answer = assistant.ask("Who is Ekaterina Sokirianskaia?")
    assert not answer.abstained and answer.reason.startswith(
        "how the source describes Ekaterina Sokirianskaia: "
        "“Russia Project Director with the International Crisis Group”")
    assert answer.citations[0].quote.startswith("Ekaterina Sokirianskaia, Russia Project Director")
    assert assistant.ask("Who is Ramzan Kadyrov?").reason.startswith(  # not quoted: his title before his name
        "how the source describes Ramzan Kadyrov: “Chechen President”")
    assert assistant.ask("Who is Ben Winsor?").reason == "the sentences that name Ben Winsor"  # the byline alone
    assert assistant.ask("Who is Donald Trump?").abstained  # no sentence names him: the search's answer


@pytest.mark.parametrize("question", [
    "Chechen reaction", "What did the minister say about the editors?", "What did Sokirianskaia say about Putin?",
    "Who is quoted?", "What is Milashina's job?", "Who wrote the article?", "When was it published?",
    "How many requests for help has the network received?", "Who is the prosecutor leading the investigation?",
    "Is it true that Kadyrov apologised?", "What does the photo show?", "Does the article mention the UN?",
    "What did Putin say?", "Who said 'All it would take is a phone call from Putin'?",
])
def test_an_answer_is_never_below_its_bar_and_a_decline_never_above_it(assistant, question):
    """A journalist's review: "Chechen reaction" was answered with the minister's quotes at 0.352 against a bar
    of 0.357; a developer reading the JSON takes confidence against threshold as the decision."""
    answer = assistant.ask(question)
    assert (answer.confidence >= answer.threshold) is (not answer.abstained)


def test_what_an_organisation_is_comes_from_how_the_source_describes_it_or_not_at_all(assistant):
    """A journalist's review: "What kind of organisation is the International Crisis Group?" was answered with
    Sokirianskaia's job, and "What is the Russia LGBT Network?" put its evacuations before "an NGO based in
    the country"."""
    crisis = assistant.ask("What kind of organisation is the International Crisis Group?")
    assert crisis.abstained and not crisis.citations
    assert crisis.reason == "the source names the International Crisis Group (¶8) but does not say what it is"
    assert crisis.confidence < crisis.threshold and "International Crisis Group" in crisis.closest[0].quote
    # what the ledger knows by other words is not what was asked about (a code review: "Chechnya" had been
    # the "Chechen Minister for Information", "Russia" the "Russia LGBT Network")
    russia = assistant.ask("What kind of organisation is Russia?")
    assert russia.abstained and russia.reason.startswith("the source names Russia (")
    network = assistant.ask("What is the Russia LGBT Network?")
    assert not network.abstained and "an NGO based in the country" in network.citations[0].quote
    assert network.reason.startswith("how the source describes Russia LGBT Network: “an NGO based in the country”")


def test_the_related_stories_are_the_other_stories_teasers_and_the_links(assistant):
    # a journalist's review: the one "Related:" line had been all, the four teasers of other stories left out
    answer = assistant.ask("What are the related stories?", k=20)
    assert answer.reason.startswith("the other stories' teasers and the links to other stories on the page")
    assert {c.section for c in answer.citations} == {"teaser", "related"}
    assert answer.citations[0].quote == "Russia to question journalists over Chechnya gay persecution reports"
    assert any(c.quote.startswith("Related: Gaycation heads to the Ukraine") for c in answer.citations)
    # the link asked for is the link (a code review: with k=3 the teasers had filled the answer)
    link = assistant.ask("What is the related link?")
    assert [c.quote for c in link.citations] == ["Related: Gaycation heads to the Ukraine - SBS Viceland"]
    assert [c.start for c in answer.citations] == sorted(c.start for c in answer.citations)  # in page order


def test_no_one_named_so_still_points_at_narration_that_reports_them(assistant):
    """A journalist's review: "What have Kadyrov's spokespeople said?" got "the source quotes no one named
    Kadyrov's spokespeople", as if nothing were reported, while ¶19 says what the Chechen leader's did."""
    answer = assistant.ask("What have Kadyrov's spokespeople said?")
    assert answer.abstained
    assert answer.reason.startswith("the source quotes no one named Kadyrov's spokespeople; the passage listed "
                                    "first (¶19) reports what someone said")
    assert answer.closest[0].quote.startswith("Spokespeople for the Chechen leader have denied")
    assert "listed first" not in (assistant.ask("What did the US State Department say?").reason or "")


def test_someone_else_quoted_on_the_topic_is_named_only_for_more_than_what_the_source_is_about(assistant):
    """A journalist's review: "What did Putin say about Chechnya?" added "it quotes the Russia LGBT Network on that",
    as if the network spoke for him; Chechnya is in the title, what every speaker talks about."""
    assert "it quotes" not in assistant.ask("What did Putin say about Chechnya?").reason
    assert assistant.ask("What did Kadyrov write on Instagram?").reason.endswith(
        "it quotes the Chechen Minister for Information on that (¶22)")


@pytest.mark.parametrize("question, answered", [
    # the page's date is not another report's (a fact-checker's review: it had been the answer, at 0.63)
    ("On what date was Novaya Gazeta's original report published?", False),
    ("Did Ben Winsor write the article?", True),
])
def test_the_dateline_and_byline_answer_for_this_page_only(assistant, question, answered):
    answer = assistant.ask(question)
    assert answer.abstained is not answered
    assert (answer.citations or answer.closest)[0].section in ("dateline", "byline")
