"""Fusing ranked lists and turning scores into features: small pure functions."""

from __future__ import annotations

import math

import numpy as np

from .errors import ConfigError

RRF_K = 60


def ranks(scores: np.ndarray) -> np.ndarray:
    """1-based rank of each entry, highest score first (ties keep index order)."""
    order = np.argsort(-scores, kind="stable")
    out = np.empty(len(scores), dtype=np.int64)
    out[order] = np.arange(1, len(scores) + 1)
    return out


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the `k` highest scores, best first, ties in index order: the same as
    `np.argsort(-scores, kind="stable")[:k]`, without sorting the whole array (archives hold
    hundreds of thousands of sentences)."""
    n = len(scores)
    if k <= 0 or n == 0:
        return np.zeros(0, dtype=np.int64)
    if k >= n:
        return np.argsort(-scores, kind="stable")
    kth = np.partition(scores, n - k)[n - k]
    chosen = np.flatnonzero(scores >= kth)  # every tie at the k-th value, in index order
    return chosen[np.argsort(-scores[chosen], kind="stable")[:k]]


def rrf(*score_lists: np.ndarray, k: int = RRF_K) -> np.ndarray:
    """Reciprocal rank fusion: sum over lists of 1 / (k + rank)."""
    return sum(1.0 / (k + ranks(s)) for s in score_lists)


def minmax(scores: np.ndarray) -> np.ndarray:
    """Scale to [0, 1]; a constant list maps to zeros."""
    if len(scores) == 0:
        return scores.astype(np.float32)
    lo, hi = float(scores.min()), float(scores.max())
    return np.zeros_like(scores, dtype=np.float32) if hi - lo < 1e-12 else ((scores - lo) / (hi - lo)).astype(np.float32)


def weighted(dense: np.ndarray, bm25: np.ndarray, alpha: float = 0.5) -> np.ndarray:
    """Convex combination of min-max scaled dense and BM25 scores."""
    return alpha * minmax(dense) + (1 - alpha) * minmax(bm25)


FUSIONS = {
    "rrf": lambda dense, bm25: rrf(dense, bm25),
    "weighted": weighted,
    "dense": lambda dense, bm25: dense.astype(np.float64),
    "bm25": lambda dense, bm25: bm25.astype(np.float64),
}


def fuse(method: str, dense: np.ndarray, bm25: np.ndarray) -> np.ndarray:
    try:
        return FUSIONS[method](dense, bm25)
    except KeyError:
        raise ConfigError(f"unknown fusion {method!r}; choose from {', '.join(FUSIONS)}.") from None


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x > -700 else 0.0
