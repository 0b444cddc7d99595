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


def auroc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Mann-Whitney AUROC with average ranks for ties."""
    from scipy.stats import rankdata

    pos = labels.astype(bool)
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    ranks = rankdata(scores)
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def average_precision(scores: np.ndarray, labels: np.ndarray) -> float:
    """Mean of precision at the rank of each positive (scores sorted descending, stable)."""
    order = np.argsort(-scores, kind="stable")
    hits = labels[order].astype(np.float64)
    precision = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float((precision * hits).sum() / hits.sum())


def category_retrieval(queries: np.ndarray, owners: np.ndarray, candidates: np.ndarray, categories: np.ndarray) -> dict:
    sims = similarity(queries, candidates)
    aurocs, aps, top1 = [], [], []
    for q in range(len(queries)):
        relevant = categories == categories[owners[q]]
        top1.append(bool(relevant[int(np.argmax(sims[q]))]))
        if 0 < relevant.sum() < len(relevant):
            aurocs.append(auroc(sims[q], relevant))
            aps.append(average_precision(sims[q], relevant))
    return {"AUROC": float(np.mean(aurocs)) if aurocs else None, "AP": float(np.mean(aps)) if aps else None,
            "accuracy": float(np.mean(top1)) if top1 else None, "queries": int(len(queries)),
            "candidates": int(len(candidates)), "categories": int(len(set(categories.tolist())))}
