"""Imagic's decoder: a small decoder-only transformer over the `imagic-remi-1` tokens (pre-norm,
learned absolute positions, tied input/output embeddings) whose COND token's embedding is the
projected MuVis embedding (cond_mask 1) or a learned null vector (cond_mask 0, classifier-free
guidance). Two paths compute the same function: ``forward`` (a whole sequence, causal; training)
and ``step`` (S new tokens against a static KV cache held by the caller; what decoder.onnx is,
contract in docs/architecture.md "Imagic bundle")."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn

COND_TOKEN = 3  # vocab.json: PAD BOS EOS COND LOOP
PAD_TOKEN = 0
MASKED = -1e9    # attention score of a hidden key: exp() of it is exactly 0 in float32, never NaN


@dataclass(frozen=True)
class ImagicConfig:
    vocab: int = 679
    d_model: int = 256
    layers: int = 4
    heads: int = 4
    head_dim: int = 64
    ffn: int = 1024
    max_context: int = 1024
    cond_dim: int = 128
    dropout: float = 0.1
    cond_token: int = COND_TOKEN
    # the condition also added to every position's input (its own projection and null vector), not only
    # read through attention to the COND token: the first runs' prefix loss stayed 0.27 nats from the null
    # condition's with the COND token alone
    cond_everywhere: bool = True

    def to_dict(self) -> dict:
        return asdict(self)


PRESETS = {
    # d 192 rather than the contract example's 256: 1.4x the tokens a second on a shared 2-core CPU,
    # where a run gets about one epoch in an hour, and a 9 MB bundle
    "small": ImagicConfig(d_model=192, heads=3, head_dim=64, ffn=768),
    "tiny": ImagicConfig(d_model=128, layers=2, heads=4, head_dim=32, ffn=512, max_context=256),
}


class Block(nn.Module):
    def __init__(self, cfg: ImagicConfig):
        super().__init__()
        inner = cfg.heads * cfg.head_dim
        self.heads, self.head_dim = cfg.heads, cfg.head_dim
        self.ln1 = nn.LayerNorm(cfg.d_model)
        self.qkv = nn.Linear(cfg.d_model, 3 * inner)
        self.out = nn.Linear(inner, cfg.d_model)
        self.ln2 = nn.LayerNorm(cfg.d_model)
        self.ff1 = nn.Linear(cfg.d_model, cfg.ffn)
        self.ff2 = nn.Linear(cfg.ffn, cfg.d_model)
        self.drop = nn.Dropout(cfg.dropout)
        self.p_drop = cfg.dropout

    def _qkv(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        b, s, _ = x.shape
        q, k, v = self.qkv(self.ln1(x)).view(b, s, 3, self.heads, self.head_dim).permute(2, 0, 3, 1, 4).unbind(0)
        return q, k, v  # each [B, heads, S, headDim]

    def _merge(self, x: torch.Tensor, att: torch.Tensor) -> torch.Tensor:
        b, _, s, _ = att.shape
        x = x + self.drop(self.out(att.transpose(1, 2).reshape(b, s, -1)))
        return x + self.drop(self.ff2(F.gelu(self.ff1(self.ln2(x)))))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        q, k, v = self._qkv(x)
        att = F.scaled_dot_product_attention(q, k, v, is_causal=True, dropout_p=self.p_drop if self.training else 0.0)
        return self._merge(x, att)

    def step(self, x, cache_k, cache_v, cache_visible, causal):
        """x [B,S,d]; cache_k/v [B,heads,N,headDim] (the cache cut to the longest row's length);
        cache_visible [B,1,1,N] and causal [1,1,S,S] booleans. Scores against the cache and the new
        tokens are computed apart and softmaxed together by hand (no copy of the cache, no slicing
        of the probabilities by a dynamic length)."""
        q, k, v = self._qkv(x)
        scale = 1.0 / math.sqrt(self.head_dim)
        s_cache = (torch.matmul(q, cache_k.transpose(-1, -2)) * scale).masked_fill(~cache_visible, MASKED)
        s_new = (torch.matmul(q, k.transpose(-1, -2)) * scale).masked_fill(~causal, MASKED)
        top = torch.maximum(s_cache.amax(dim=-1, keepdim=True), s_new.amax(dim=-1, keepdim=True))
        e_cache, e_new = torch.exp(s_cache - top), torch.exp(s_new - top)
        den = e_cache.sum(dim=-1, keepdim=True) + e_new.sum(dim=-1, keepdim=True)
        att = (torch.matmul(e_cache, cache_v) + torch.matmul(e_new, v)) / den
        return self._merge(x, att), k, v


class CacheSlice(torch.autograd.Function):
    """cache[layer, :, :, :n] with n a 0-d int64 tensor, exported as one ONNX Slice with a dynamic
    end (the tracer would freeze a Python slice bound), so a step reads and copies only the cached
    positions in use instead of all maxContext of them."""

    @staticmethod
    def forward(ctx, cache, layer: int, n):  # noqa: D102
        return cache[layer, :, :, :int(n)]

    @staticmethod
    def symbolic(g, cache, layer: int, n):  # noqa: D102
        const = lambda v: g.op("Constant", value_t=torch.tensor(v, dtype=torch.int64))  # noqa: E731
        end = g.op("Concat", const([layer + 1]), g.op("Reshape", n, const([1])), axis_i=0)
        sliced = g.op("Slice", cache, const([layer, 0]), end, const([0, 3]))
        return g.op("Squeeze", sliced, const([0]))


class Imagic(nn.Module):
    def __init__(self, cfg: ImagicConfig):
        super().__init__()
        self.cfg = cfg
        self.tok = nn.Embedding(cfg.vocab, cfg.d_model)
        self.pos = nn.Embedding(cfg.max_context, cfg.d_model)
        self.cond_proj = nn.Linear(cfg.cond_dim, cfg.d_model)
        self.null_cond = nn.Parameter(torch.zeros(cfg.d_model))
        if cfg.cond_everywhere:
            self.cond_bias = nn.Linear(cfg.cond_dim, cfg.d_model)
            self.null_bias = nn.Parameter(torch.zeros(cfg.d_model))
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.layers))
        self.ln_f = nn.LayerNorm(cfg.d_model)
        self.drop = nn.Dropout(cfg.dropout)
        self.apply(self._init)
        nn.init.normal_(self.null_cond, std=0.02)
        if cfg.cond_everywhere:
            nn.init.normal_(self.null_bias, std=0.02)
        for blk in self.blocks:  # GPT-2's residual scaling
            for lin in (blk.out, blk.ff2):
                nn.init.normal_(lin.weight, std=0.02 / math.sqrt(2 * cfg.layers))

    @staticmethod
    def _init(m: nn.Module) -> None:
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, std=0.02)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, std=0.02)

    def embed(self, tokens, positions, cond, cond_mask):
        """Token + position embeddings; at COND tokens the token part is cond_mask x Linear(cond)
        + (1 - cond_mask) x the null vector. With cond_everywhere every position also gets
        cond_mask x Linear'(cond) + (1 - cond_mask) x a second null vector."""
        m = cond_mask.to(torch.float32)[:, None]
        c = m * self.cond_proj(cond) + (1.0 - m) * self.null_cond[None, :]          # [B, d]
        x = torch.where((tokens == self.cfg.cond_token)[..., None], c[:, None, :], self.tok(tokens))
        x = x + self.pos(positions)
        if self.cfg.cond_everywhere:
            x = x + (m * self.cond_bias(cond) + (1.0 - m) * self.null_bias[None, :])[:, None, :]
        return x

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(self.ln_f(x), self.tok.weight)

    def forward(self, tokens, cond, cond_mask):
        """Whole sequences from position 0: tokens [B,T] -> logits [B,T,vocab]."""
        positions = torch.arange(tokens.shape[1], device=tokens.device)[None, :].expand_as(tokens)
        x = self.drop(self.embed(tokens, positions, cond, cond_mask))
        for blk in self.blocks:
            x = blk(x)
        return self.logits(x)

    def step(self, tokens, positions, cond, cond_mask, cache_k, cache_v, cache_len):
        """decoder.onnx: S new tokens after cache_len cached ones (per row). Returns logits
        [B,S,vocab] and the new tokens' keys/values [layers,B,heads,S,headDim]."""
        n = torch.clamp(cache_len.max(), min=1)                                      # cached positions read
        cache_visible = (torch.arange(n, device=tokens.device)[None, :] < cache_len[:, None])[:, None, None, :]  # [B,1,1,n]
        idx = torch.ones_like(tokens[:1]).cumsum(dim=1)                              # [1,S] 1..S, shape-free
        causal = (idx[:, :, None] >= idx[:, None, :])[:, None, :, :]                 # [1,1,S,S]
        x = self.embed(tokens, positions, cond, cond_mask)
        new_k, new_v = [], []
        for layer, blk in enumerate(self.blocks):
            x, k, v = blk.step(x, CacheSlice.apply(cache_k, layer, n), CacheSlice.apply(cache_v, layer, n),
                               cache_visible, causal)
            new_k.append(k)
            new_v.append(v)
        return self.logits(x), torch.stack(new_k), torch.stack(new_v)


class StepModule(nn.Module):
    """``Imagic.step`` as a module's forward, for torch.onnx.export."""

    def __init__(self, model: Imagic):
        super().__init__()
        self.model = model

    def forward(self, tokens, positions, cond, cond_mask, cache_k, cache_v, cache_len):
        return self.model.step(tokens, positions, cond, cond_mask, cache_k, cache_v, cache_len)


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
