"""End to end in headless Chromium: quotes, citation labels, the highlight in the source panel, the
abstention, and that HTML or script in a question or a source shows as text and never runs."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from conftest import ARTICLE
from conftest_app import ROOT, AppServer, start_app, stop_app

pytestmark = [pytest.mark.slow, pytest.mark.browser]

_spec = importlib.util.spec_from_file_location("screenshot", ROOT / "scripts" / "screenshot.py")
screenshot = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(screenshot)

if not screenshot.chromium_path():
    pytest.skip("Chromium not installed (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

from app import quoted  # noqa: E402
from retrieval.models import for_pasting  # noqa: E402

ANSWERABLE = "How many requests for help has the Russia LGBT Network received?"
SEVERAL = "What did Ms Milashina say?"  # three quotes, all shown
# whether the quote in focus stands inside the source panel's own box
FOCUS_IN_PANEL = """() => {
    const panel = document.querySelector('#source .source-box').getBoundingClientRect();
    const box = document.querySelector('#source .quote-focus').getBoundingClientRect();
    return panel.top <= box.top && box.bottom <= panel.bottom + 1;
}"""
UNANSWERABLE = "What is the boiling point of water on Mars?"
XSS = "<img src=x onerror=alert(1)> <script>alert(2)</script>"
TITLE = "SBS News: persecution of gay men in Chechnya"
# A second source whose text holds HTML and script.
HOSTILE_SOURCE = (
    "Museum notice\n\n"
    "The museum web page showed visitors the code <img src=x onerror=alert(3)> and "
    "<script>alert(4)</script> in its gallery of strange markup.\n"
)
HOSTILE_QUESTION = "What code did the museum web page show visitors in its gallery of strange markup?"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> AppServer:
    from retrieval import build_index

    folder = tmp_path_factory.mktemp("browser")
    (folder / "museum-notice.txt").write_text(HOSTILE_SOURCE, encoding="utf-8")
    build_index([ARTICLE, folder / "museum-notice.txt"], folder / "index")
    running = start_app(folder / "index", folder / "server.log")
    yield running
    stop_app(running)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = screenshot.launch_browser(p)
        yield b
        b.close()


@pytest.fixture
def dialogs() -> list[str]:
    return []


@pytest.fixture
def page(browser, server, dialogs):
    """A fresh page on the app; any alert/confirm/prompt is recorded (and must never happen)."""
    page = screenshot.open_app(browser, server.url)
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    yield page
    page.close()
    assert dialogs == [], f"a script ran on the page: {dialogs}"


@pytest.fixture(scope="module")
def api(server):
    from gradio_client import Client

    return Client(server.url, verbose=False)


def last_reply(page: Page):
    return page.locator("#chat .bot-row").last


def shown(api_answer: dict) -> list[dict]:
    """The citations the chat shows for an `/ask` answer (first, then those above the floor)."""
    import app
    from retrieval import Answer

    answer = app.shown_answer(Answer.model_validate(api_answer))
    return [c.model_dump(mode="json") for c in answer.citations]


def test_page_explains_and_offers_examples(page: Page):
    expect(page.locator("#intro")).to_contain_text("verbatim quotes from the source article only")
    expect(page.get_by_text("Example questions")).to_be_visible()
    expect(page.locator("#source")).to_contain_text("Activists are working to evacuate")


def test_answer_shows_quotes_citations_and_highlight(page: Page, api):
    expected = api.predict(ANSWERABLE, api_name="/ask")  # the page must show this very answer
    assert not expected["abstained"]
    citations = shown(expected)
    assert len(citations) < 3  # the API's k=3 holds everything the chat shows
    screenshot.ask(page, ANSWERABLE)

    reply = last_reply(page)
    for n, c in enumerate(citations, start=1):
        expect(reply).to_contain_text(f"[{n}] {quoted(c['quote'])}")  # numbered, verbatim
        who = f" · speaker: {c['speaker']}" if c.get("speaker") else ""
        expect(reply).to_contain_text(
            f"[{n}] {TITLE} · ¶{c['paragraph']} · {c['section_label']}{who} · confidence "
        )
    assert "around 50" in citations[0]["quote"]

    # The source panel highlights each quote at its offsets, labelled with its number.
    marks = page.locator("#source .token.highlighted")
    expect(marks).to_have_count(len(citations))
    first = page.locator("#source mark[data-n='1']")
    expect(first.locator(".label")).to_have_attribute("data-label", "[1]")
    expect(first.locator(".text")).to_have_text(citations[0]["quote"])
    expect(page.locator("#source .quote-focus")).to_contain_text(citations[0]["quote"])  # in view

    # Copy-ready form with attribution: the first quote is the network's reported speech.
    copy = page.locator("#copy textarea").input_value().splitlines()
    assert citations[0]["speaker"] == "Russia LGBT Network" and citations[0]["quote_kind"] == "reported"
    assert copy[0] == (f"[1] {for_pasting(citations[0]['quote'])} — {TITLE}, 19 April 2017, "
                       f"¶{citations[0]['paragraph']} (reported speech of Russia LGBT Network)")
    assert "‘around 50’" in copy[0]  # the source's own quote marks inside, turned single
    assert len(copy) == len(citations)

    # No per-message copy button: it copied the reply's Markdown source (`**[1]**`, escapes).
    expect(page.locator("#chat button[aria-label='Copy message']")).to_have_count(0)

    # A citation's collapsible block opens on a click and shows its details.
    details = reply.get_by_text(f"Characters: {citations[0]['start']}–{citations[0]['end']}")
    expect(details).to_be_hidden()  # closed until opened
    reply.get_by_text(f"[1] ¶{citations[0]['paragraph']} · ").click()
    expect(details).to_be_visible()


def test_choosing_a_citation_brings_it_into_view(page: Page, api):
    citations = shown(api.predict(SEVERAL, api_name="/ask"))
    assert len(citations) == 3 and all(c["speaker"] == "Elena Milashina" for c in citations)
    screenshot.ask(page, SEVERAL)
    expect(page.locator("#source .token.highlighted")).to_have_count(3)  # all of them
    target = len(citations)  # the last one
    page.locator("#citations label").nth(target - 1).click()
    focus = page.locator("#source .quote-focus")
    expect(focus.locator(".label")).to_have_attribute("data-label", f"[{target}]")
    expect(focus).to_be_in_viewport()
    expect(page.locator("#question textarea")).to_be_in_viewport()  # only the panel scrolled
    # the panel scrolls smoothly, and on a loaded machine its HTML may be drawn again after the first scroll (which
    # resets it to its top; the app scrolls again when it changes): wait for the quote to stand inside the panel,
    # let a late redraw land, and wait again; then the boxes, measured at one instant
    page.wait_for_function(FOCUS_IN_PANEL, timeout=10_000)
    page.wait_for_timeout(1_500)
    page.wait_for_function(FOCUS_IN_PANEL, timeout=10_000)
    panel, box = page.evaluate("""() => ['#source .source-box', '#source .quote-focus'].map(
        (selector) => document.querySelector(selector).getBoundingClientRect().toJSON())""")
    assert panel["y"] <= box["y"] and box["y"] + box["height"] <= panel["y"] + panel["height"] + 1


def test_choosing_the_chosen_citation_again_brings_it_back_into_view(page: Page):
    """A journalist in the browser reported that with [2] chosen and the panel scrolled away, choosing [2] again did
    nothing; not so here (the choice is sent again, and the panel scrolls back): kept so that it stays so."""
    screenshot.ask(page, SEVERAL)
    page.locator("#citations label").nth(1).click()
    focus = page.locator("#source .quote-focus")
    expect(focus.locator(".label")).to_have_attribute("data-label", "[2]")
    page.wait_for_function(FOCUS_IN_PANEL, timeout=10_000)
    page.evaluate("() => { const b = document.querySelector('#source .source-box'); b.style.scrollBehavior = 'auto';"
                  " b.scrollTop = b.scrollHeight; b.style.scrollBehavior = ''; }")
    page.wait_for_function(f"() => !({FOCUS_IN_PANEL})()", timeout=5_000)  # scrolled away from it
    page.locator("#citations label").nth(1).click()
    page.wait_for_function(FOCUS_IN_PANEL, timeout=10_000)


def test_choosing_a_citation_below_the_window_brings_the_panel_to_it(browser, server):
    """A journalist in the browser: with many citations the source panel lay below a 900 px window, and choosing one
    changed nothing they could see."""
    page = browser.new_page(viewport={"width": 1280, "height": 600})
    try:
        page.goto(server.url, wait_until="domcontentloaded")
        screenshot.ask(page, "What did Sokirianskaia say?")
        labels = page.locator("#citations label")
        labels.last.click()  # scrolled to by the click; the panel lies below it
        focus = page.locator("#source .quote-focus")
        expect(focus.locator(".label")).to_have_attribute("data-label", f"[{labels.count()}]")
        expect(focus).to_be_in_viewport()
    finally:
        page.close()


def test_a_citation_focused_from_the_keyboard_is_clearly_outlined(page: Page):
    """A journalist in the browser, by keyboard alone: the focus ring on the citations was faint."""
    screenshot.ask(page, SEVERAL)
    label = page.locator("#citations label").first
    label.locator("input").focus()
    outline = label.evaluate("el => getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).outlineWidth")
    assert outline == "solid 3px"


def test_unanswerable_question_abstains(page: Page):
    screenshot.ask(page, UNANSWERABLE)
    reply = last_reply(page)
    expect(reply).to_contain_text("The article does not answer this question.")
    expect(reply).not_to_contain_text("quotes from the source")
    expect(reply).to_contain_text("Closest passages (not an answer)")
    labels = page.locator("#source .token.highlighted .label")
    expect(labels.first).to_have_attribute("data-label", re.compile("not an answer$"))
    assert all(label.get_attribute("data-label").endswith("not an answer") for label in labels.all())
    # readable: the label's text on its grey at least 4.5:1 (WCAG AA); it was white on light grey
    from test_app_format import contrast

    colours = labels.first.evaluate("l => [getComputedStyle(l, '::after').color, "
                                    "getComputedStyle(l, '::after').backgroundColor]")
    hexes = ["#" + "".join(f"{int(v):02x}" for v in re.findall(r"\d+", c)[:3]) for c in colours]
    assert contrast(*hexes) >= 4.5, colours
    expect(page.locator("#copy textarea")).to_have_value("")


def test_script_in_question_shows_as_text(page: Page, dialogs: list[str]):
    screenshot.ask(page, XSS)
    expect(page.locator("#chat .user-row").last).to_have_text(XSS)
    assert page.locator("#chat img[src='x']").count() == 0
    assert page.locator("#chat script").count() == 0
    page.wait_for_timeout(500)  # give an onerror handler time to fire, if there were one
    assert dialogs == []


def test_script_in_source_shows_as_text(page: Page, dialogs: list[str]):
    screenshot.ask(page, HOSTILE_QUESTION)
    source = page.locator("#source")
    expect(source).to_contain_text("the code <img src=x onerror=alert(3)> and <script>alert(4)</script>")
    marks = page.locator("#source .token.highlighted")
    expect(marks.filter(has_text="<img src=x onerror=alert(3)>")).to_have_count(1)
    assert page.locator("img[src='x']").count() == 0
    reply = last_reply(page)
    if "does not answer" not in reply.inner_text():
        expect(reply).to_contain_text("<img src=x onerror=alert(3)> and <script>alert(4)</script>")
    page.wait_for_timeout(500)
    assert dialogs == []


def test_a_misquote_is_flagged_in_the_chat(page: Page):
    screenshot.ask(page, "Did Sokirianskaia say “it is a total disaster”?")
    reply = last_reply(page)
    expect(reply).to_contain_text("⚠ The source does not have the words “it is a total disaster” as written")
    expect(reply).to_contain_text("It is a real disaster, it's getting out of control")


def test_bad_question_gets_a_message_not_a_traceback(page: Page):
    """A journalist in the browser: after a question too long to answer, the last answer's citations and copy-ready
    quotes stayed, as if they answered it, and the message sat below the whole 3,000-character question."""
    screenshot.ask(page, SEVERAL)
    expect(page.locator("#copy textarea")).not_to_have_value("")
    screenshot.ask(page, "x" * 2001)
    reply = last_reply(page)
    expect(reply).to_contain_text("Cannot answer: the question is 2001 characters long")
    expect(reply).not_to_contain_text("Traceback")
    expect(page.locator("#chat .user-row").last).to_contain_text("(2,001 characters in all)")
    expect(page.locator("#copy textarea")).to_have_value("")
    expect(page.locator("#citations")).to_be_hidden()
    expect(page.locator("#source mark")).to_have_count(0)


def test_screenshot_script(browser, server: AppServer, tmp_path: Path):
    out = screenshot.shoot(browser, server.url, tmp_path / "shot.png")
    data = out.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 20_000


def test_quotes_tab_lists_speakers_and_highlights_a_chosen_quote(page: Page):
    page.get_by_role("tab", name="Quotes").click()
    expect(page.locator("#speakers")).to_contain_text(
        "Ekaterina Sokirianskaia (Russia Project Director with the International Crisis Group): ")
    quotes = page.locator("#quotes label")
    target = quotes.filter(has_text="Ekaterina Sokirianskaia · ¶11 · direct: “All it would take")
    expect(target).to_have_count(1)
    target.click()
    focus = page.locator("#source .quote-focus")
    expect(focus.locator(".text")).to_have_text("All it would take is a phone call from Putin,")
    expect(focus).to_be_in_viewport()
    expect(page.locator("#source .token.highlighted")).to_have_count(1)
    expect(page.locator("#copy textarea")).to_have_value(
        f"“All it would take is a phone call from Putin” — Ekaterina Sokirianskaia, quoted in {TITLE}, "
        "19 April 2017, ¶11"
    )


def test_who_said_names_the_speaker_in_the_chat(page: Page):
    screenshot.ask(page, "Who said 'All it would take is a phone call from Putin'?")
    reply = last_reply(page)
    expect(reply).to_contain_text("The source has these words word for word (¶11) and attributes them to "
                                  "Ekaterina Sokirianskaia")
    expect(reply).to_contain_text("speaker: Ekaterina Sokirianskaia")
    # the words, cited with the attribution that names her ([2]); only the words go in the copy box (a journalist in
    # the browser had "“… Ms Sokirianskaia says”" pasted as a quote)
    expect(reply).to_contain_text("Ms Sokirianskaia says")
    expect(page.locator("#copy textarea")).to_have_value(
        f"[1] “All it would take is a phone call from Putin” — Ekaterina Sokirianskaia, quoted in {TITLE}, "
        f"19 April 2017, ¶11"
    )


def test_a_misspelt_name_is_read_as_the_source_spells_it_in_the_chat(page: Page):
    screenshot.ask(page, "What did Sokirianskaya say?")
    reply = last_reply(page)
    expect(reply).to_contain_text("Read as: What did Sokirianskaia say?")
    expect(reply).to_contain_text("speaker: Ekaterina Sokirianskaia")


def test_who_is_quoted_in_the_chat(page: Page):
    screenshot.ask(page, "Who is quoted in the article?")
    reply = last_reply(page)
    expect(reply).to_contain_text("The source quotes 5 speakers: the Russia LGBT Network, Ekaterina Sokirianskaia")


MINISTER = "What did the Chechen Minister for Information say?"  # ¶21 and ¶22, after the ¶14 box


def article_paragraphs() -> dict[int, str]:
    from retrieval.ingest import load_document

    doc = load_document(ARTICLE)
    return {p.number: doc.text[p.start:p.end] for p in doc.paragraphs}


def test_source_panel_numbers_paragraphs_as_the_citations_do(page: Page, api):
    """The ¶N in the panel's margin is each block's `Citation.paragraph`, a related-story box (headline and
    blurb) one block, for quotes after such boxes (¶14, ¶23, ¶32); the numbers are not copied."""
    paragraphs = article_paragraphs()
    blocks = page.locator("#source .para[data-para]")
    expect(blocks).to_have_count(len(paragraphs))
    assert blocks.nth(13).evaluate("p => getComputedStyle(p, '::before').content") == '"¶14"'
    assert blocks.nth(13).evaluate("p => p.textContent") == paragraphs[14]  # headline + blurb: one block
    seen = set()
    for question in (MINISTER, ANSWERABLE, SEVERAL):
        citations = shown(api.predict(question, api_name="/ask"))
        screenshot.ask(page, question)
        for n, c in enumerate(citations, start=1):
            block = page.locator(f"#source mark[data-n='{n}']").locator("xpath=ancestor::p[1]")
            expect(block).to_have_attribute("data-para", str(c["paragraph"]))
            number = block.evaluate("p => getComputedStyle(p, '::before').content")
            assert number == f'"¶{c["paragraph"]}"'
            seen.add(c["paragraph"])
    assert {21, 22, 34} <= seen and max(seen) > 32


def test_source_panel_highlight_is_inline_and_copies_as_the_article(page: Page):
    """The quote is marked inside its paragraph's line (no lone “ on a line of its own), and selecting the
    paragraph copies exactly the article's text: no line breaks, no [1] label."""
    paragraph = article_paragraphs()[22]
    assert paragraph.startswith("“What reaction")
    screenshot.ask(page, MINISTER)
    mark = page.locator("#source .para[data-para='22'] mark")
    expect(mark).to_have_count(1)
    assert mark.evaluate("m => getComputedStyle(m).display") == "inline"
    same_line = mark.evaluate("""m => {
        const before = document.createRange();
        before.setStart(m.parentNode, 0);
        before.setEndBefore(m);
        const last = [...before.getClientRects()].pop();
        const first = m.getClientRects()[0];
        return last.top < first.bottom && first.top < last.bottom;  // they share a line box
    }""")
    assert same_line, "the quote's highlight starts on a line of its own"
    copied = page.locator("#source .para[data-para='22']").evaluate("""p => {
        const sel = window.getSelection();
        sel.selectAllChildren(p);
        const text = sel.toString();
        sel.removeAllRanges();
        return text;
    }""")
    assert copied == paragraph


LONG = "What did Sokirianskaia say?"  # many quotes: more than the chat box holds


@pytest.mark.parametrize("viewport", [{"width": 1366, "height": 768}, {"width": 390, "height": 844}],
                         ids=["laptop", "phone"])
def test_after_asking_the_answers_first_quote_is_in_view(browser, server, viewport):
    """Asking leaves the page where it is (it had scrolled ~900 px, ~2,400 px on a phone, to the highlight
    in the source panel) and the chat shows the new answer from its first quote, not its end."""
    page = browser.new_page(viewport=viewport)
    try:
        page.goto(server.url, wait_until="domcontentloaded")
        box = page.locator("#question textarea")
        box.wait_for(timeout=screenshot.REPLY_TIMEOUT_MS)
        replies = page.locator("#chat .bot-row")
        for n, question in enumerate((SEVERAL, LONG), start=1):
            box.fill(question)
            before = page.evaluate("window.scrollY")
            page.locator("#ask").click()
            expect(replies).to_have_count(n, timeout=screenshot.REPLY_TIMEOUT_MS)
            page.wait_for_timeout(800)  # the scrolls run after the reply is shown
            after = page.evaluate("window.scrollY")
            # never down to the source; up a little, when the answer's first line is above the window
            assert after <= before, f"the page scrolled down {after - before} px"
            first = replies.last.locator("strong", has_text="[1]").first
            expect(first).to_be_in_viewport(ratio=1)
        assert page.locator("#source .quote-focus").count() == 1  # the panel still shows the quote
    finally:
        page.close()


def test_one_selection_drives_highlight_and_copy_box_and_clearing_clears_them(page: Page, api):
    """A quote chosen in the Quotes tab, then citation [2]: the highlight and the copy box both follow
    [2] (the copy box had kept the Quotes tab's quote). The bin icon clears citations, highlight and copy box."""
    import app
    from retrieval import Answer

    answer = app.shown_answer(Answer.model_validate(api.predict(SEVERAL, api_name="/ask")))
    screenshot.ask(page, SEVERAL)
    copy = page.locator("#copy textarea")
    answer_copy = copy.input_value()
    assert answer_copy.startswith("[1] ") and len(answer_copy.splitlines()) == len(answer.citations)

    page.get_by_role("tab", name="Quotes").click()
    page.locator("#quotes label").filter(has_text="¶11 · direct: “All it would take").click()
    expect(page.locator("#source .quote-focus .text")).to_have_text("All it would take is a phone call from Putin,")
    expect(copy).to_have_value(re.compile("^“All it would take"))
    expect(page.locator("#citations input:checked")).to_have_count(0)

    page.locator("#citations label").nth(1).click()  # [2]
    focus = page.locator("#source .quote-focus")
    expect(focus).to_have_attribute("data-n", "2")
    expect(focus.locator(".text")).to_have_text(answer.citations[1].quote)
    expect(page.locator("#source mark")).to_have_count(len(answer.citations))
    expect(copy).to_have_value(answer_copy)  # the answer's quotes, as the highlight shows them
    expect(page.locator("#quotes input:checked")).to_have_count(0)

    # a quote of the Quotes tab, then back to the chat: its answer's quotes again (a journalist in the browser: the
    # other speaker's quote had stayed in the copy box beside the answer)
    page.get_by_role("tab", name="Quotes").click()
    page.locator("#quotes label").filter(has_text="¶11 · direct: “All it would take").click()
    expect(copy).to_have_value(re.compile("^“All it would take"))
    page.get_by_role("tab", name="Chat").click()
    expect(copy).to_have_value(answer_copy)
    expect(page.locator("#source mark")).to_have_count(len(answer.citations))

    page.locator("#chat button[aria-label='Clear']").click()
    expect(page.locator("#chat .bot-row")).to_have_count(0)
    expect(page.locator("#citations")).to_be_hidden()
    expect(copy).to_have_value("")
    expect(page.locator("#source mark")).to_have_count(0)
    expect(page.locator("#source .para[data-para]").first).to_be_attached()  # the article is still shown


def test_on_a_phone_the_chat_label_covers_no_message(browser, server):
    """At 390 px the floating "Chat" label sat over the first line of the answer at the top of the chat."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        page.goto(server.url, wait_until="domcontentloaded")
        page.locator("#question textarea").wait_for(timeout=screenshot.REPLY_TIMEOUT_MS)
        screenshot.ask(page, LONG)
        covered = page.locator("#chat").evaluate("""chat => {
            const bot = chat.querySelector("[data-testid=bot]");
            let box = bot.parentElement;  // the chat's scrolling box: bring the answer's first line to its top
            while (box !== chat && !(box.scrollHeight > box.clientHeight + 1
                                     && /(auto|scroll)/.test(getComputedStyle(box).overflowY))) {
                box = box.parentElement;
            }
            box.scrollTop += bot.getBoundingClientRect().top - box.getBoundingClientRect().top;
            const shown = (e) => e.getClientRects().length && getComputedStyle(e).visibility !== "hidden";
            const labels = [...chat.querySelectorAll("[data-testid=block-label]")].filter(shown);
            const messages = [...chat.querySelectorAll("[data-testid=bot], [data-testid=user]")];
            const meet = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
            return labels.filter((l) => messages.some((m) =>
                meet(l.getBoundingClientRect(), m.getBoundingClientRect()))).map((l) => l.textContent.trim());
        }""")
        assert covered == []
    finally:
        page.close()
