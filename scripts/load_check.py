"""Load check for the served app (issue 7, part 3): many requests from concurrent clients.

Starts `python -m retrieval serve` on a free 127.0.0.1 port (or targets --url with --pid), sends
--requests questions from --clients concurrent HTTP clients to the `/ask` API, and checks that
there are no errors, that every citation satisfies quote == text[start:end] against the indexed
documents, and that the server's RSS after warm-up grows by less than --max-growth.

    .venv/bin/python scripts/load_check.py --requests 2000 --clients 32 --json-out bench/out/load.json

The server it starts runs with RETRIEVAL_RATE_LIMIT=off: every client here is 127.0.0.1, so a
per-client limit would refuse most of the load. Exit code 0 when every check passes, 1 otherwise.
Bounded: --deadline seconds overall (default 1800), 120 s per request.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
EXTRA_QUESTIONS = [
    "Who rules Chechnya?", "What is the weather in Paris tomorrow?", "Who won the 1998 World Cup?",
    "How many requests for help has the Russia LGBT Network received?", "🙂", "مَن يحكم الشيشان؟",
    "What did Chechen spokespeople say about gay people?", "x" * 1999,
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def load_questions() -> list[str]:
    questions = []
    for name in ("seed_qa.jsonl", "dev_qa.jsonl"):
        path = ROOT / "eval" / name
        if path.exists():
            questions += [json.loads(line)["question"] for line in path.read_text().splitlines() if line.strip()]
    return questions + EXTRA_QUESTIONS


def documents(index_dir: Path) -> dict[str, str]:
    sys.path.insert(0, str(ROOT / "src"))
    from retrieval.store import read_manifest

    data = index_dir / read_manifest(index_dir).data_dir
    docs = [json.loads(line) for line in (data / "documents.jsonl").read_text().splitlines() if line.strip()]
    return {d["doc_id"]: d["text"] for d in docs}


async def ask_rest(client: httpx.AsyncClient, question: str, session: str | None = None) -> tuple[str, object]:
    """`POST /api/ask`: one request, one JSON Answer (mapped to the Gradio call's shape)."""
    r = await client.post("/api/ask", json={"question": question})
    if r.status_code != 200:
        return "error", r.text
    return "complete", [r.json()]


async def ask(client: httpx.AsyncClient, question: str, session: str | None = None) -> tuple[str, object]:
    body = {"data": [question]} | ({"session_hash": session} if session else {})
    r = await client.post("/gradio_api/call/ask", json=body)
    r.raise_for_status()
    event_id = r.json()["event_id"]
    event, data = None, None
    async with client.stream("GET", f"/gradio_api/call/ask/{event_id}") as stream:
        async for line in stream.aiter_lines():
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:"):
                data = json.loads(line.split(":", 1)[1])
                if event in ("complete", "error"):
                    break
    return event or "none", data


async def run_load(url: str, pid: int | None, texts: dict[str, str], questions: list[str], n: int,
                   clients: int, warmup: int, session_per_client: bool = False, api: str = "gradio") -> dict:
    call = ask_rest if api == "rest" else ask
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(n):
        queue.put_nowait(i)
    latencies: list[float] = []
    errors: list[str] = []
    bad_offsets: list[str] = []
    counts = {"answered": 0, "abstained": 0, "citations": 0}
    rss: list[tuple[int, int]] = []  # (requests done, KiB)
    done = 0

    async def sample() -> None:
        while True:
            if pid:
                rss.append((done, rss_kib(pid)))
            await asyncio.sleep(0.5)

    async def worker(number: int) -> None:
        nonlocal done
        session = f"load-check-client-{number}" if session_per_client else None
        timeout = httpx.Timeout(120.0)
        async with httpx.AsyncClient(base_url=url, timeout=timeout) as client:
            while True:
                try:
                    i = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                question = questions[i % len(questions)]
                started = time.perf_counter()
                try:
                    event, data = await call(client, question, session)
                except Exception as exc:  # noqa: BLE001 - every failure is counted
                    errors.append(f"{type(exc).__name__}: {exc}"[:200])
                    done += 1
                    continue
                latencies.append(time.perf_counter() - started)
                done += 1
                if event != "complete" or not isinstance(data, list):
                    errors.append(f"{event}: {str(data)[:200]}")
                    continue
                answer = data[0]
                counts["abstained" if answer["abstained"] else "answered"] += 1
                for c in answer["citations"] + answer["closest"]:
                    counts["citations"] += 1
                    text = texts.get(c["doc_id"], "")
                    if text[c["start"]:c["end"]] != c["quote"]:
                        bad_offsets.append(f"{c['doc_id']}:{c['start']}-{c['end']}")

    sampler = asyncio.create_task(sample())
    started = time.perf_counter()
    await asyncio.gather(*(worker(c) for c in range(clients)))
    elapsed = time.perf_counter() - started
    sampler.cancel()
    if pid:
        rss.append((done, rss_kib(pid)))
    latencies.sort()
    pct = lambda q: round(1000 * latencies[min(len(latencies) - 1, int(q * len(latencies)))], 1) if latencies else None
    after_warmup = [kib for d, kib in rss if d >= warmup]
    baseline = after_warmup[0] if after_warmup else None
    final = rss[-1][1] if rss else None
    return {
        "requests": n, "clients": clients, "seconds": round(elapsed, 1),
        "requests_per_second": round(n / elapsed, 1), "errors": len(errors), "error_examples": errors[:5],
        "offset_violations": len(bad_offsets), "offset_examples": bad_offsets[:5], **counts,
        "latency_ms": {"p50": pct(0.5), "p90": pct(0.9), "p99": pct(0.99), "max": pct(1.0)},
        "rss_mib": {
            "start": round(rss[0][1] / 1024, 1) if rss else None,
            "after_warmup": round(baseline / 1024, 1) if baseline else None,
            "peak": round(max(k for _, k in rss) / 1024, 1) if rss else None,
            "final": round(final / 1024, 1) if final else None,
        },
        "rss_growth_after_warmup": round((final - baseline) / baseline, 4) if baseline and final else None,
        "rss_trajectory_mib": {  # RSS when each tenth of the requests was done
            str(step * n // 10): round(next((k for d, k in rss if d >= step * n // 10), rss[-1][1]) / 1024, 1)
            for step in range(11)
        } if rss else {},
        "warmup_requests": warmup, "session_per_client": session_per_client,
    }


def start_server(index_dir: Path, port: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
           "RETRIEVAL_RATE_LIMIT": "off"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "retrieval", "serve", "--port", str(port), "--index-dir", str(index_dir)],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/", timeout=5).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    stop(proc)
    raise SystemExit("the server did not start within 300 s")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=20)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--warmup", type=int, default=200, help="requests before the RSS baseline")
    parser.add_argument("--index-dir", type=Path, default=ROOT / "index",
                        help="index to serve (built from data/ first when missing)")
    parser.add_argument("--url", help="target a running app instead of starting one")
    parser.add_argument("--pid", type=int, help="with --url: the server pid, for RSS")
    parser.add_argument("--max-growth", type=float, default=0.10)
    parser.add_argument("--deadline", type=float, default=1800, help="give up after this many seconds")
    parser.add_argument("--json-out", type=Path)
    parser.add_argument("--session-per-client", action="store_true",
                        help="send a session_hash per client, as gradio_client does (default: none, "
                             "as curl does, so every request opens a new Gradio session)")
    parser.add_argument("--api", choices=("gradio", "rest"), default="gradio",
                        help="gradio: the /ask endpoint's two-step call; rest: POST /api/ask")
    args = parser.parse_args(argv)

    if not (args.index_dir / "manifest.json").exists():
        subprocess.run([sys.executable, "-m", "retrieval", "index", "data", "--index-dir", str(args.index_dir)],
                       cwd=ROOT, check=True)
    texts = documents(args.index_dir)
    proc = None
    if args.url:
        url, pid = args.url, args.pid
    else:
        port = free_port()
        log = Path(os.environ.get("TMPDIR", "/tmp")) / f"load_check_server_{port}.log"
        proc = start_server(args.index_dir, port, log)
        url, pid = f"http://127.0.0.1:{port}", proc.pid
    try:
        result = asyncio.run(asyncio.wait_for(
            run_load(url, pid, texts, load_questions(), args.requests, args.clients, args.warmup,
                     args.session_per_client, args.api),
            timeout=args.deadline,
        ))
    finally:
        if proc is not None:
            stop(proc)
    growth = result["rss_growth_after_warmup"]
    result["checks"] = {
        "no_errors": result["errors"] == 0,
        "offsets_exact": result["offset_violations"] == 0 and result["citations"] > 0,
        "memory_steady": growth is None or growth < args.max_growth,
    }
    result["passed"] = all(result["checks"].values())
    text = json.dumps(result, indent=2, ensure_ascii=False)
    print(text)
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(text + "\n", encoding="utf-8")
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
