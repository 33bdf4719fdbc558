"""Answer latency, side by side in one run: warm `ask` against the model's own encode floor and a plain
LangChain FAISS retriever over the same article with the same model.

    .venv/bin/python bench/latency.py [--repeats 3] [--no-langchain]

Every question of eval/seed_qa.jsonl is timed `--repeats` times; within a round the order of the
measurements is shuffled per question, so a busy machine slows every column alike. The LangChain side
runs in bench/.venv-langchain (see bench/setup_langchain.sh) as a subprocess and times itself.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ARTICLE, LANGCHAIN_PYTHON, ROOT, machine, questions, save, summary  # noqa: E402


def embedding_agreement(onnx, torch_emb, texts) -> dict:
    a, b = onnx.encode(texts), torch_emb.encode(texts)
    cos = (a * b).sum(axis=1)
    return {"n_texts": len(texts), "min_cosine": float(cos.min()), "mean_cosine": float(cos.mean())}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--index-dir", default=str(ROOT / "index"))
    parser.add_argument("--no-langchain", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    from retrieval import Assistant
    from retrieval.embedding import DEFAULT_MODEL, OnnxEmbedder, SentenceTransformerEmbedder, resolve_model

    info = machine()
    qs = questions()
    onnx = OnnxEmbedder()
    torch_emb = SentenceTransformerEmbedder()
    ask_onnx = Assistant.load(args.index_dir, embedder=onnx)
    ask_torch = Assistant.load(args.index_dir, embedder=torch_emb)

    lc = None
    if not args.no_langchain:
        if not LANGCHAIN_PYTHON.exists():
            sys.exit(f"{LANGCHAIN_PYTHON} is missing; see bench/setup_langchain.sh, or pass --no-langchain")
        lc = subprocess.Popen(
            [str(LANGCHAIN_PYTHON), str(ROOT / "bench" / "langchain_side.py"), str(ARTICLE),
             resolve_model(DEFAULT_MODEL)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
        )
        lc_ready = json.loads(lc.stdout.readline())

    def lc_call(q: str) -> dict:
        lc.stdin.write(json.dumps({"q": q, "embed_first": rng.random() < 0.5}) + "\n")
        lc.stdin.flush()
        return json.loads(lc.stdout.readline())

    def timed(fn) -> float:
        start = time.perf_counter()
        fn()
        return (time.perf_counter() - start) * 1000

    rng = random.Random(args.seed)
    # Warm-up: every path once per question.
    for q in qs:
        onnx.encode([q]), torch_emb.encode([q]), ask_onnx.ask(q), ask_torch.ask(q)
        if lc:
            lc_call(q)

    cols = {k: [] for k in ("encode_torch", "encode_onnx", "ask", "ask_torch_encoder",
                            "langchain_search", "langchain_embed_query")}
    for _ in range(args.repeats):
        for q in qs:
            steps = [
                ("encode_torch", lambda: torch_emb.encode([q])),
                ("encode_onnx", lambda: onnx.encode([q])),
                ("ask", lambda: ask_onnx.ask(q)),
                ("ask_torch_encoder", lambda: ask_torch.ask(q)),
            ]
            if lc:
                steps.append(("langchain", None))
            rng.shuffle(steps)
            for name, fn in steps:
                if name == "langchain":
                    r = lc_call(q)
                    cols["langchain_search"].append(r["search_ms"])
                    cols["langchain_embed_query"].append(r["embed_ms"])
                else:
                    cols[name].append(timed(fn))
    if lc:
        lc.stdin.close()
        lc.wait(timeout=30)

    stats = {k: summary(v) for k, v in cols.items() if v}
    p50 = {k: v["p50_ms"] for k, v in stats.items()}
    ratios = {
        "ask_over_torch_floor": p50["ask"] / p50["encode_torch"],
        "ask_over_onnx_floor": p50["ask"] / p50["encode_onnx"],
        "ask_torch_encoder_over_torch_floor": p50["ask_torch_encoder"] / p50["encode_torch"],
        "onnx_over_torch_encode": p50["encode_onnx"] / p50["encode_torch"],
    }
    if lc:
        ratios["ask_over_langchain_search"] = p50["ask"] / p50["langchain_search"]
        ratios["ask_torch_encoder_over_langchain_search"] = p50["ask_torch_encoder"] / p50["langchain_search"]
    ratios = {k: round(v, 3) for k, v in ratios.items()}
    texts = qs + [p.text for p in ask_onnx.retriever.passages]
    payload = {
        "machine": info, "repeats": args.repeats, "n_questions": len(qs), "stats": stats, "ratios": ratios,
        "targets": {"ask_over_torch_floor_max": 1.3, "ask_over_langchain_search_max": 0.8},
        "embedding_agreement": embedding_agreement(onnx, torch_emb, texts),
        "langchain": lc_ready if lc else None, "raw_ms": cols,
        "load_average_end": [round(x, 2) for x in __import__("os").getloadavg()],
    }
    save("latency", payload)
    print(f"{'measure':28s} {'p50 ms':>8s} {'p95 ms':>8s}")
    for k, v in stats.items():
        print(f"{k:28s} {v['p50_ms']:8.2f} {v['p95_ms']:8.2f}")
    for k, v in ratios.items():
        print(f"{k:40s} {v:6.3f}")
    print("embedding agreement (onnx vs torch):", payload["embedding_agreement"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
