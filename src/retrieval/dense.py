"""FAISS inner-product search over unit vectors; the index type is chosen by corpus size."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .errors import ConfigError

# Exact search while it is fast enough: one query over n vectors (dim 384, one thread, 2 shared cores;
# bench/RESULTS.md) took p50 0.3 ms at 5k, 0.7-1.4 ms at 10k, 2.7-18 ms at 20k, 13-55 ms at 50k and
# 31 ms at 100k, against ~15-45 ms for a whole warm `ask`. Past 20k, flat would be the largest part
# of an answer; HNSW answers 100k in 0.6 ms (efSearch 64) and 1M without a linear scan.
FLAT_LIMIT = 20_000
INDEX_TYPES = ("flat", "hnsw", "ivf")


def choose_index_type(n_vectors: int) -> str:
    """`flat` (exact) up to FLAT_LIMIT (20,000) vectors, HNSW beyond (no training, ~1 ms at 100k-1M)."""
    return "flat" if n_vectors <= FLAT_LIMIT else "hnsw"


def make_index(vectors: np.ndarray, index_type: str = "auto"):
    import faiss

    n, dim = vectors.shape
    kind = choose_index_type(n) if index_type == "auto" else index_type
    if kind == "flat":
        index = faiss.IndexFlatIP(dim)
    elif kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = 64
    elif kind == "ivf":
        nlist = max(1, int(4 * np.sqrt(n)))
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
        index.train(np.ascontiguousarray(vectors, dtype=np.float32))
        index.nprobe = max(1, nlist // 16)
    else:
        raise ConfigError(f"unknown index type {index_type!r}; choose from auto, {', '.join(INDEX_TYPES)}.")
    if n:
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


# A query or a few run on one OpenMP thread: on 2 shared cores a parallel region for one query costs
# far more than it saves (bench/RESULTS.md: flat 10k, 0.6 ms on one thread against ~20-60 ms on two
# when the machine is busy). Batches keep every thread.
SINGLE_THREAD_MAX_QUERIES = 8


def search(index, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Similarities and ids, `(n_queries, k)`; missing neighbours have id -1."""
    import faiss

    k = max(1, min(k, index.ntotal)) if index.ntotal else 1
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    if len(queries) > SINGLE_THREAD_MAX_QUERIES:
        return index.search(queries, k)
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        return index.search(queries, k)
    finally:
        faiss.omp_set_num_threads(threads)


def save(index, path: Path) -> None:
    import faiss

    faiss.write_index(index, str(path))


def load(path: Path):
    import faiss

    return faiss.read_index(str(path))
