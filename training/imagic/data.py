"""What Imagic trains on: the token files `npm run tokens` exports (Python only reads them; the
tokenizer is TypeScript), each item's MuVis conditions (conditions.py), long items cropped at a
Bar token with the attribute prefix kept, one condition drawn per example with condition dropout,
and length-bucketed batches padded with PAD."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

from .model import PAD_TOKEN

CONDITION_KINDS = ("image", "crop", "hum", "clip")


@dataclass
class Sequence:
    index: int        # corpus manifest row
    split: str
    tokens: np.ndarray  # int64


@dataclass(frozen=True)
class TokenFiles:
    sequences: list[Sequence]
    vocab: dict
    bar_token: int
    sha256: str        # of tokens.jsonl


def read_tokens(tokens_dir: Path, limit: int = 0) -> TokenFiles:
    path = tokens_dir / "tokens.jsonl"
    vocab = json.loads((tokens_dir / "vocab.json").read_text(encoding="utf-8"))
    raw = path.read_bytes()
    seqs = []
    for line in raw.decode("utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            seqs.append(Sequence(int(row["index"]), str(row["split"]), np.asarray(row["tokens"], dtype=np.int64)))
            if limit and len(seqs) >= limit:
                break
    bar = vocab["kinds"]["bar"]["first"]
    if vocab["tokens"][bar] != "Bar":
        raise ValueError(f"{tokens_dir}/vocab.json: token {bar} is {vocab['tokens'][bar]!r}, not Bar")
    return TokenFiles(seqs, vocab, bar, hashlib.sha256(raw).hexdigest())


def bar_starts(tokens: np.ndarray, bar_token: int) -> np.ndarray:
    return np.flatnonzero(tokens == bar_token)


def crop_at_bar(tokens: np.ndarray, bar_token: int, max_len: int, rng: np.random.Generator | None) -> np.ndarray:
    """At most ``max_len`` tokens: the attribute prefix (everything before the first Bar) kept,
    then tokens from a Bar on, as many as fit; what the engine re-prefills when it continues past
    its context in windows. The Bar is drawn uniformly from those that fill the whole window plus
    the first one whose window reaches the end (so endings are trained); rng None takes the first
    Bar (validation). Short sequences come back whole."""
    if len(tokens) <= max_len:
        return tokens
    bars = bar_starts(tokens, bar_token)
    if len(bars) == 0:
        return tokens[:max_len]
    prefix = tokens[:bars[0]]
    room = max_len - len(prefix)
    if room <= 0:
        raise ValueError(f"attribute prefix of {len(prefix)} tokens does not fit a context of {max_len}")
    full = bars[len(tokens) - bars >= room]
    reach_end = bars[len(tokens) - bars <= room]
    candidates = np.unique(np.concatenate([full, reach_end[:1]]))
    start = candidates[0] if rng is None else candidates[rng.integers(len(candidates))]
    return np.concatenate([prefix, tokens[start:start + room]])


@dataclass(frozen=True)
class ConditionMix:
    """Which condition each training example gets (probabilities, renormalised over the kinds an
    item has) and how often it gets none (the null condition, for classifier-free guidance)."""

    image: float = 0.45
    crop: float = 0.2
    hum: float = 0.15
    clip: float = 0.2
    dropout: float = 0.12

    def to_dict(self) -> dict:
        return asdict(self)


class Conditions:
    """The cached MuVis embeddings of each corpus item, by manifest row."""

    def __init__(self, arrays: dict[str, np.ndarray]):
        self.image, self.clip = arrays["image"], arrays["clip"]
        self.dim = self.image.shape[1]
        self.crops = self._group(arrays["crop"], arrays["crop_owner"], len(self.image))
        self.hums = self._group(arrays["hum"], arrays["hum_owner"], len(self.image))
        self.meta = arrays.get("meta", {})

    @staticmethod
    def _group(vectors: np.ndarray, owners: np.ndarray, n: int) -> list[np.ndarray]:
        order = np.argsort(owners, kind="stable")
        bounds = np.searchsorted(owners[order], np.arange(n + 1))
        return [vectors[order[bounds[i]:bounds[i + 1]]] for i in range(n)]

    def choices(self, index: int) -> dict[str, np.ndarray]:
        return {"image": self.image[index:index + 1], "crop": self.crops[index], "hum": self.hums[index],
                "clip": self.clip[index:index + 1]}

    def draw(self, index: int, mix: ConditionMix, rng: np.random.Generator) -> tuple[np.ndarray, float, str]:
        """(vector, cond_mask, kind) for one example: kind drawn by ``mix`` among the kinds the
        item has, one of its vectors of that kind uniformly; with probability mix.dropout the
        null condition (mask 0, a zero vector that the model ignores)."""
        if rng.random() < mix.dropout:
            return np.zeros(self.dim, np.float32), 0.0, "none"
        have = self.choices(index)
        kinds = [k for k in CONDITION_KINDS if len(have[k]) and getattr(mix, k) > 0]
        p = np.array([getattr(mix, k) for k in kinds])
        kind = kinds[rng.choice(len(kinds), p=p / p.sum())]
        vecs = have[kind]
        return vecs[rng.integers(len(vecs))].astype(np.float32), 1.0, kind


@dataclass
class Batch:
    tokens: torch.Tensor     # [B, T] int64 inputs
    targets: torch.Tensor    # [B, T] int64, PAD where no loss
    cond: torch.Tensor       # [B, D] float32
    cond_mask: torch.Tensor  # [B] float32
    kinds: list[str]
    prefix: torch.Tensor     # [B, T] bool: the target is an attribute token (after COND, before the first Bar)


def collate(seqs: list[np.ndarray], conds: list[np.ndarray], masks: list[float], kinds: list[str],
            bar_token: int | None = None) -> Batch:
    length = max(len(s) for s in seqs) - 1
    x = np.full((len(seqs), length), PAD_TOKEN, dtype=np.int64)
    y = np.full((len(seqs), length), PAD_TOKEN, dtype=np.int64)
    prefix = np.zeros((len(seqs), length), dtype=bool)
    for i, s in enumerate(seqs):
        x[i, :len(s) - 1], y[i, :len(s) - 1] = s[:-1], s[1:]
        if bar_token is not None:
            bars = bar_starts(s, bar_token)
            first = int(bars[0]) if len(bars) else len(s)
            prefix[i, 1:first - 1] = True   # targets s[2 .. first-1]: target t is s[t + 1]
    return Batch(torch.from_numpy(x), torch.from_numpy(y), torch.from_numpy(np.stack(conds).astype(np.float32)),
                 torch.tensor(masks, dtype=torch.float32), kinds, torch.from_numpy(prefix))


def epoch_batches(lengths: np.ndarray, batch_tokens: int, rng: np.random.Generator, pool: int = 64) -> list[np.ndarray]:
    """Example positions grouped into batches of about ``batch_tokens`` padded tokens: shuffled,
    sorted by length within pools of ``pool`` examples (little padding), batches shuffled."""
    order = rng.permutation(len(lengths))
    batches = []
    for p in range(0, len(order), pool):
        chunk = order[p:p + pool]
        chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
        cur: list[int] = []
        for i in chunk:
            if cur and (len(cur) + 1) * max(lengths[cur + [i]].max(), 1) > batch_tokens:
                batches.append(np.array(cur))
                cur = []
            cur.append(int(i))
        if cur:
            batches.append(np.array(cur))
    return [batches[i] for i in rng.permutation(len(batches))]


def make_batch(seqs: list[Sequence], bar_token: int, max_len: int, conds: Conditions, mix: ConditionMix,
               rng: np.random.Generator) -> Batch:
    cropped, vecs, masks, kinds = [], [], [], []
    for s in seqs:
        cropped.append(crop_at_bar(s.tokens, bar_token, max_len, rng))
        v, m, k = conds.draw(s.index, mix, rng)
        vecs.append(v), masks.append(m), kinds.append(k)
    return collate(cropped, vecs, masks, kinds, bar_token)
