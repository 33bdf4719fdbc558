"""Drive the running app's headless `/ask` endpoint with concurrent clients over plain HTTP.

    # start a server, run 1, 8 and 32 clients, stop it (the server binds 127.0.0.1 only):
    .venv/bin/python bench/load.py --start-server --clients 1 8 32 --requests 200
    # or against a server you started yourself, sampling its memory:
    .venv/bin/python bench/load.py --url http://127.0.0.1:7860 --server-pid PID \
        --clients 32 --requests 2000 --json bench/out/load-2000.json

Each request is Gradio 6's two-step REST call for a named endpoint: POST /gradio_api/call/ask
{"data": [question]} gives an event_id; GET /gradio_api/call/ask/<event_id> streams server-sent
events ending in `event: complete` (data: [answer]) or `event: error`. Latency is the time of both
steps. Every citation (and every "closest" passage of an abstention) is checked against the indexed
documents: quote == text[start:end]; a mismatch counts as an error. Runs are bounded by --requests
per level and --max-seconds per level, and only loopback addresses are accepted.
`--endpoint rest` drives the plain `POST /api/ask` route instead (one request, JSON answer).
The app rate-limits each client address ($RETRIEVAL_RATE_LIMIT, default 30/60): start a server you
load-test with RETRIEVAL_RATE_LIMIT=off (--start-server does), or the extra requests count as errors.
With --server-pid (or --start-server), the server's RSS is sampled every 0.2 s; growth is measured
per level from its start, and overall from the end of the --warmup requests (run at the largest
client count, not measured) to the end of the last level: that overall growth must stay under
--max-growth percent.

The reliability check (RELIABILITY.md section 3): seed and dev questions plus odd ones (emoji,
Arabic, 1,999 characters, off-topic), 2,000 requests from 32 clients, RSS baseline after 200:

    .venv/bin/python bench/load.py --start-server --endpoint rest --clients 32 --requests 2000 \
        --warmup 200 --questions eval/seed_qa.jsonl eval/dev_qa.jsonl --odd-questions \
        --max-growth 10 --json bench/out/load-check.json

`--session-per-client` (gradio endpoint only) sends one session_hash per client, as gradio_client
does; without it every call opens a new Gradio session, as curl's do. Exit code 0 when there was no
error, every quote was exact and memory stayed under --max-growth; 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
ODD_QUESTIONS = [  # --odd-questions: off-topic, emoji only, Arabic, 1,999 characters
    "Who rules Chechnya?", "What is the weather in Paris tomorrow?", "Who won the 1998 World Cup?",
    "How many requests for help has the Russia LGBT Network received?", "\U0001F642", "مَن يحكم الشيشان؟",
    "What did Chechen spokespeople say about gay people?", "x" * 1999,
]


def rss_mib(pid: int) -> float | None:
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def load_documents(index_dir: Path) -> dict[str, str]:
    manifest = json.loads((index_dir / "manifest.json").read_text(encoding="utf-8"))
    docs = {}
    with (index_dir / manifest["data_dir"] / "documents.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                d = json.loads(line)
                docs[d["doc_id"]] = d["text"]
    return docs


def check_answer(answer: dict, docs: dict[str, str]) -> str | None:
    """None when every quote is exactly its document's text[start:end], else what is wrong."""
    for c in (answer.get("citations") or []) + (answer.get("closest") or []):
        text = docs.get(c.get("doc_id"))
        if text is None:
            return f"unknown doc_id {c.get('doc_id')!r}"
        if text[c["start"]:c["end"]] != c["quote"]:
            return f"quote != text[{c['start']}:{c['end']}] in {c['doc_id']}"
    if not answer.get("abstained") and not answer.get("citations"):
        return "answered without citations"
    return None


async def one_request(client, url: str, question: str, docs, endpoint: str = "gradio",
                      session: str | None = None) -> tuple[float, str | None, dict | None]:
    start = time.perf_counter()
    try:
        if endpoint == "rest":  # POST /api/ask {"question": ...} -> the Answer as JSON
            r = await client.post(f"{url}/api/ask", json={"question": question})
            elapsed = time.perf_counter() - start
            if r.status_code != 200:
                return elapsed, f"POST /api/ask {r.status_code}: {r.text[:100]}", None
            answer = r.json()
            return elapsed, check_answer(answer, docs) if docs else None, answer
        body = {"data": [question]} | ({"session_hash": session} if session else {})
        r = await client.post(f"{url}/gradio_api/call/ask", json=body)
        if r.status_code != 200:
            return time.perf_counter() - start, f"POST {r.status_code}", None
        event_id = r.json()["event_id"]
        r = await client.get(f"{url}/gradio_api/call/ask/{event_id}")
        elapsed = time.perf_counter() - start
        if r.status_code != 200:
            return elapsed, f"GET {r.status_code}", None
        lines = r.text.splitlines()
        if "event: complete" not in lines:
            return elapsed, "no complete event: " + r.text[:120].replace("\n", " | "), None
        data = lines[lines.index("event: complete") + 1].removeprefix("data: ")
        (answer,) = json.loads(data)
        return elapsed, check_answer(answer, docs) if docs else None, answer
    except Exception as exc:  # noqa: BLE001 - every failure is counted, none stops the run
        return time.perf_counter() - start, f"{type(exc).__name__}: {exc}"[:160], None


async def run_level(url, clients, n_requests, max_seconds, questions, docs, timeout, pid,
                    endpoint: str = "gradio", session_per_client: bool = False) -> dict:
    import httpx

    counter = iter(range(n_requests))
    latencies, errors, samples = [], [], []
    counts = {"answered": 0, "abstained": 0, "citations": 0}
    deadline = time.perf_counter() + max_seconds
    limits = httpx.Limits(max_connections=clients * 2, max_keepalive_connections=clients * 2)

    async def client_loop(client, number):
        session = f"bench-load-{os.getpid()}-{clients}-{number}" if session_per_client else None
        for i in counter:
            if time.perf_counter() > deadline:
                return
            elapsed, err, answer = await one_request(client, url, questions[i % len(questions)], docs,
                                                     endpoint, session)
            latencies.append(elapsed * 1000)
            if err:
                errors.append(err)
            if answer:
                counts["abstained" if answer.get("abstained") else "answered"] += 1
                counts["citations"] += len(answer.get("citations") or []) + len(answer.get("closest") or [])

    async def sampler():
        while True:
            value = rss_mib(pid) if pid else None
            if value is not None:
                samples.append((time.perf_counter(), value))
            await asyncio.sleep(0.2)

    async with httpx.AsyncClient(timeout=timeout, limits=limits) as client:
        task = asyncio.create_task(sampler()) if pid else None
        rss_start = rss_mib(pid) if pid else None
        t = time.perf_counter()
        await asyncio.gather(*(client_loop(client, n) for n in range(clients)))
        wall = time.perf_counter() - t
        if task:
            task.cancel()
    lat = np.asarray(latencies) if latencies else np.asarray([np.nan])
    out = {
        "clients": clients, "requests": len(latencies), "errors": len(errors),
        "error_examples": sorted(set(errors))[:5], **counts, "seconds": round(wall, 2),
        "throughput_rps": round(len(latencies) / wall, 2) if wall else None,
        "p50_ms": round(float(np.percentile(lat, 50)), 1), "p90_ms": round(float(np.percentile(lat, 90)), 1),
        "p95_ms": round(float(np.percentile(lat, 95)), 1),
        "p99_ms": round(float(np.percentile(lat, 99)), 1), "max_ms": round(float(np.max(lat)), 1),
        "stopped_by_time": len(latencies) < n_requests,
    }
    if pid:
        rss_end = rss_mib(pid)
        peak = max([v for _, v in samples] + [rss_end or 0])
        out.update({"rss_start_mib": round(rss_start, 1), "rss_end_mib": round(rss_end, 1),
                    "rss_peak_mib": round(peak, 1),
                    "rss_growth_pct": round(100 * (rss_end - rss_start) / rss_start, 2)})
    return out


def loopback_only(url: str) -> None:
    host = urlparse(url).hostname or ""
    try:
        ok = all(ipaddress.ip_address(info[4][0]).is_loopback for info in socket.getaddrinfo(host, None))
    except (socket.gaierror, ValueError):
        ok = False
    if not ok:
        sys.exit(f"refusing {url}: load tests only target loopback addresses (127.0.0.1, ::1)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, index_dir: str, log_path: Path) -> tuple[subprocess.Popen, float]:
    import httpx

    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False")
    env.setdefault("RETRIEVAL_RATE_LIMIT", "off")  # one loopback client address stands for all users
    log = log_path.open("w")
    t = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "retrieval", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--index-dir", index_dir], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.time() + 180
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit(f"the server exited with {proc.returncode}; see {log_path}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/gradio_api/info", timeout=2).status_code == 200:
                return proc, time.perf_counter() - t
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop_server(proc)
    sys.exit(f"the server did not answer within 180 s; see {log_path}")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Load test of the app's /ask endpoint (loopback only).")
    parser.add_argument("--url", default=None, help="a running app, e.g. http://127.0.0.1:7860")
    parser.add_argument("--start-server", action="store_true", help="start `python -m retrieval serve` "
                        "on a free loopback port, and stop it at the end")
    parser.add_argument("--server-pid", type=int, default=None, help="sample this pid's RSS")
    parser.add_argument("--endpoint", choices=["gradio", "rest"], default="gradio",
                        help="gradio: Gradio's /ask (two-step call, queued); rest: POST /api/ask (plain JSON)")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--requests", type=int, default=200, help="requests per client level")
    parser.add_argument("--warmup", type=int, default=20, help="requests before measuring (not counted)")
    parser.add_argument("--max-seconds", type=float, default=300, help="time cap per level")
    parser.add_argument("--timeout", type=float, default=60, help="per-request timeout, seconds")
    parser.add_argument("--questions", type=Path, nargs="+", default=[ROOT / "eval" / "seed_qa.jsonl"],
                        help="JSONL files with a `question` field (default eval/seed_qa.jsonl)")
    parser.add_argument("--odd-questions", action="store_true", help="add odd questions: emoji only, "
                        "Arabic, 1,999 characters, off-topic")
    parser.add_argument("--session-per-client", action="store_true", help="gradio endpoint: send one "
                        "session_hash per client, as gradio_client does (default none, as curl: every "
                        "call opens a new Gradio session)")
    parser.add_argument("--max-growth", type=float, default=10.0, help="fail when the server's RSS grows "
                        "by this many percent or more from the end of warm-up to the end (default 10)")
    parser.add_argument("--index-dir", default="index", help="to check quotes against (default index)")
    parser.add_argument("--no-check", action="store_true", help="skip the quote == text[start:end] check")
    parser.add_argument("--json", type=Path, default=None, help="write the results here as JSON")
    args = parser.parse_args(argv)
    if not args.url and not args.start_server:
        parser.error("give --url of a running app, or --start-server")
    if args.session_per_client and args.endpoint != "gradio":
        parser.error("--session-per-client applies to --endpoint gradio only (/api/ask has no sessions)")

    questions = [json.loads(line)["question"] for path in args.questions
                 for line in path.open(encoding="utf-8") if line.strip()]
    questions += ODD_QUESTIONS if args.odd_questions else []
    index_dir = Path(args.index_dir) if Path(args.index_dir).is_absolute() else ROOT / args.index_dir
    docs = None if args.no_check else load_documents(index_dir)
    proc, startup_s = None, None
    if args.start_server:
        args.url = f"http://127.0.0.1:{free_port()}"
        (ROOT / "bench" / "out").mkdir(parents=True, exist_ok=True)
        proc, startup_s = start_server(int(args.url.rsplit(":", 1)[1]), str(index_dir),
                                       ROOT / "bench" / "out" / "load-server.log")
        args.server_pid = args.server_pid or proc.pid
        print(f"server pid {proc.pid} at {args.url}, ready in {startup_s:.1f} s", file=sys.stderr)
    loopback_only(args.url)
    args.url = args.url.rstrip("/")
    try:
        warm = asyncio.run(run_level(args.url, max(args.clients), args.warmup, 300, questions, docs,
                                     args.timeout, None, args.endpoint, args.session_per_client)
                           ) if args.warmup else None
        rss_after_warmup = rss_mib(args.server_pid) if args.server_pid else None
        levels = []
        for clients in args.clients:
            result = asyncio.run(run_level(args.url, clients, args.requests, args.max_seconds, questions, docs,
                                           args.timeout, args.server_pid, args.endpoint,
                                           args.session_per_client))
            levels.append(result)
            rss = (f"  rss {result['rss_start_mib']:.0f}->{result['rss_end_mib']:.0f} MiB "
                   f"({result['rss_growth_pct']:+.1f}%)") if args.server_pid else ""
            print(f"{clients:3d} clients: {result['requests']:5d} requests {result['throughput_rps']:7.1f} req/s  "
                  f"p50 {result['p50_ms']:7.1f}  p95 {result['p95_ms']:7.1f}  p99 {result['p99_ms']:7.1f} ms  "
                  f"errors {result['errors']}  citations {result['citations']}{rss}", flush=True)
            for example in result["error_examples"]:
                print(f"    error: {example}", flush=True)
        rss_final = rss_mib(args.server_pid) if args.server_pid else None
    finally:
        if proc:
            stop_server(proc)
    growth = (round(100 * (rss_final - rss_after_warmup) / rss_after_warmup, 2)
              if rss_after_warmup and rss_final else None)
    checks = {"no_errors": not any(level["errors"] for level in levels),
              "quotes_exact": docs is not None and any(level["citations"] for level in levels),
              "memory_steady": growth is None or growth < args.max_growth}
    if docs is None:
        del checks["quotes_exact"]  # --no-check
    passed = all(checks.values())
    if growth is not None:
        print(f"rss after warm-up {rss_after_warmup:.1f} -> end {rss_final:.1f} MiB ({growth:+.1f}%, "
              f"limit {args.max_growth:g}%)", flush=True)
    print(f"{'PASS' if passed else 'FAIL'}: " + ", ".join(f"{k} {'ok' if v else 'FAILED'}"
                                                        for k, v in checks.items()), flush=True)
    payload = {"url": args.url, "endpoint": args.endpoint, "server_pid": args.server_pid, "server_ready_s": startup_s,
               "requests_per_level": args.requests, "questions": len(questions),
               "odd_questions": args.odd_questions, "session_per_client": args.session_per_client,
               "warmup_requests": args.warmup, "warmup": warm, "levels": levels,
               "rss_after_warmup_mib": round(rss_after_warmup, 1) if rss_after_warmup else None,
               "rss_final_mib": round(rss_final, 1) if rss_final else None,
               "rss_growth_after_warmup_pct": growth, "max_growth_pct": args.max_growth,
               "checks": checks, "passed": passed,
               "checked_quotes": docs is not None, "cpus": os.cpu_count(),
               "load_average": [round(x, 2) for x in os.getloadavg()]}
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {args.json}", file=sys.stderr)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
