"""Make `docs/screenshot.png`: the chat answering a question, captured in headless Chromium.

Usage:
    python scripts/screenshot.py                       # start the app on a free port, capture, stop
    python scripts/screenshot.py --url http://127.0.0.1:7860 --out /tmp/shot.png

The browser is the system Chromium (`apt-get install chromium`; override with `$CHROMIUM`), since
`playwright install` needs a download. The helpers here also drive the browser tests.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "docs" / "screenshot.png"
DEFAULT_QUESTION = "How many requests for help has the Russia LGBT Network received?"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1400, "height": 960}
REPLY_TIMEOUT_MS = 60_000


def chromium_path() -> str | None:
    """The system Chromium: `$CHROMIUM`, else `chromium` on PATH, else None."""
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def launch_browser(playwright: "Playwright") -> "Browser":
    """Headless system Chromium, with no background network traffic."""
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)


def open_app(browser: "Browser", url: str) -> "Page":
    """A fresh page on the app, ready for a question."""
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(url, wait_until="domcontentloaded")
    page.locator("#question textarea").wait_for(timeout=REPLY_TIMEOUT_MS)
    return page


def ask(page: "Page", question: str) -> None:
    """Type a question, press Ask, and wait until its reply is on the page."""
    from playwright.sync_api import expect

    replies = page.locator("#chat .bot-row")
    before = replies.count()
    page.locator("#question textarea").fill(question)
    page.locator("#ask").click()
    expect(replies).to_have_count(before + 1, timeout=REPLY_TIMEOUT_MS)
    page.wait_for_timeout(400)  # the source panel's scroll to quote [1]


def shoot(browser: "Browser", url: str, out: Path, question: str = DEFAULT_QUESTION) -> Path:
    """With an open browser: ask `question` at `url`, open citation [1]'s details, save a PNG."""
    out.parent.mkdir(parents=True, exist_ok=True)
    page = open_app(browser, url)
    try:
        ask(page, question)
        details = page.locator("#chat").get_by_text("[1] ¶", exact=False).last
        if details.count():
            details.click()  # open the first citation's collapsible block
            page.wait_for_timeout(800)  # the opening animation
        # Scroll the chat (only) so that the question heads it.
        page.locator("#chat .user-row").last.evaluate(
            """row => { const box = row.closest('.bubble-wrap');
                        if (box) box.scrollTop += row.getBoundingClientRect().top
                                                  - box.getBoundingClientRect().top - 8; }"""
        )
        page.wait_for_timeout(200)
        page.screenshot(path=str(out))
    finally:
        page.close()
    return out


def capture(url: str, out: Path = DEFAULT_OUT, question: str = DEFAULT_QUESTION) -> Path:
    """Ask `question` on the app at `url` in headless Chromium and save a screenshot.

    Args:
        url: a running app.
        out: where to write the PNG.
        question: what to ask.

    Returns:
        The PNG's path.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_browser(p)
        try:
            return shoot(browser, url, out, question)
        finally:
            browser.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running app; default: start one on a free port")
    parser.add_argument("--index-dir", default="index", type=Path, help="index to serve (default: index)")
    parser.add_argument("--out", default=DEFAULT_OUT, type=Path, help=f"default: {DEFAULT_OUT}")
    parser.add_argument("--question", default=DEFAULT_QUESTION)
    args = parser.parse_args(argv)
    if not chromium_path():
        print("error: Chromium not found; apt-get install chromium, or set $CHROMIUM", file=sys.stderr)
        return 2
    if args.url:
        print(capture(args.url, args.out, args.question))
        return 0

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    sys.path.insert(0, str(ROOT))
    import app

    demo = app.build_app(app.load_assistant(args.index_dir))
    port = _free_port()
    demo.queue(default_concurrency_limit=app.CONCURRENCY_LIMIT).launch(
        server_name="127.0.0.1", server_port=port, share=False, css=app.CSS, ssr_mode=False,
        prevent_thread_lock=True, quiet=True,
    )
    try:
        print(capture(f"http://127.0.0.1:{port}", args.out, args.question))
    finally:
        demo.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
