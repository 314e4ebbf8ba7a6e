"""The lexical part of the index: one bm25s index per token field, each in its own folder of
plain files (bm25s saves npy arrays and JSON)."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable, Iterable, Sequence

from indexer.models import Passage
from indexer.text import folded_tokens, word_tokens

# field name -> the text pipeline's tokenizer for it (over the passage's own text)
FIELDS: dict[str, Callable[[str], tuple[str, ...]]] = {"words": word_tokens, "folded": folded_tokens}
BM25_K1 = 1.5    # bm25s's defaults (see the README's ablation table)
BM25_B = 0.75


def field_folder(folder: Path, name: str) -> Path:
    return folder / f"lexical_{name}"


def field_index(tokens: Sequence[Sequence[str]], k1: float = BM25_K1, b: float = BM25_B):
    """A bm25s retriever over one field's token lists (row i = passage i)."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    retriever = bm25s.BM25(k1=k1, b=b)
    retriever.index([list(t) or [""] for t in tokens], show_progress=False)
    return retriever


def write_lexical(folder: Path, passages: Sequence[Passage],
                  progress: Callable[[Iterable, str], Iterable] = lambda it, desc: it) -> None:
    texts = [p.body for p in passages]
    for name, tokenize in FIELDS.items():
        tokens = [tokenize(t) for t in progress(texts, f"Chỉ mục từ khóa ({name})")]
        field_index(tokens).save(str(field_folder(folder, name)))


def load_lexical(folder: Path) -> dict:
    """field name -> bm25s.BM25 retriever (raises what bm25s raises on damaged files)."""
    import bm25s

    return {name: bm25s.BM25.load(str(field_folder(folder, name))) for name in FIELDS}
