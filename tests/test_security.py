"""Issue 7, part 5: loopback only, no share link, no file served from outside the app's assets,
nothing untrusted unpickled or evaluated, and limits on question length and request rate.

The served-app tests start `python -m retrieval serve` on a free 127.0.0.1 port over a
fake-embedder index (no model to load) and stop it by its own pid.
"""

from __future__ import annotations

import ast
import http.client
import json
import os
import pickle
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from retrieval import RetrievalError, Retriever, build_index
from retrieval.answer import MAX_QUESTION_CHARS
from retrieval.embedding import FakeEmbedder
from retrieval.ratelimit import (
    DEFAULT_LIMIT, RateLimitError, RateLimiter, client_key, parse_limit,
)

from conftest import ROOT, TINY

LIBRARY = ROOT / "src" / "retrieval"
SERVER_RATE_LIMIT = "6/600"
CANARY = "canary-4f1c9e-never-serve-me"


# ---- nothing untrusted is unpickled or evaluated ---------------------------------------------------

def _python_files() -> list[Path]:
    files = sorted(LIBRARY.rglob("*.py"))
    app = ROOT / "app.py"
    return files + ([app] if app.exists() else [])


UNSAFE_MODULES = {"pickle", "cPickle", "dill", "joblib", "marshal", "shelve", "cloudpickle"}
UNSAFE_CALLS = {"eval", "exec", "compile", "__import__"}


@pytest.mark.parametrize("path", _python_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_pickle_eval_exec_or_unsafe_loads(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            problems += [a.name for a in node.names if a.name.split(".")[0] in UNSAFE_MODULES]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in UNSAFE_MODULES:
            problems.append(node.module)
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            owner = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else ""
            if isinstance(func, ast.Name) and name in UNSAFE_CALLS:
                problems.append(f"{name}() at line {node.lineno}")
            if name == "load" and owner in ("np", "numpy"):
                kw = {k.arg: k.value for k in node.keywords}
                if not (isinstance(kw.get("allow_pickle"), ast.Constant) and kw["allow_pickle"].value is False):
                    problems.append(f"np.load without allow_pickle=False at line {node.lineno}")
            if name == "load" and owner == "torch":
                problems.append(f"torch.load at line {node.lineno}")
            if name in ("load", "unsafe_load") and owner == "yaml":
                problems.append(f"yaml.{name} at line {node.lineno}")
            if name == "literal_eval":
                continue
            if name in ("system", "popen") and owner == "os":
                problems.append(f"os.{name} at line {node.lineno}")
            if any(k.arg == "shell" and isinstance(k.value, ast.Constant) and k.value.value for k in node.keywords):
                problems.append(f"shell=True at line {node.lineno}")
            if any(k.arg == "trust_remote_code" and not (isinstance(k.value, ast.Constant) and k.value.value is False)
                   for k in node.keywords):
                problems.append(f"trust_remote_code at line {node.lineno}")
    assert not problems, f"{path}: {problems}"


def test_loading_and_asking_never_unpickles(tiny_index: Path, monkeypatch):
    """At run time too: the index loads from JSON, .npy (allow_pickle=False), FAISS and bm25s files."""
    from retrieval import Assistant

    def refuse(*args, **kwargs):
        raise AssertionError("something was unpickled")

    monkeypatch.setattr(pickle, "load", refuse)
    monkeypatch.setattr(pickle, "loads", refuse)
    monkeypatch.setattr(pickle, "Unpickler", refuse)
    assistant = Assistant.load(tiny_index)
    assert assistant.ask("When did the first steam railway open?").question


def test_a_pickled_npy_in_the_index_is_refused_not_run(tiny_index: Path):
    """An object array (which needs pickle) in place of the vectors, checksum forged: refused."""
    import numpy as np

    from retrieval.store import MANIFEST, read_manifest, sha256_file

    data = tiny_index / read_manifest(tiny_index).data_dir
    target = data / "passage_vectors.npy"
    np.save(target, np.array([{"x": 1}], dtype=object), allow_pickle=True)
    raw = json.loads((tiny_index / MANIFEST).read_text())
    raw["files"]["passage_vectors.npy"] = sha256_file(target)
    (tiny_index / MANIFEST).write_text(json.dumps(raw))
    with pytest.raises(RetrievalError, match="allow_pickle|cannot be loaded"):
        Retriever.load(tiny_index)


# ---- limits: question length and request rate --------------------------------------------------------


def test_question_length_limit_is_documented():
    text = (ROOT / "RELIABILITY.md").read_text(encoding="utf-8")
    assert f"{MAX_QUESTION_CHARS:,}" in text or str(MAX_QUESTION_CHARS) in text
    assert "RETRIEVAL_RATE_LIMIT" in text and DEFAULT_LIMIT in text


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_rate_limiter_allows_a_burst_then_refills():
    clock = FakeClock()
    limiter = RateLimiter(requests=3, per_seconds=30, clock=clock)
    for _ in range(3):
        limiter.hit("a")
    with pytest.raises(RateLimitError, match="limit is 3 every 30 seconds; ask again in 10 s") as info:
        limiter.hit("a")
    assert info.value.retry_after == pytest.approx(10)
    assert isinstance(info.value, RetrievalError)  # the app's `except RetrievalError` shows it
    limiter.hit("b")  # other clients are not affected
    clock.now += 10
    limiter.hit("a")
    with pytest.raises(RateLimitError):
        limiter.hit("a")
    clock.now += 1000
    for _ in range(3):  # refills to the burst size, no more
        limiter.hit("a")
    assert limiter.try_acquire("a") > 0


def test_refused_requests_do_not_extend_the_wait():
    clock = FakeClock()
    limiter = RateLimiter(requests=1, per_seconds=10, clock=clock)
    limiter.hit("a")
    for _ in range(50):
        assert limiter.try_acquire("a") > 0
    clock.now += 10
    assert limiter.try_acquire("a") == 0


def test_the_chat_and_its_apis_share_one_budget(tiny_index):
    """A developer's review: after POST /api/ask refused a client (429), the Gradio /ask answered it. build_app had
    taken `limiter or RateLimiter.from_env()`, and a limiter with no client yet is empty, so falsy: the REST API and
    the Gradio endpoints counted against two budgets."""
    import importlib.util

    from retrieval import Assistant

    spec = importlib.util.spec_from_file_location("chat_app_budget", ROOT / "app.py")
    app = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(app)
    limiter = RateLimiter(1, 600)
    demo = app.build_app(Assistant.load(tiny_index), limiter)
    ask = next(f for f in (demo.fns.values() if isinstance(demo.fns, dict) else demo.fns) if f.api_name == "ask")
    client = type("Request", (), {"client": type("Client", (), {"host": "10.0.0.9"})()})()
    assert "citations" in ask.fn("cats?", client)  # the Gradio endpoint takes this client's one question
    with pytest.raises(RateLimitError):
        limiter.hit("10.0.0.9")  # so the REST API, given the same limiter, refuses the next


def test_rate_limiter_memory_is_bounded():
    clock = FakeClock()
    limiter = RateLimiter(requests=2, per_seconds=1, clock=clock, max_keys=100)
    for i in range(10_000):
        limiter.hit(f"10.0.{i // 256}.{i % 256}")
        clock.now += 0.001
    assert len(limiter) <= 100


def test_rate_limiter_is_thread_safe():
    from concurrent.futures import ThreadPoolExecutor

    limiter = RateLimiter(requests=100, per_seconds=3600)
    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(lambda _: limiter.try_acquire("same"), range(1000)))
    assert sum(1 for r in results if r == 0) == 100


@pytest.mark.parametrize("value, expected", [
    ("30/60", (30, 60.0)), (" 5 / 1 ", (5, 1.0)), ("10", (10, 1.0)), ("off", (0, 1.0)), ("0", (0, 1.0)),
    ("", (0, 1.0)),
])
def test_parse_limit(value, expected):
    assert parse_limit(value) == expected


@pytest.mark.parametrize("value", ["fast", "-1/60", "10/0", "10/-5", "1/inf", "1/nan", "a/b"])
def test_parse_limit_rejects_nonsense(value):
    with pytest.raises(ValueError, match="REQUESTS/SECONDS"):
        parse_limit(value)


def test_disabled_limiter_never_refuses(monkeypatch):
    monkeypatch.setenv("RETRIEVAL_RATE_LIMIT", "off")
    limiter = RateLimiter.from_env()
    assert not limiter.enabled
    for _ in range(1000):
        limiter.hit("a")
    monkeypatch.delenv("RETRIEVAL_RATE_LIMIT")
    assert RateLimiter.from_env().requests == int(DEFAULT_LIMIT.split("/")[0])


def test_client_key():
    class Client:
        host = "10.1.2.3"

    class Request:
        client = Client()

    assert client_key(Request()) == "10.1.2.3"
    assert client_key(None) == "unknown"
    assert client_key(object()) == "unknown"


# ---- the served app ------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    base = tmp_path_factory.mktemp("served")
    corpus = base / "corpus"
    corpus.mkdir()
    for name, text in TINY.items():
        (corpus / name).write_text(text, encoding="utf-8")
    index_dir = base / "index"
    build_index([corpus], index_dir, embedder=FakeEmbedder())
    canary = base / "canary.txt"
    canary.write_text(CANARY, encoding="utf-8")
    port = _free_port()
    log = (base / "server.log").open("w")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
           "RETRIEVAL_RATE_LIMIT": SERVER_RATE_LIMIT}
    env.pop("GRADIO_SERVER_NAME", None)
    env.pop("GRADIO_SHARE", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "retrieval", "serve", "--port", str(port), "--index-dir", str(index_dir)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, (base / "server.log").read_text()
            try:
                if _get(port, "/")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the app did not start within 120 s"
            time.sleep(0.5)
        yield {"port": port, "pid": proc.pid, "index": index_dir, "canary": canary,
               "log": base / "server.log"}
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(timeout=15)
        log.close()


def _get(port: int, path: str, method: str = "GET", body: bytes | None = None, headers=None):
    """A request with the path sent byte for byte (no client-side normalisation of `..`)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        for k, v in (headers or {}).items():
            conn.putheader(k, v)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_serves_on_loopback_only(server):
    """The listening socket is 127.0.0.1, not 0.0.0.0 or ::, as /proc/net/tcp* shows."""
    port_hex = f"{server['port']:04X}"
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            if local.endswith(":" + port_hex) and state == "0A":  # LISTEN
                listening.append(local.split(":")[0])
    assert listening == ["0100007F"], listening


def test_no_share_link(server):
    time.sleep(0.5)
    log = server["log"].read_text()
    assert "gradio.live" not in log and "public URL" not in log.lower()
    from retrieval.cli import build_parser

    args = build_parser().parse_args(["serve"])
    assert args.share is False and args.host is None  # None means 127.0.0.1 (app.DEFAULT_HOST)
    sys.path.insert(0, str(ROOT))
    try:
        import app
    finally:
        sys.path.remove(str(ROOT))
    assert app.DEFAULT_HOST == "127.0.0.1"


def _traversal_paths(server) -> list[str]:
    canary = str(server["canary"])
    manifest = str(server["index"] / "manifest.json")
    targets = ["/etc/passwd", "/proc/self/environ", canary, manifest, str(ROOT / "app.py"),
               str(ROOT / "pyproject.toml"), "app.py", "pyproject.toml", "data/sbs-2017-04-19-chechnya.txt"]
    relative = ["../../../../../../etc/passwd", "..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
                "%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "%252e%252e%252f%252e%252e%252fetc%252fpasswd",
                "..\\..\\..\\..\\etc\\passwd", "..%5c..%5c..%5cetc%5cpasswd", "%2fetc%2fpasswd",
                "//etc/passwd", "/etc/passwd%00.png", "....//....//....//etc/passwd",
                ".." + canary, "%2e%2e" + canary.replace("/", "%2f")]
    routes = ["/gradio_api/file=", "/file=", "/gradio_api/file/", "/static/", "/assets/",
              "/gradio_api/static/", "/gradio_api/assets/", "/favicon.ico/../", "/gradio_api/upload/",
              "/gradio_api/custom_component/x/", "/theme.css/../", "/gradio_api/proxy="]
    return [route + t for route in routes for t in targets + relative]


SECRETS = [b"root:x:0:0", b"PATH=", CANARY.encode(), b"format_version", b"def build_app",
           b"[build-system]", b"Chechnya"]


def test_no_file_outside_the_app_is_served(server):
    served = []
    paths = _traversal_paths(server)
    for path in paths:
        status, body = _get(server["port"], path)
        if status == 200 and any(secret in body for secret in SECRETS):
            served.append((path, status, body[:80]))
    assert not served, served
    assert len(paths) > 200


def test_file_route_refuses_with_403_or_404(server):
    for path in ["/gradio_api/file=/etc/passwd", "/gradio_api/file=../../etc/passwd",
                 f"/gradio_api/file={server['canary']}", "/gradio_api/file=app.py"]:
        status, body = _get(server["port"], path)
        assert status in (400, 403, 404), (path, status, body[:80])


def test_proxy_route_refuses_other_hosts(server):
    status, _ = _get(server["port"], "/gradio_api/proxy=http://169.254.169.254/latest/meta-data/")
    assert status in (400, 403, 404)


def _call_api(port: int, question: str) -> tuple[str, object]:
    body = json.dumps({"data": [question]}).encode()
    status, raw = _get(port, "/gradio_api/call/ask", "POST", body, {"Content-Type": "application/json"})
    assert status == 200, raw[:200]
    event_id = json.loads(raw)["event_id"]
    status, stream = _get(port, f"/gradio_api/call/ask/{event_id}")
    event, data = None, None
    for line in stream.decode().splitlines():
        if line.startswith("event:"):
            event = line.split(":", 1)[1].strip()
        elif line.startswith("data:"):
            data = json.loads(line.split(":", 1)[1])
    return event, data


def test_api_refuses_an_overlong_question_with_the_limit(server):
    event, data = _call_api(server["port"], "w" * (MAX_QUESTION_CHARS + 500))
    assert event == "error"
    assert f"limit is {MAX_QUESTION_CHARS}" in json.dumps(data)


def test_api_answers_with_exact_offsets(server):
    event, data = _call_api(server["port"], "When did the first steam railway open?")
    assert event == "complete"
    answer = data[0]
    texts = {"trains": TINY["trains.md"], "cats": TINY["cats.txt"]}
    for c in answer["citations"] + answer["closest"]:
        assert texts[c["doc_id"]][c["start"]:c["end"]] == c["quote"]


def test_api_rate_limit(server):
    """The server runs with RETRIEVAL_RATE_LIMIT=6/600: past six questions, /ask refuses."""
    limit = int(SERVER_RATE_LIMIT.split("/")[0])
    events = [_call_api(server["port"], "cats?")[0] for _ in range(limit + 2)]
    assert "complete" in events[:2]
    assert events[-1] == "error"


def test_server_survives_the_attacks(server):
    assert _get(server["port"], "/")[0] == 200
    assert os.path.exists(f"/proc/{server['pid']}")


def test_a_forwarded_header_does_not_choose_the_clients_budget(tiny_index, tmp_path, monkeypatch):
    """A developer's review: uvicorn trusts X-Forwarded-For from 127.0.0.1, so 40 requests in a row, each with a new
    header, were all answered under a limit of 30 a minute. The server binds 127.0.0.1 and is stopped by its pid."""
    import httpx

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from conftest_app import start_app, stop_app

    monkeypatch.setenv("RETRIEVAL_RATE_LIMIT", "2/600")
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    server = start_app(tiny_index, tmp_path / "server.log")
    try:
        codes = [httpx.post(f"{server.url}/api/ask", json={"question": "When did the railway open?"},
                            headers={"X-Forwarded-For": f"10.0.0.{i}"}, timeout=30).status_code for i in range(3)]
    finally:
        stop_app(server)
    assert codes == [200, 200, 429]
