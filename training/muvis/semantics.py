"""What an item's caption says, as the evaluation scores it and as training may use it: the
train split's most frequent normalised tags, each item's caption category, and how much two
items' captions agree."""

from __future__ import annotations

from collections import Counter

import numpy as np

from common.corpus import Item

TAG_VOCABULARY = 50


def tag_vocabulary(items: list[Item], size: int = TAG_VOCABULARY) -> list[str]:
    """The `size` most frequent normalised tags of `items` (ties by name)."""
    counts = Counter(t for it in items for t in set(it.tags))
    return [t for t, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:size]]


def caption_category(item: Item, vocab: list[str]) -> str:
    """The item's music.style when the manifest has one, else its most frequent vocabulary tag."""
    style = item.music.get("style") if isinstance(item.music, dict) else None
    if style:
        return f"style:{style}"
    ranked = [t for t in vocab if t in set(item.tags)]
    return f"tag:{ranked[0]}" if ranked else "none"


def caption_categories(items: list[Item], vocab: list[str]) -> np.ndarray:
    """[items] array of caption_category strings."""
    return np.array([caption_category(it, vocab) for it in items])


def tag_matrix(items: list[Item], vocab: list[str]) -> np.ndarray:
    """[items, vocab] 0/1 float32: which vocabulary tags each item carries."""
    index = {t: n for n, t in enumerate(vocab)}
    m = np.zeros((len(items), len(vocab)), dtype=np.float32)
    for r, it in enumerate(items):
        for t in it.tags:
            if t in index:
                m[r, index[t]] = 1.0
    return m


def caption_agreement(categories: np.ndarray, tags: np.ndarray) -> np.ndarray:
    """[n, n] in [0, 1]: half for the same caption category, half the Jaccard overlap of the
    vocabulary tags. The diagonal is at least 0.5 (1 when the item has a vocabulary tag)."""
    same = (categories[:, None] == categories[None, :]).astype(np.float32)
    inter = tags @ tags.T
    counts = tags.sum(axis=1)
    union = counts[:, None] + counts[None, :] - inter
    jaccard = np.where(union > 0, inter / np.maximum(union, 1.0), 0.0).astype(np.float32)
    return 0.5 * same + 0.5 * jaccard
