"""The lexical part of the index: one bm25s index per token field, each in its own folder of
plain files (bm25s saves npy arrays and JSON)."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable, Iterable, Sequence

from indexer.models import Passage
from indexer.text import folded_tokens, word_tokens

# field name -> the text pipeline's tokenizer for it
FIELDS: dict[str, Callable[[str], tuple[str, ...]]] = {"words": word_tokens, "folded": folded_tokens}


def field_folder(folder: Path, name: str) -> Path:
    return folder / f"lexical_{name}"


def write_lexical(folder: Path, passages: Sequence[Passage],
                  progress: Callable[[Iterable, str], Iterable] = lambda it, desc: it) -> None:
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    texts = [p.text for p in passages]
    for name, tokenize in FIELDS.items():
        tokens = [list(tokenize(t)) or [""] for t in progress(texts, f"Chỉ mục từ khóa ({name})")]
        retriever = bm25s.BM25()
        retriever.index(tokens, show_progress=False)
        retriever.save(str(field_folder(folder, name)))


def load_lexical(folder: Path) -> dict:
    """field name -> bm25s.BM25 retriever (raises what bm25s raises on damaged files)."""
    import bm25s

    return {name: bm25s.BM25.load(str(field_folder(folder, name))) for name in FIELDS}
