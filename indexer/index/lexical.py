"""The lexical part of the index: one bm25s index per token field, each in its own folder of
plain files (bm25s saves npy arrays and JSON).

A piece of a long article lacks the article's title ("Điều 5. Nguyên tắc hoạt động nghề nghiệp
của viên chức"), which is often what a question names: every piece of an article gets the title's
tokens TITLE_BOOST times in each field (a title boost, BM25F-like; a separate BM25 title field fused
as its own ranked list did worse, see the README). The Milvus rows take the same tokens."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable, Iterable, Sequence

from indexer.models import Passage
from indexer.structure.headings import ARTICLE_RE
from indexer.text import folded_tokens, word_tokens

# field name -> the text pipeline's tokenizer for it
FIELDS: dict[str, Callable[[str], tuple[str, ...]]] = {"words": word_tokens, "folded": folded_tokens}
BM25_K1 = 1.5    # bm25s's defaults (see the README's ablation table)
BM25_B = 0.75
TITLE_BOOST = 1   # once: 2 and 3 were not better under cross-validation (README)


def lexical_settings() -> dict:
    """What the lexical fields depend on besides the text pipeline (an index built otherwise is rebuilt)."""
    return {"k1": BM25_K1, "b": BM25_B, "title_boost": TITLE_BOOST}


def field_folder(folder: Path, name: str) -> Path:
    return folder / f"lexical_{name}"


def article_title(passage: Passage) -> str:
    """The title of the article a passage belongs to ("Nguyên tắc …"), "" outside any article."""
    for heading in passage.section:
        match = ARTICLE_RE.match(heading)
        if match:
            return match.group("title").strip()
    return ""


def passage_tokens(passage: Passage, field: str, title_boost: int = TITLE_BOOST) -> tuple[str, ...]:
    """A passage's tokens in one field: its own text's, then its article title's title_boost times."""
    tokenize = FIELDS[field]
    title = article_title(passage)
    return tokenize(passage.body) + (tokenize(title) * title_boost if title else ())


def field_index(tokens: Sequence[Sequence[str]], k1: float = BM25_K1, b: float = BM25_B):
    """A bm25s retriever over one field's token lists (row i = passage i)."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    retriever = bm25s.BM25(k1=k1, b=b)
    retriever.index([list(t) or [""] for t in tokens], show_progress=False)
    return retriever


def write_lexical(folder: Path, passages: Sequence[Passage],
                  progress: Callable[[Iterable, str], Iterable] = lambda it, desc: it) -> None:
    for name in FIELDS:
        tokens = [passage_tokens(p, name) for p in progress(passages, f"Chỉ mục từ khóa ({name})")]
        field_index(tokens).save(str(field_folder(folder, name)))


def load_lexical(folder: Path) -> dict:
    """field name -> bm25s.BM25 retriever (raises what bm25s raises on damaged files)."""
    import bm25s

    return {name: bm25s.BM25.load(str(field_folder(folder, name))) for name in FIELDS}
