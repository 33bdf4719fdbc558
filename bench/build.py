"""Index build throughput and peak memory, against the model's raw encode throughput on the same texts.

    .venv/bin/python bench/build.py --corpus article
    .venv/bin/python bench/build.py --corpus synthetic --passages 5000

`synthetic` makes N passages from the SQuAD 2.0 paragraphs of ../shared/benchmarks/squad-v2/*.json:
their sentences are pooled, shuffled across articles and regrouped 3-7 to a paragraph, written as 100
documents under bench/out/synth-N/. Each measure runs in its own process so that peak RSS is its own:
  raw_torch  SentenceTransformer.encode (batch 64) of every text build_index embeds (passages + sentences)
  raw_onnx   the same texts through the ONNX Runtime embedder the library uses by default
  build      build_index(...) end to end (chunking, both encodes, FAISS, BM25, files, checksums)
build_index embeds each passage and each sentence (for quote extraction), so throughput is given both
as passages/s (the user's view) and as texts embedded/s (comparable with raw encode).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ARTICLE, OUT, ROOT, machine, save  # noqa: E402

SQUAD = ROOT.parent / "shared" / "benchmarks" / "squad-v2"


def synthetic_corpus(n_passages: int, n_docs: int = 100, seed: int = 0) -> Path:
    folder = OUT / f"synth-{n_passages}"
    if (folder / ".complete").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    sentences = []
    for path in sorted(SQUAD.glob("*.json")):
        for article in json.loads(path.read_text(encoding="utf-8"))["data"]:
            for para in article["paragraphs"]:
                sentences += [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", para["context"]) if s.strip()]
    rng = random.Random(seed)
    per_doc = -(-n_passages // n_docs)
    made = 0
    for d in range(n_docs):
        paras = []
        for _ in range(min(per_doc, n_passages - made)):
            paras.append(" ".join(rng.choice(sentences) for _ in range(rng.randint(3, 7))))
        made += len(paras)
        (folder / f"doc{d:03d}.txt").write_text(f"Synthetic document {d}\n\n" + "\n\n".join(paras) + "\n",
                                                encoding="utf-8")
    (folder / ".complete").write_text(str(made))
    return folder


def texts_of(source: Path) -> tuple[int, list[str]]:
    """What build_index embeds: every passage and every unique sentence, in its order."""
    from retrieval.chunking import ChunkSettings, make_passages
    from retrieval.ingest import expand_sources, load_document
    from retrieval.store import dedupe_documents, unique_sentences

    docs = dedupe_documents(load_document(p) for p in expand_sources([source]))
    passages = [p for d in docs for p in make_passages(d, ChunkSettings())]
    by_id = {d.doc_id: d.text for d in docs}
    sentences = [by_id[d][s.start:s.end] for d, s in unique_sentences(passages)]
    return len(passages), [p.text for p in passages] + sentences


def worker(mode: str, source: Path, sample: float = 1.0) -> dict:
    """One measure, in this process; prints a JSON line. Raw modes encode a seeded random `sample`
    of the texts (same length mix) when the whole set would take too long twice."""
    if mode.startswith("build"):  # the build reads its sources itself: no second copy of the texts here
        n_passages, n_texts, seconds = build_worker(mode, source)
    else:
        n_passages, texts = texts_of(source)
        if sample < 1.0:
            texts = random.Random(0).sample(texts, max(64, int(len(texts) * sample)))
            n_passages = round(n_passages * sample)
        n_texts = len(texts)
    if mode == "raw_torch":
        from retrieval.embedding import SentenceTransformerEmbedder

        model = SentenceTransformerEmbedder().model
        model.encode(texts[:64], batch_size=64)
        t = time.perf_counter()
        model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=True)
        seconds = time.perf_counter() - t
    elif mode == "raw_onnx":
        from retrieval.embedding import OnnxEmbedder

        emb = OnnxEmbedder()
        emb.encode(texts[:64])
        t = time.perf_counter()
        emb.encode(texts, batch_size=64, progress=True)
        seconds = time.perf_counter() - t
    elif not mode.startswith("build"):
        raise SystemExit(f"unknown mode {mode}")
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"mode": mode, "passages": n_passages, "texts": n_texts, "seconds": seconds,
            "passages_per_s": n_passages / seconds, "texts_per_s": n_texts / seconds,
            "peak_rss_mib": round(peak_mib, 1)}


def build_worker(mode: str, source: Path) -> tuple[int, int, float]:
    """build_index end to end; (passages, texts embedded, seconds)."""
    from retrieval import build_index
    from retrieval.embedding import get_embedder

    embedder = get_embedder(backend="torch" if mode == "build_torch" else None)
    embedder.encode(["warm-up"] * 64)
    target = OUT / f"index-{source.name}-{mode}"
    shutil.rmtree(target, ignore_errors=True)
    t = time.perf_counter()
    manifest = build_index([source], target, progress=True, embedder=embedder)
    seconds = time.perf_counter() - t
    shutil.rmtree(target, ignore_errors=True)
    return manifest.passage_count, manifest.passage_count + manifest.sentence_count, seconds


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", choices=["article", "synthetic"], default="article")
    parser.add_argument("--passages", type=int, default=5000)
    parser.add_argument("--modes", nargs="+", default=["raw_torch", "raw_onnx", "build", "build_torch"])
    parser.add_argument("--raw-sample", type=float, default=1.0,
                        help="raw modes encode this random fraction of the texts (default 1: all)")
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--source", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, Path(args.source), args.raw_sample)), flush=True)
        return 0

    source = ARTICLE if args.corpus == "article" else synthetic_corpus(args.passages)
    info = machine()
    rows = []
    for mode in args.modes:
        proc = subprocess.run(
            [sys.executable, __file__, "--worker", mode, "--source", str(source),
             "--raw-sample", str(args.raw_sample)],
            stdout=subprocess.PIPE, text=True, check=True,
        )
        row = json.loads(proc.stdout.strip().splitlines()[-1])
        rows.append(row)
        print(f"{mode:12s} {row['passages']:>7d} passages {row['texts']:>7d} texts  {row['seconds']:8.1f} s  "
              f"{row['passages_per_s']:8.1f} passages/s  {row['texts_per_s']:8.1f} texts/s  "
              f"peak {row['peak_rss_mib']:.0f} MiB", flush=True)
    by = {r["mode"]: r for r in rows}
    ratios = {}
    for build, raws in (("build", ("raw_torch", "raw_onnx")), ("build_torch", ("raw_torch",))):
        for raw in raws:
            if build in by and raw in by:
                ratios[f"{build}_over_{raw}_texts_per_s"] = round(by[build]["texts_per_s"] / by[raw]["texts_per_s"], 3)
    print(json.dumps(ratios, indent=1))
    name = "build_article" if args.corpus == "article" else f"build_synthetic_{args.passages}"
    save(name, {"machine": info, "corpus": args.corpus, "raw_sample": args.raw_sample, "source": str(source.relative_to(ROOT.parent)),
                "rows": rows, "ratios": ratios, "target_ratio_min": 0.9,
                "load_average_end": [round(x, 2) for x in __import__("os").getloadavg()]})
    return 0


if __name__ == "__main__":
    sys.exit(main())
