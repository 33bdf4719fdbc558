"""The running app, headless: `/ask` over `gradio_client` and plain HTTP returns the Answer as JSON."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import ARTICLE
from conftest_app import AppServer, start_app, stop_app

pytestmark = pytest.mark.slow

ANSWERABLE = "How many requests for help has the Russia LGBT Network received?"
UNANSWERABLE = "What is the boiling point of water on Mars?"


@pytest.fixture(scope="module")
def server(tmp_path_factory, article_index: Path) -> AppServer:
    """The app on an index of the article."""
    folder = tmp_path_factory.mktemp("app")
    running = start_app(article_index, folder / "server.log")
    yield running
    stop_app(running)


@pytest.fixture(scope="module")
def assistant(server: AppServer):
    """The Python API on the index the app built."""
    from retrieval import Assistant

    return Assistant.load(server.index_dir)


def test_the_projects_index_is_built_at_start_when_missing(tmp_path: Path, monkeypatch):
    """The default index (the project's) is built from data/ when missing; a folder named with
    --index-dir must hold an index (a developer's review: a mistyped one served the project's article)."""
    import app
    from retrieval import IndexMissingError

    monkeypatch.setattr(app, "INDEX_DIR", tmp_path / "fresh-index")
    assistant = app.load_assistant()
    assert (tmp_path / "fresh-index" / "manifest.json").is_file()
    assert [Path(d.path).name for d in assistant.retriever.manifest.sources] == [ARTICLE.name]
    with pytest.raises(IndexMissingError, match="no index at"):
        app.load_assistant(tmp_path / "typo-index")
    assert not (tmp_path / "typo-index" / "manifest.json").exists()


@pytest.fixture(scope="module")
def client(server: AppServer):
    from gradio_client import Client

    return Client(server.url, verbose=False)


def same(got: Any, want: Any) -> bool:
    """Equal, with floats compared to 1e-6 (another process may round differently)."""
    if isinstance(want, float) and isinstance(got, (int, float)):
        return got == pytest.approx(want, abs=1e-6)
    if isinstance(want, dict):
        return isinstance(got, dict) and got.keys() == want.keys() and all(same(got[k], want[k]) for k in want)
    if isinstance(want, list):
        return isinstance(got, list) and len(got) == len(want) and all(map(same, got, want))
    return got == want


def test_ask_returns_the_python_api_answer(client, assistant):
    got = client.predict(ANSWERABLE, api_name="/ask")
    want = json.loads(assistant.ask(ANSWERABLE).model_dump_json())
    assert same(got, want), (got, want)
    assert not got["abstained"] and "around 50" in got["citations"][0]["quote"]
    first = got["citations"][0]
    assert assistant.documents[first["doc_id"]].text[first["start"]:first["end"]] == first["quote"]


def test_ask_abstains_off_source(client):
    got = client.predict(UNANSWERABLE, api_name="/ask")
    assert got["abstained"] is True and got["citations"] == []
    assert got["confidence"] < got["threshold"]


def test_bad_question_gives_its_message(client, server):
    with pytest.raises(Exception, match="question is empty"):
        client.predict("   ", api_name="/ask")
    assert server.proc.poll() is None
    assert "Traceback" not in server.log_text()


def test_script_in_question_comes_back_as_data(client):
    question = "<img src=x onerror=alert(1)> <script>alert(2)</script> who rules?"
    assert client.predict(question, api_name="/ask")["question"] == question


def test_several_users_at_once(client):
    questions = [ANSWERABLE, UNANSWERABLE, "Who rules Chechnya?", ANSWERABLE]
    with ThreadPoolExecutor(len(questions)) as pool:
        answers = list(pool.map(lambda q: client.predict(q, api_name="/ask"), questions))
    assert [a["question"] for a in answers] == questions
    assert same(answers[0], answers[3])


def test_ask_is_the_only_public_endpoint(client):
    api = client.view_api(return_format="dict", print_info=False)
    assert list(api["named_endpoints"]) == ["/ask"]
    params = api["named_endpoints"]["/ask"]["parameters"]
    assert [p["parameter_name"] for p in params] == ["question"]


def test_plain_http_two_step_call(server):
    """The curl recipe in the README: POST the question, then read the event stream."""
    post = httpx.post(f"{server.url}/gradio_api/call/ask", json={"data": [ANSWERABLE]}, timeout=30)
    event_id = post.json()["event_id"]
    stream = httpx.get(f"{server.url}/gradio_api/call/ask/{event_id}", timeout=60).text
    lines = stream.splitlines()
    assert "event: complete" in lines
    data = lines[lines.index("event: complete") + 1].removeprefix("data: ")
    (answer,) = json.loads(data)
    assert answer["question"] == ANSWERABLE and "around 50" in answer["citations"][0]["quote"]


def test_rest_api_one_request_one_answer(server, assistant):
    """`POST /api/ask`: plain JSON in and out, the same Answer as the Python API."""
    got = httpx.post(f"{server.url}/api/ask", json={"question": ANSWERABLE}, timeout=60)
    assert got.status_code == 200
    assert same(got.json(), json.loads(assistant.ask(ANSWERABLE).model_dump_json()))
    blank = httpx.post(f"{server.url}/api/ask", json={"question": "  "}, timeout=30)
    assert blank.status_code == 400 and "question is empty" in blank.json()["error"]
    wrong = httpx.post(f"{server.url}/api/ask", content=b"not json", timeout=30)
    assert wrong.status_code == 400 and wrong.json()["error"].startswith("send a JSON object")
    for body, said in (({"question": 42}, '"question" as int'), ({"q": "Who?"}, 'no "question"'),
                       ({"question": None}, '"question": null')):  # a developer's review: it had said 'no "question"'
        odd = httpx.post(f"{server.url}/api/ask", json=body, timeout=30)
        assert odd.status_code == 400 and odd.json()["error"].startswith(f'"question" must be text; got {said}')
    typo = httpx.post(f"{server.url}/api/ask", json={"question": ANSWERABLE, "kk": 5}, timeout=30)
    assert typo.status_code == 400  # a developer's review: the typo had been answered with 3 quotes, without a word
    assert typo.json()["error"] == 'unknown key "kk": send only {"question": "...", "k": 3}'
    huge = httpx.post(f"{server.url}/api/ask", content=b"x" * 100_000, timeout=30)
    assert huge.status_code == 413
    misspelt = httpx.post(f"{server.url}/api/ask", json={"question": "Who is Kadirov?"}, timeout=60).json()
    assert misspelt["question"] == "Who is Kadirov?" and misspelt["read_as"] == "Who is Kadyrov?"
    # `k` as in the Python API and the CLI (it had been ignored: 3 quotes whatever was asked)
    many = httpx.post(f"{server.url}/api/ask", json={"question": "What did Sokirianskaia say?", "k": 6}, timeout=60)
    assert many.status_code == 200 and len(many.json()["citations"]) == 6
    assert same(many.json(), json.loads(assistant.ask("What did Sokirianskaia say?", k=6).model_dump_json()))
    for bad in (0, "5", 2.5, True, 1000):
        got = httpx.post(f"{server.url}/api/ask", json={"question": ANSWERABLE, "k": bad}, timeout=30)
        assert got.status_code == 400 and '"k" must be a whole number' in got.json()["error"]


def test_binds_localhost_and_no_share_link(server):
    log = server.log_text()
    assert f"http://127.0.0.1:{server.port}" in log
    assert "gradio.live" not in log


def test_stale_source_is_flagged_by_the_api_and_the_chat(tmp_path: Path):
    """Edit a copied article after indexing: `/ask` flags its citations stale, the chat warns."""
    import shutil

    import app
    from conftest import ARTICLE
    from retrieval import Answer, build_index

    source = tmp_path / ARTICLE.name
    shutil.copy(ARTICLE, source)
    build_index([source], tmp_path / "index")
    source.write_text("An editor's note was added.\n\n" + ARTICLE.read_text(encoding="utf-8"), encoding="utf-8")
    running = start_app(tmp_path / "index", tmp_path / "server.log")
    try:
        from gradio_client import Client

        got = Client(running.url, verbose=False).predict(ANSWERABLE, api_name="/ask")
        # rebuilt while the app runs: answered from the new index at once, no restart (an evaluator's review)
        build_index([source], tmp_path / "index")
        time.sleep(1.2)  # the index folder is looked at at most once a second
        rebuilt = httpx.post(f"{running.url}/api/ask", json={"question": ANSWERABLE}, timeout=120).json()
    finally:
        stop_app(running)
    assert rebuilt["citations"] and not any(c["stale"] for c in rebuilt["citations"])
    fresh = rebuilt["citations"][0]
    assert source.read_text(encoding="utf-8")[fresh["start"]:fresh["end"]] == fresh["quote"]
    assert f"warning: sources changed since {tmp_path / 'index'} was built" in running.log_text()
    assert got["citations"] and all(c["stale"] for c in got["citations"])
    first = got["citations"][0]
    assert source.read_text(encoding="utf-8")[first["start"]:first["end"]] != first["quote"]
    assert ARTICLE.read_text(encoding="utf-8")[first["start"]:first["end"]] == first["quote"]  # indexed text
    head = app.format_reply(Answer.model_validate(got))[0]["content"]
    assert "⚠ Warning: the source changed after it was indexed." in head and "⚠ Stale citation:" in head


def test_rest_api_refuses_another_method_in_its_own_error_shape(server):
    """A developer's review: `GET /api/ask` gave Starlette's 405 `{"detail": "Method Not Allowed"}`, not the API's
    documented `{"error": …}`."""
    got = httpx.get(f"{server.url}/api/ask", timeout=30)
    assert got.status_code == 405 and got.headers["allow"] == "POST"
    assert got.json()["error"].startswith("GET is not served here: POST a JSON object")
    assert httpx.post(f"{server.url}/api/ask", json={"question": ANSWERABLE}, timeout=60).status_code == 200


def test_rest_api_answers_an_unknown_path_in_its_own_error_shape(server):
    """A developer's review: `POST /api/asks` (a typo) gave Starlette's 404 `{"detail": "Not Found"}`."""
    got = httpx.post(f"{server.url}/api/asks", json={"question": ANSWERABLE}, timeout=30)
    assert got.status_code == 404
    assert got.json()["error"] == ('/api/asks is not served here: the HTTP API is POST /api/ask with '
                                   '{"question": "...", "k": 3}')
    assert httpx.get(f"{server.url}/", timeout=30).status_code == 200  # Gradio's own pages are still served
