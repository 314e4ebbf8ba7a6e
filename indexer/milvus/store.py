"""The index on a Milvus server: `python -m indexer --milvus URI`.

Two collections. "<prefix>_passages": one row per passage (its record as JSON, the two BM25
token fields with a BM25 function each, the e5 vector, and the document's scalar fields: doc,
province as the partition key, level, year, doc_type, number). "<prefix>_meta": the checks the
index folder's manifest keeps (embedder, chunking, versions; a checksum per document) and each
document's metadata.

An update works by document: a file whose checksum changed is deleted (by doc) and inserted
again, a file that is gone is deleted, every other document is left untouched (its rows and primary
keys stay). A document's metadata row is written after its passages, so an update that stops
half-way redoes that document next time.
"""
from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable

from indexer.index.build import BuildReport, _versions, corpus_fingerprint, embedding_text, settings
from indexer.index.dense import EXACT_LIMIT
from indexer.index.lexical import BM25_B, BM25_K1
from indexer.embed.base import Embedder, MissingBackend
from indexer.index.folder import IndexMissing, IndexProblem
from indexer.milvus.rows import (SETTINGS_KEY, DocumentEntry, changed_documents, doc_key,
                                       passage_row)
from indexer.models import Document, Passage
from indexer.read.corpus import corpus_files, read_corpus
from indexer.references.resolve import catalog_of, extract_passages
from indexer.structure.passages import passages_for

PREFIX = "plansearch"
TIMEOUT = 10.0                       # seconds to reach the server
INSERT_BATCH = 256
BM25_PARAMS = {"bm25_k1": BM25_K1, "bm25_b": BM25_B}   # the index folder's, so both engines score alike
ANALYZER = {"tokenizer": "standard"}  # tokens are encoded so that it equals a whitespace split
HNSW = {"index_type": "HNSW", "metric_type": "IP", "params": {"M": 16, "efConstruction": 200}}
FLAT = {"index_type": "FLAT", "metric_type": "IP", "params": {}}
# pymilvus pings every 10 s even when idle; a gRPC server with default settings (milvus-lite's)
# answers that with GOAWAY "too_many_pings" after a few minutes of an idle client (a page server
# between visits, a searcher waiting for an indexer): ping only while calls are in flight.
GRPC_OPTIONS = {"grpc.keepalive_permit_without_calls": False}
SERVER_HINT = "start the Milvus server, or check --milvus / PLANSEARCH_MILVUS"
BUILD_HINT = "python -m indexer --milvus {uri}"


class MilvusUnavailable(IndexProblem):
    """The server cannot be reached or refused a request."""


def passages_name(prefix: str = PREFIX) -> str:
    return f"{prefix}_passages"


def meta_name(prefix: str = PREFIX) -> str:
    return f"{prefix}_meta"


def connect(uri: str, timeout: float = TIMEOUT):
    """A MilvusClient for uri; a clear error when pymilvus is missing or the server is down."""
    try:
        from pymilvus import MilvusClient
    except ImportError as e:
        raise MissingBackend("the Milvus backend needs pymilvus: pip install -r requirements-milvus.txt") from e
    # pymilvus logs every failed call with its traceback on stderr (and warns on each iterator that
    # milvus-lite gives no MVCC timestamp); the MilvusUnavailable raised here says it in one line
    # milvus-lite (a "FILE.db" URI) serves gRPC inside this process and logs a traceback for every
    # call it does not implement (AllocTimestamp, four per successful build)
    for name in ("pymilvus", "grpc", "milvus_lite"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    try:
        return MilvusClient(uri=uri, timeout=timeout, grpc_options=GRPC_OPTIONS)
    except Exception as e:  # pymilvus raises MilvusException or grpc errors
        raise unavailable(uri, e) from e


def unavailable(uri: str, error: Exception) -> MilvusUnavailable:
    detail = getattr(error, "message", None) or (str(error).splitlines() or [type(error).__name__])[0][:200]
    return MilvusUnavailable(f"cannot use the Milvus server at {uri} ({detail})", SERVER_HINT)


def milvus_errors() -> tuple[type[Exception], ...]:
    from pymilvus.exceptions import MilvusException
    import grpc

    return (MilvusException, grpc.RpcError)


# -- schema ------------------------------------------------------------------------------------
def create_collections(client, dim: int, passages_expected: int, prefix: str = PREFIX) -> None:
    from pymilvus import DataType, Function, FunctionType, MilvusClient

    s = MilvusClient.create_schema(auto_id=True)
    s.add_field("id", DataType.INT64, is_primary=True)
    for name, length in (("doc", 1024), ("level", 16), ("doc_type", 256), ("number", 256)):
        s.add_field(name, DataType.VARCHAR, max_length=length)
    s.add_field("province", DataType.VARCHAR, max_length=256, is_partition_key=True)
    s.add_field("year", DataType.INT64)
    s.add_field("record", DataType.VARCHAR, max_length=65535)
    index = client.prepare_index_params()
    for field in ("words", "folded"):
        s.add_field(field, DataType.VARCHAR, max_length=65535, enable_analyzer=True, analyzer_params=ANALYZER)
        s.add_field(f"{field}_bm25", DataType.SPARSE_FLOAT_VECTOR)
        s.add_function(Function(name=f"{field}_bm25_fn", function_type=FunctionType.BM25,
                                input_field_names=[field], output_field_names=[f"{field}_bm25"]))
        index.add_index(field_name=f"{field}_bm25", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                        params=BM25_PARAMS)
    s.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
    index.add_index(field_name="vector", **(FLAT if passages_expected <= EXACT_LIMIT else HNSW))
    client.create_collection(passages_name(prefix), schema=s, index_params=index)

    m = MilvusClient.create_schema(auto_id=False)
    m.add_field("key", DataType.VARCHAR, max_length=1100, is_primary=True)
    m.add_field("value", DataType.VARCHAR, max_length=65535)
    m.add_field("unused", DataType.FLOAT_VECTOR, dim=2)  # Milvus wants a vector field in every collection
    meta_index = client.prepare_index_params()
    meta_index.add_index(field_name="unused", index_type="FLAT", metric_type="L2", params={})
    client.create_collection(meta_name(prefix), schema=m, index_params=meta_index)


def ensure_loaded(client, collection: str) -> None:
    """Load a collection unless it is loaded already: a cluster's collection keeps the replica
    number its administrator loaded it with (loading again with another number is refused)."""
    if getattr(client.get_load_state(collection).get("state"), "name", "") != "Loaded":
        client.load_collection(collection)


def drop_collections(client, prefix: str = PREFIX) -> None:
    for name in (passages_name(prefix), meta_name(prefix)):
        if client.has_collection(name):
            client.drop_collection(name)


# -- metadata ----------------------------------------------------------------------------------
def read_meta(client, uri: str, prefix: str = PREFIX) -> tuple[dict, dict[str, DocumentEntry]]:
    """(settings, document entries by name); IndexMissing when there is no index on the server."""
    if not (client.has_collection(meta_name(prefix)) and client.has_collection(passages_name(prefix))):
        raise IndexMissing(f"no search index on the Milvus server at {uri}", BUILD_HINT.format(uri=uri))
    ensure_loaded(client, meta_name(prefix))
    values = {r["key"]: r["value"] for r in all_rows(client, meta_name(prefix), ["key", "value"])}
    if SETTINGS_KEY not in values:
        raise IndexMissing(f"the index on the Milvus server at {uri} was never completed", BUILD_HINT.format(uri=uri))
    docs = {k[4:]: DocumentEntry.from_json(k[4:], v) for k, v in values.items() if k.startswith("doc:")}
    return json.loads(values[SETTINGS_KEY]), docs


def all_rows(client, collection: str, fields: list[str], batch: int = 1000) -> list[dict]:
    """Every row of a collection (a plain query stops at the server's result limit)."""
    it = client.query_iterator(collection, batch_size=batch, filter="", output_fields=fields)
    rows: list[dict] = []
    try:
        while found := it.next():
            rows.extend(found)
    finally:
        it.close()
    return rows


def _put_meta(client, prefix: str, rows: dict[str, str]) -> None:
    if rows:
        client.upsert(meta_name(prefix), [{"key": k, "value": v, "unused": [0.0, 0.0]} for k, v in rows.items()])


# -- build / update ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Update:
    """What one run changes: the documents (re)written with their passages, the names whose
    rows go, and what was reported while reading."""
    cut: tuple[tuple[Document, tuple[Passage, ...]], ...]
    deleted: tuple[str, ...]          # documents whose passages are deleted (changed, gone, now unreadable)
    dropped: tuple[str, ...]          # documents that leave the index
    skipped: tuple[tuple[str, str], ...]
    duplicates: tuple[tuple[str, str], ...]
    checksums: dict[str, str]         # document name -> corpus fingerprint entry (file + sidecar)


def build_milvus(corpus: Path, uri: str, embedder: Embedder, force: bool = False, part: str = "",
                 prefix: str = PREFIX, progress: Callable[[Iterable, str], Iterable] = lambda it, desc: it,
                 log: Callable[[str], None] = lambda msg: None) -> BuildReport:
    """Bring the Milvus index up to date with corpus, re-writing only the documents that changed.
    With part, the documents are named "<part>/<file>" and this run owns only those: several places
    can each keep their own part of one index up to date."""
    t0 = time.perf_counter()
    client = connect(uri)
    try:
        wanted = settings(embedder, EXACT_LIMIT)
        stored_settings, stored = _stored(client, uri, prefix)
        fresh = force or stored_settings is None or any(stored_settings.get(k) != v for k, v in wanted.items())
        if fresh and stored_settings is not None:
            log(f"rebuilding the whole Milvus index at {uri} ({'asked' if force else 'settings changed'})")
        update = document_update(corpus, {} if fresh else stored, part, progress, log)
        t_read = time.perf_counter()
        if fresh:
            drop_collections(client, prefix)
            create_collections(client, embedder.dim, sum(len(p) for _, p in update.cut), prefix)
        entries = apply_update(client, prefix, update, embedder, progress)
        total = {**{n: e for n, e in ({} if fresh else stored).items() if n not in update.dropped}, **entries}
        _put_meta(client, prefix, {SETTINGS_KEY: json.dumps(dict(
            wanted, versions=_versions(), updated_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"), generation=time.time_ns(),
            counts={"documents": len(total), "passages": sum(e.passages for e in total.values())}), ensure_ascii=False)})
    except milvus_errors() as e:
        raise unavailable(uri, e) from e
    finally:
        client.close()
    count, embedded = sum(e.passages for e in total.values()), sum(len(p) for _, p in update.cut)
    return BuildReport(len(total), count, embedded, count - embedded, update.skipped, update.duplicates,
                       up_to_date=not update.cut and not update.deleted,
                       timings={"read_segment": t_read - t0, "write": time.perf_counter() - t_read}, folder=uri)


def document_update(corpus: Path, stored: dict[str, DocumentEntry], part: str, progress, log) -> Update:
    """Read and cut the files that changed since stored; name what is deleted."""
    named = (part.strip("/") + "/") if part else ""
    files = {named + p.relative_to(corpus).as_posix(): p for p in corpus_files(corpus)}
    fingerprint = {named + k: v for k, v in corpus_fingerprint(corpus, files.values())[0].items()}
    owned = {n: e for n, e in stored.items() if n.startswith(named)}
    write, gone = changed_documents(fingerprint, owned)
    reading = read_corpus(corpus, [files[n] for n in write], progress=lambda it: progress(it, "Đọc tệp"))
    skipped = tuple((named + s.name, s.reason) for s in reading.skipped)
    for name, reason in skipped:
        log(f"bỏ qua {name}: {reason}")
    documents = [replace(d, name=named + d.name) for d in reading.documents]
    documents, duplicates = _not_kept_copies(documents, reading.duplicates, named, stored, set(write) | set(gone))
    unreadable = {n for n, _ in skipped} | {d for d, _ in duplicates}
    titles = catalog_of({**{n: e.metadata for n, e in stored.items()}, **{d.name: d.metadata for d in documents}}).title_keys()
    # references as written; the searcher resolves them when it opens (indexer/references/resolve.py)
    return Update(tuple((d, tuple(extract_passages(passages_for(d), titles))) for d in progress(documents, "Cắt đoạn")),
                  tuple(n for n in gone + write if n in owned),
                  tuple(n for n in owned if n in gone or n in unreadable), skipped, tuple(duplicates), fingerprint)


def apply_update(client, prefix: str, update: Update, embedder: Embedder, progress) -> dict[str, DocumentEntry]:
    """Delete, then insert each document and write its metadata row after its passages (an update
    that stops half-way redoes that document next time)."""
    ensure_loaded(client, passages_name(prefix))
    for name in update.deleted:
        client.delete(passages_name(prefix), filter=f"doc == {json.dumps(name, ensure_ascii=False)}")
    if update.dropped:
        client.delete(meta_name(prefix), ids=[doc_key(n) for n in update.dropped])
    entries = {}
    for doc, passages in update.cut:
        _insert(client, prefix, passages, doc.metadata, embedder, progress)
        entries[doc.name] = DocumentEntry(doc.name, update.checksums[doc.name], doc.content_hash, len(passages), doc.metadata)
        _put_meta(client, prefix, {doc_key(doc.name): entries[doc.name].to_json()})
    return entries


def _stored(client, uri: str, prefix: str) -> tuple[dict | None, dict[str, DocumentEntry]]:
    try:
        return read_meta(client, uri, prefix)
    except IndexMissing:
        return None, {}


def _not_kept_copies(documents, duplicates, named: str, stored: dict[str, DocumentEntry], replaced: set[str]):
    """The documents read, less copies of a document the index keeps unchanged (reported as
    duplicates, like copies among the files read)."""
    kept = {e.content_hash: n for n, e in stored.items() if n not in replaced}
    copies = [(d.name, kept[d.content_hash]) for d in documents if d.content_hash in kept]
    return ([d for d in documents if d.content_hash not in kept],
            [(named + a, named + b) for a, b in duplicates] + copies)


def _insert(client, prefix: str, passages: list[Passage], meta, embedder: Embedder, progress) -> None:
    for start in progress(range(0, len(passages), INSERT_BATCH), "Nhúng vector"):
        batch = passages[start:start + INSERT_BATCH]
        vectors = embedder.embed_passages([embedding_text(p) for p in batch])
        client.insert(passages_name(prefix), [passage_row(p, meta).to_dict(v) for p, v in zip(batch, vectors)])
