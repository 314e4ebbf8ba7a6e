"""Opening an index folder for searching: records, lexical and dense parts, checked against each
other and against the embedder that will embed the queries."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from indexer.index import folder as store
from indexer.index.dense import load_dense
from indexer.embed.base import Embedder
from indexer.embed.engines import DEFAULT_BACKEND
from indexer.index.lexical import load_lexical

LOAD_ATTEMPTS = 5


@dataclass(frozen=True)
class LoadedIndex:
    records: store.StoredIndex        # folder, manifest, passages, documents
    lexical: dict                     # field name -> bm25s.BM25
    dense: object                     # faiss index; row i = passage i


def load_index(index_dir: Path, verify: bool = True) -> LoadedIndex:
    """The live version of the index; a load that races a rebuild's switch of CURRENT retries
    on the new version, real damage is raised."""
    for attempt in range(LOAD_ATTEMPTS):
        before = store.read_pointer(index_dir)
        try:
            return _load(index_dir, verify)
        except store.IndexDamaged:
            if attempt == LOAD_ATTEMPTS - 1 or store.read_pointer(index_dir) == before:
                raise
    raise AssertionError("unreachable")


def _load(index_dir: Path, verify: bool) -> LoadedIndex:
    stored = store.load_records(index_dir, verify=verify)
    try:
        lexical = load_lexical(stored.folder)
        dense = load_dense(stored.folder)
    except Exception as e:  # bm25s/faiss raise assorted errors on damaged files
        raise store.IndexDamaged(f"index in {stored.folder} cannot be loaded ({e.__class__.__name__})") from e
    n = len(stored.passages)
    if dense.ntotal != n or any(r.scores["num_docs"] != n for r in lexical.values()):
        raise store.IndexDamaged(f"index parts in {stored.folder} disagree on the passage count")
    return LoadedIndex(stored, lexical, dense)


def built_with(manifest: dict) -> tuple[str, str | None]:
    """(backend, model id) of the embedder that built an index."""
    emb = manifest.get("embedder", {})
    return emb.get("backend", DEFAULT_BACKEND), emb.get("model_id")


def check_embedder(manifest: dict, embedder: Embedder) -> None:
    """Refuse to search an index with another model's query vectors."""
    emb = manifest.get("embedder", {})
    if (embedder.backend, embedder.model_id, embedder.dim) != (emb.get("backend"), emb.get("model_id"), emb.get("dim")):
        model = f" --model {embedder.model_id}" if embedder.backend == "sentence-transformers" else ""
        raise store.IndexMismatch(
            f"the index was built with {emb.get('backend')}:{emb.get('model_id')} ({emb.get('dim')} dims), "
            f"not {embedder.backend}:{embedder.model_id} ({embedder.dim} dims)",
            f"{store.REBUILD_COMMAND} --backend {embedder.backend}{model}")
