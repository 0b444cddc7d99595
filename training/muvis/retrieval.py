"""Ranking metrics over L2-normalised embeddings (cosine similarity = dot product)."""

from __future__ import annotations

import numpy as np


def similarity(queries: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    return queries.astype(np.float32) @ candidates.astype(np.float32).T


def exact_ranks(queries: np.ndarray, candidates: np.ndarray, target: np.ndarray) -> np.ndarray:
    """0-based rank of each query's own candidate ``target[q]`` (ties counted pessimistically)."""
    sims = similarity(queries, candidates)
    own = sims[np.arange(len(queries)), target]
    return (sims > own[:, None]).sum(axis=1) + ((sims == own[:, None]).sum(axis=1) - 1)


def recall_at_k(queries: np.ndarray, candidates: np.ndarray, target: np.ndarray, k: int) -> float:
    return float((exact_ranks(queries, candidates, target) < k).mean())


def exact_pair_metrics(queries: np.ndarray, candidates: np.ndarray, target: np.ndarray) -> dict:
    """Recall@1/5/10, mAP (one relevant item: mean reciprocal rank), median rank (1-based)."""
    ranks = exact_ranks(queries, candidates, target)
    return {
        "R@1": float((ranks < 1).mean()), "R@5": float((ranks < 5).mean()), "R@10": float((ranks < 10).mean()),
        "mAP": float((1.0 / (ranks + 1)).mean()), "medianRank": float(np.median(ranks) + 1),
        "queries": int(len(queries)), "candidates": int(len(candidates)),
    }
