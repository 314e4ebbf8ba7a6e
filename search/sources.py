"""Where the Searcher's ranked lists come from. A source holds the passage records (row i =
passage i), the documents' metadata, and answers two questions: the passages a BM25 field ranks for some
tokens, and the passages nearest a query vector, both restricted to a scope. Fusion, the phrase
signal, document numbers first and per-document grouping stay in the Searcher, whichever the source:

- EmbeddedSource: the index folder (bm25s + FAISS, loaded by indexer/index/load.py);
- search.milvus_source.MilvusSource: the same lists asked of a Milvus server.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from indexer.index.dense import search_dense
from indexer.index.load import load_index
from indexer.models import DocumentMetadata, Passage

from search.query import Filters


@dataclass(frozen=True, eq=False)
class Scope:
    """The passages a search may return: the filters as asked, and the same as a mask over
    the passage rows (None: every passage)."""
    filters: Filters
    allowed: np.ndarray | None = None


class Source(Protocol):
    where: str                                 # the index folder or server, for messages
    manifest: dict                             # at least {"embedder": {backend, model_id, dim}}
    passages: tuple[Passage, ...]
    documents: dict[str, DocumentMetadata]
    folded_vocab: frozenset[str]               # accent-folded syllables the corpus knows

    def lexical(self, field: str, tokens: tuple[str, ...], scope: Scope, k: int) -> list[int]:
        """Rows ranked by BM25 over field ("words" | "folded"), best first, score > 0 only."""

    def dense(self, vector: np.ndarray, scope: Scope, k: int) -> list[tuple[int, float]]:
        """(row, cosine) of the k passages nearest vector, best first."""


class EmbeddedSource:
    """The index folder: bm25s per token field and a FAISS index, row i = passage i."""

    def __init__(self, index_dir: Path, verify: bool = True):
        loaded = load_index(index_dir, verify=verify)
        records = loaded.records
        self.where = str(records.folder)
        self.folder = records.folder
        self.manifest = records.manifest
        self.passages = records.passages
        self.documents = records.documents
        self._lexical = loaded.lexical
        self._dense = loaded.dense
        self.folded_vocab = frozenset(self._lexical["folded"].vocab_dict)

    def lexical(self, field: str, tokens: tuple[str, ...], scope: Scope, k: int) -> list[int]:
        scores = self._lexical[field].get_scores(list(tokens))
        if scope.allowed is not None:
            scores = np.where(scope.allowed, scores, 0.0)
        order = np.argsort(-scores, kind="stable")[:k]
        return [int(i) for i in order if scores[i] > 0]

    def dense(self, vector: np.ndarray, scope: Scope, k: int) -> list[tuple[int, float]]:
        return search_dense(self._dense, vector, k, scope.allowed)   # the filter applied inside FAISS
