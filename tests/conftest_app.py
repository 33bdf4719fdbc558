"""Start and stop the chat app as a subprocess on a free local port (imported by the app tests).

Not a pytest conftest: a plain helper module, so that the shared `conftest.py` stays untouched.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 120.0  # seconds: import gradio, load the model, load the index


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class AppServer:
    """A running app: its process, URL and log file."""

    proc: subprocess.Popen
    url: str
    port: int
    log: Path
    index_dir: Path

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def start_app(index_dir: Path, log: Path, timeout: float = START_TIMEOUT) -> AppServer:
    """`python -m retrieval serve --port N --index-dir D` from another folder; wait until ready.

    The host is left to its default (127.0.0.1) on purpose: tests check it.
    """
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRADIO_SERVER_")}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False")
    env.setdefault("RETRIEVAL_RATE_LIMIT", "off")  # tests here ask faster than a person; test_security checks the limit
    cmd = [sys.executable, "-m", "retrieval", "serve", "--port", str(port), "--index-dir", str(index_dir)]
    # from a folder of the user's own, holding an app.py of its own: serve runs the project's chat
    # (it had imported whatever app.py the current folder held, and only worked from the project folder)
    cwd = log.parent / "elsewhere"
    cwd.mkdir(exist_ok=True)
    (cwd / "app.py").write_text("raise SystemExit('not the chat')\n", encoding="utf-8")
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = AppServer(proc=proc, url=f"http://127.0.0.1:{port}", port=port, log=log, index_dir=index_dir)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the app exited with {proc.returncode}:\n{server.log_text()[-3000:]}")
        try:
            if httpx.get(f"{server.url}/config", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    stop_app(server)
    raise TimeoutError(f"the app did not start within {timeout:.0f}s:\n{server.log_text()[-3000:]}")


def stop_app(server: AppServer) -> None:
    """Stop the app by its own pid: terminate, then kill if it lingers."""
    if server.proc.poll() is None:
        server.proc.terminate()
        try:
            server.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.proc.kill()
            server.proc.wait(timeout=10)
