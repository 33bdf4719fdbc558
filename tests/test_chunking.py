import pytest

from retrieval.chunking import ChunkSettings, make_passages, pack_sentences, sentence_spans, split_paragraphs
from retrieval.ingest import load_document, make_document
from retrieval.models import Span

from conftest import ARTICLE


def test_sentence_spans_are_exact_and_trimmed():
    text = "  Dr. Smith arrived at 5 p.m. today. She left!  Then what?  "
    spans = sentence_spans(text)
    assert [text[s.start:s.end] for s in spans] == ["Dr. Smith arrived at 5 p.m. today.", "She left!", "Then what?"]


def test_a_list_bullet_is_not_part_of_the_sentence():
    text = "• Delegates arrive in Geneva. They meet on Monday.\n\n▪ Talks resume.\n\n•\n"
    assert [text[s.start:s.end] for s in sentence_spans(text)] == [
        "Delegates arrive in Geneva.", "They meet on Monday.", "Talks resume.", "•"]


def test_article_sections():
    doc = load_document(ARTICLE)
    sections = [p.section for p in doc.paragraphs]
    assert sections[:5] == ["caption", "standfirst", "byline", "dateline", "body"]
    assert sections.count("teaser") == 4
    assert sections.count("related") == 1
    teasers = [doc.text[p.start:p.end].split("\n")[0] for p in doc.paragraphs if p.section == "teaser"]
    assert teasers[0] == "Russia to question journalists over Chechnya gay persecution reports"
    assert teasers[-1].startswith("Russia bans image of Vladimir Putin in drag")


def test_a_wire_lead_is_the_report_not_a_caption():
    text = ("Talks to resume next week\n\n"
            "WASHINGTON (AP) — The talks will resume on Monday, officials said.\n\n"
            "Both sides agreed to meet in Geneva.\n\n"
            "• Delegates arrive in Geneva. (AP Photo/Jane Doe)\n")
    doc = make_document(text, doc_id="wire")
    sections = [p.section for p in doc.paragraphs]
    assert sections[:3] == ["headline", "body", "body"]
    # after the body, a bulleted line is body too; before it, a credited line is a caption
    caption = make_document("• Delegates arrive in Geneva. (AP Photo/Jane Doe)\n\nThe talks resume.\n",
                            doc_id="c")
    assert [p.section for p in caption.paragraphs] == ["caption", "standfirst"]
    # a wire lead under a caption is still the report's first paragraph, not a summary
    lead = make_document("• Delegates arrive. (AP Photo/Jane Doe)\n\nGENEVA (AP) — The talks resume.\n",
                         doc_id="l")
    assert [p.section for p in lead.paragraphs] == ["caption", "body"]


def test_captions_inside_the_report_are_found_by_their_credit():
    body = "The talks resumed on Monday, officials said."
    lines = [
        body,
        "Delegates in Geneva on Monday. Photograph: Jane Doe/AP",       # the Guardian's style
        "Image source, Getty Images",                                   # the BBC's
        "Image caption, The delegates met for six hours",
        "Delegates arrive in Geneva. (AP Photo/Jane Doe)",
        "The photo archive of Getty Images holds millions of pictures.",  # a sentence about it
        "Both sides agreed to meet again.",
    ]
    doc = make_document("\n\n".join(lines) + "\n", doc_id="page")
    assert [p.section for p in doc.paragraphs] == ["body", "caption", "caption", "caption", "caption",
                                                   "body", "body"]


def test_every_sentence_lies_inside_its_paragraph():
    doc = load_document(ARTICLE)
    for p in doc.paragraphs:
        assert doc.text[p.start:p.end].strip() == doc.text[p.start:p.end]
        for s in p.sentences:
            assert p.start <= s.start < s.end <= p.end


def test_pack_sentences_respects_cap_and_overlap():
    spans = tuple(Span(start=i * 10, end=i * 10 + 9) for i in range(6))
    groups = pack_sentences(spans, max_chars=25, overlap=1)
    assert all(g[-1].end - g[0].start <= 25 for g in groups)
    assert groups[0][-1] == groups[1][0]  # one sentence repeated across the split
    assert groups[-1][-1] == spans[-1]


def test_long_paragraph_is_split_with_offsets():
    text = " ".join(f"Sentence number {i} is here." for i in range(40))
    doc = make_document(text, doc_id="long")
    passages = make_passages(doc, ChunkSettings(max_chars=200, overlap_sentences=1))
    assert len(passages) > 1
    for p in passages:
        assert doc.text[p.start:p.end] == p.text
        assert len(p.text) <= 200
    assert len({p.passage_id for p in passages}) == len(passages)


def test_one_line_without_punctuation():
    doc = make_document("just some words with no punctuation at all", doc_id="x")
    (passage,) = make_passages(doc)
    assert passage.text == doc.text and passage.section == "body"


def test_headline_teaser_needs_body_first():
    paragraphs = split_paragraphs("Intro sentence here.\n\nOther story headline here\nIts summary sentence.")
    assert [p.section for p in paragraphs] == ["body", "teaser"]


def test_a_page_opening_with_its_headline():
    """A page with its headline, summary, byline and dateline on top: the summary had been read as the
    report's first paragraph, and then the byline as body text ("Who wrote the article?" went unanswered)."""
    page = ("Council approves new bridge after years of delays\n"
            "The city council has voted to build a new pedestrian bridge.\n"
            "Jane Citizen\n\n3 Mar 2021 - 09:15 AM\n\n"
            "The city council voted 7 to 2 on Tuesday night.\n\nThe mayor welcomed it.\n")
    assert [p.section for p in split_paragraphs(page)] == [
        "headline", "standfirst", "byline", "dateline", "body", "body"]
    # with no byline or dateline after it, the sentence under the headline is the report's first
    plain = "Council approves new bridge\n\nThe council voted on Tuesday to build a bridge.\n\nThe mayor welcomed it.\n"
    assert [p.section for p in split_paragraphs(plain)] == ["headline", "body", "body"]


@pytest.mark.parametrize("dateline, iso", [
    ("RIVERTON, 3 March 2024", "2024-03-03"),
    ("NEW YORK, March 3, 2024", "2024-03-03"),
    ("March 3, 2024", "2024-03-03"),
    ("Posted 3 March 2024", "2024-03-03"),
    ("Posted: March 3, 2024 at 9:15 am", "2024-03-03"),
    ("Tuesday, 3 March 2024 10:02 AEDT", "2024-03-03"),
])
def test_datelines_of_other_shapes_at_the_top(dateline, iso):
    """"RIVERTON, 3 March 2024" had been read as a headline: the page had no date, and the line was
    quoted (0.75) for "What is the population of Riverton?"."""
    page = (f"Council approves new cycle lanes\n\nBy Jane Porter\n\n{dateline}\n\n"
            "The council voted 7 to 4 on Tuesday night.\n\nMarch 3, 2024 was a long night for the mayor.\n")
    assert [p.section for p in split_paragraphs(page)] == ["headline", "byline", "dateline", "body", "body"]
    assert make_document(page, doc_id="lanes").date == iso


@pytest.mark.parametrize("line, section", [("ABSTRACT", "body"), ("Methods", "body"), ("Ben Winsor", "byline"),
                                           ("By Winsor", "byline")])
def test_one_word_under_a_title_is_a_heading_not_a_byline(line, section):
    """A developer's review: a trial's "ABSTRACT" heading was read as its byline, so the paper was judged as a news
    page (with a news page's higher bar)."""
    from retrieval.chunking import tag_section

    assert tag_section(line, index=3, seen_body=False) == section
