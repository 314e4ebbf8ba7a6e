"""The Searcher's ranked lists asked of a Milvus server (`python -m search --milvus URI`, the
page with PLANSEARCH_MILVUS=URI): BM25 over each token field and the nearest e5 vectors, the
filters as a Milvus expression over the document's scalar fields. Everything after the lists
(fusion, phrases, numbers first, grouping) is the Searcher's, as for the index folder.

The passage records and the documents' metadata are read once when the source opens (rows sorted as the
index folder sorts them: by document, then position); a passage written after that is left out of
the lists until the next open. index_generation() tells a page server when to reopen.
"""
from __future__ import annotations

import json

import numpy as np

from indexer.embed.base import Embedder
from indexer.milvus.rows import SETTINGS_KEY, field_text, passage_from_record
from indexer.milvus.store import (PREFIX, all_rows, connect, ensure_loaded, meta_name,
                                        milvus_errors, passages_name, read_meta, unavailable)
from indexer.models import Passage
from indexer.references.resolve import resolve_passages
from indexer.text import folded_syllables

from search.engine import Searcher
from search.query import Filters
from search.sources import Scope

HNSW_EF = 256            # search breadth of an HNSW index (ignored by FLAT)


def filter_expression(filters: Filters) -> str:
    """The filters as a Milvus boolean expression over the passages' scalar fields ("" = all)."""
    parts = [f"{field} in [{', '.join(json.dumps(v, ensure_ascii=False) for v in values)}]"
             for field, values in (("doc", filters.documents), ("province", filters.provinces),
                                   ("level", filters.levels)) if values]
    if filters.years:
        parts.append(f"year in [{', '.join(str(int(y)) for y in filters.years)}]")
    return " and ".join(parts)


class MilvusSource:
    def __init__(self, uri: str, prefix: str = PREFIX):
        self.where = uri
        self._prefix = prefix
        self._client = connect(uri)
        try:
            self.manifest, documents = read_meta(self._client, uri, prefix)
            ensure_loaded(self._client, passages_name(prefix))
            rows = self._read_passages()
        except milvus_errors() as e:
            raise unavailable(uri, e) from e
        self.generation = self.manifest.get("generation")
        self.documents = {name: documents[name].metadata for name in sorted(documents)}
        ordered = sorted((p.doc, p.char_start, pk, p) for pk, p in rows if p.doc in self.documents)
        # references resolve against the documents on the server now (some may have come later)
        self.passages = tuple(resolve_passages([p for *_, p in ordered], self.documents))
        self._row_of = {pk: row for row, (_, _, pk, _) in enumerate(ordered)}
        self.folded_vocab = frozenset(s for p in self.passages for s in folded_syllables(p.text))

    def _read_passages(self) -> list[tuple[int, Passage]]:
        rows = all_rows(self._client, passages_name(self._prefix), ["id", "record"])
        return [(r["id"], passage_from_record(r["record"])) for r in rows]

    def _search(self, data, anns_field: str, scope: Scope, k: int, **params) -> list[dict]:
        try:
            found = self._client.search(passages_name(self._prefix), data=[data], anns_field=anns_field, limit=k,
                                        filter=filter_expression(scope.filters), output_fields=["id"], **params)
        except milvus_errors() as e:
            raise unavailable(self.where, e) from e
        return [h for h in found[0] if h["id"] in self._row_of]  # rows written since this source opened: left out

    def lexical(self, field: str, tokens: tuple[str, ...], scope: Scope, k: int) -> list[int]:
        text = field_text(tokens)
        if not text:
            return []
        return [self._row_of[h["id"]] for h in self._search(text, f"{field}_bm25", scope, k)]

    def dense(self, vector: np.ndarray, scope: Scope, k: int) -> list[tuple[int, float]]:
        hits = self._search([float(x) for x in vector], "vector", scope, k,
                            search_params={"metric_type": "IP", "params": {"ef": max(k, HNSW_EF)}})
        return [(self._row_of[h["id"]], float(h["distance"])) for h in hits]

    def close(self) -> None:
        self._client.close()


def open_milvus_searcher(uri: str, embedder: Embedder | None = None, prefix: str = PREFIX) -> Searcher:
    """A Searcher whose ranked lists come from the Milvus server at uri."""
    return Searcher(embedder=embedder, source=MilvusSource(uri, prefix))


def index_generation(uri: str, prefix: str = PREFIX) -> int:
    """A number that changes with every update of the index on the server (the page reopens its
    searcher when it changes)."""
    client = connect(uri)
    try:
        if not client.has_collection(meta_name(prefix)):
            return 0  # no index: opening the searcher says so
        ensure_loaded(client, meta_name(prefix))  # a restarted server may have released it
        rows = client.query(meta_name(prefix), filter=f'key == "{SETTINGS_KEY}"', output_fields=["value"])
    except milvus_errors() as e:
        raise unavailable(uri, e) from e
    finally:
        client.close()
    return json.loads(rows[0]["value"]).get("generation", 0) if rows else 0
