"""Dense search at scale: flat (exact) against HNSW and IVF on random unit vectors, dim 384.

    .venv/bin/python bench/search_scale.py [--sizes 10000 50000 100000 1000000] [--queries 200]
    .venv/bin/python bench/search_scale.py --sizes 1000000 --kinds flat hnsw --ef-construction 80 40 \
        --max-build-min 15 --ef-search 64 256 --name search_scale_1m_hnsw

For each size: build time, p50/p95 single-query latency (k=10, one query at a time as `ask` does) and
recall@10 against flat. Indexes are made by retrieval.dense.make_index, so the figures are the
library's own settings (HNSW M=32, efSearch=64; IVF nlist=4*sqrt(n), nprobe=nlist/16).
Random vectors are the hard case for approximate search (no cluster structure); real embeddings
recall better at the same settings.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine, save, summary  # noqa: E402


def unit(rng, n, dim):
    x = rng.standard_normal((n, dim), dtype=np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x


def hnsw_build(dense, base, efc, max_build_min, chunk=50_000):
    """The library's HNSW index (dense.make_index), efConstruction overridden when given, filled in
    chunks with progress; None when the linear projection of the build passes max_build_min."""
    index = dense.make_index(base[:0], "hnsw")
    if efc is not None:
        index.hnsw.efConstruction = efc
    n, t = len(base), time.perf_counter()
    for start in range(0, n, chunk):
        index.add(np.ascontiguousarray(base[start:start + chunk]))
        done, elapsed = min(n, start + chunk), time.perf_counter() - t
        projected = elapsed * n / done
        print(f"  hnsw efC={index.hnsw.efConstruction} {done:>8d}/{n} added  {elapsed:7.1f} s  "
              f"linear projection {projected / 60:5.1f} min", flush=True)
        if max_build_min and done < n and projected > max_build_min * 60:
            print(f"  stopped: projection over {max_build_min} min", flush=True)
            return None
    return index


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000, 100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--kinds", nargs="+", default=["flat", "ivf", "hnsw"])
    parser.add_argument("--name", default="search_scale", help="bench/out/NAME.json")
    parser.add_argument("--ef-search", type=int, nargs="+", default=[16, 64, 256])
    parser.add_argument("--ef-construction", type=int, nargs="+", default=[None],
                        help="HNSW efConstruction values to build, in order (default: the library's, 80)")
    parser.add_argument("--max-build-min", type=float, default=None,
                        help="HNSW: add in chunks of 50k and give up on a build once the linear projection "
                             "of its elapsed time (a lower bound: inserts get slower as the graph grows) "
                             "exceeds this many minutes; the next --ef-construction value is then tried "
                             "(with this option, later values are fallbacks, built only after a stop)")
    args = parser.parse_args()
    import faiss

    from retrieval import dense

    rng = np.random.default_rng(0)
    info = machine()
    info["faiss_threads"] = faiss.omp_get_max_threads()
    rows = []
    for n in args.sizes:
        base = unit(rng, n, args.dim)
        # Queries near stored vectors (a stored vector plus noise), like a question near its passage.
        picks = rng.integers(0, n, args.queries)
        queries = base[picks] + 0.5 * unit(rng, args.queries, args.dim)
        queries /= np.linalg.norm(queries, axis=1, keepdims=True)
        truth = None
        plan = [(kind, efc) for kind in args.kinds
                for efc in (args.ef_construction if kind == "hnsw" else [None])]
        hnsw_done = False
        for kind, efc in plan:
            if kind == "hnsw" and hnsw_done and args.max_build_min:
                continue
            t = time.perf_counter()
            if kind == "hnsw" and (efc is not None or args.max_build_min):
                index = hnsw_build(dense, base, efc, args.max_build_min)
                if index is None:
                    rows.append({"n": n, "kind": kind, "efConstruction": efc, "stopped": True,
                                 "build_s_observed": round(time.perf_counter() - t, 1)})
                    save(args.name, {"machine": info, "dim": args.dim, "queries": args.queries,
                                     "rows": rows, "partial": True})
                    continue
            else:
                index = dense.make_index(base, kind)
            build_s = time.perf_counter() - t
            if kind == "hnsw":
                efc, hnsw_done = index.hnsw.efConstruction, True
            if kind == "hnsw":
                knobs = [("efSearch", v) for v in args.ef_search]
            elif kind == "ivf":
                knobs = [("nprobe", max(1, index.nlist // d)) for d in (16, 4)]
            else:
                knobs = [(None, None)]
            for knob, value in knobs:
                default = None
                if knob == "efSearch":
                    default, index.hnsw.efSearch = index.hnsw.efSearch, value
                elif knob == "nprobe":
                    default, index.nprobe = index.nprobe, value
                for q in queries[:10]:
                    dense.search(index, q[None, :], 10)
                lat, found = [], []
                for q in queries:
                    s = time.perf_counter()
                    _, ids = dense.search(index, q[None, :], 10)
                    lat.append((time.perf_counter() - s) * 1000)
                    found.append(ids[0])
                found = np.array(found)
                if kind == "flat":
                    truth = found
                recall = r1 = None
                if truth is not None:
                    recall = float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found, truth)]))
                    r1 = float(np.mean(found[:, 0] == truth[:, 0]))
                row = {**summary(lat), "n": n, "kind": kind, "knob": knob, "value": value,
                       "efConstruction": efc,
                       "library_default": default == value if knob else True,
                       "build_s": round(build_s, 2), "recall@10": recall, "top1_agreement": r1}
                rows.append(row)
                save(args.name, {"machine": info, "dim": args.dim, "queries": args.queries, "rows": rows,
                                 "partial": True})
                print(f"n={n:>8d} {kind:5s} efC={efc or '':<3} {knob or '':8s}={value or '':<5} build {build_s:7.2f}s  "
                      f"p50 {row['p50_ms']:7.3f} ms  p95 {row['p95_ms']:7.3f} ms  recall@10 {recall}  "
                      f"top1 {r1}", flush=True)
                if knob == "efSearch":
                    index.hnsw.efSearch = default
                elif knob == "nprobe":
                    index.nprobe = default
            del index
    payload = {"machine": info, "dim": args.dim, "queries": args.queries, "rows": rows,
               "flat_limit": dense.FLAT_LIMIT, "rule": dense.choose_index_type.__doc__}
    save(args.name, payload)
    return 0


if __name__ == "__main__":
    sys.exit(main())
