"""Every index-folder problem is refused with the file's name and the command to run: never
served, never a traceback, never a silent rebuild. A tamperer who re-signs the manifest (its
checksum file) still meets the shape check; one who does not is caught by the checksum."""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from indexer.index import folder as store
from indexer.index.build import build_index, index_is_current
from search.engine import Searcher

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory, fake_embedder_cls) -> tuple[Path, Path]:
    """(corpus, index) of two real plans, built once; tests work on copies."""
    root = tmp_path_factory.mktemp("refusals")
    corpus = root / "corpus"
    corpus.mkdir()
    for p in sorted(CORPUS.glob("*.txt"))[:2]:
        (corpus / p.name).write_text(p.read_text(encoding="utf-8")[:5000], encoding="utf-8")
    build_index(corpus, root / "index", fake_embedder_cls())
    return corpus, root / "index"


@pytest.fixture
def index(pristine, tmp_path) -> Path:
    shutil.copytree(pristine[1], tmp_path / "index")
    return tmp_path / "index"


def live(index: Path) -> Path:
    return index / (index / "CURRENT").read_text(encoding="utf-8").strip()


def manifest_of(index: Path) -> dict:
    return json.loads((live(index) / "manifest.json").read_text(encoding="utf-8"))


def resign(index: Path, manifest=None, raw: bytes | None = None) -> None:
    """Write a manifest and a matching checksum file, as a careful tamperer would."""
    data = raw if raw is not None else json.dumps(manifest, ensure_ascii=False).encode("utf-8")
    (live(index) / "manifest.json").write_bytes(data)
    (live(index) / "manifest.sha256").write_text(hashlib.sha256(data).hexdigest() + "\n")


def refile(index: Path) -> None:
    """Recompute every file's checksum in the manifest and re-sign it."""
    m = manifest_of(index)
    m["files"] = {rel: store.sha256_file(live(index) / rel) for rel in m["files"]}
    resign(index, m)


def assert_refused(index: Path, corpus: Path, fake_embedder_cls, names: str) -> store.IndexProblem:
    """Loading, checking staleness and building (unforced) all refuse, naming the file."""
    before = sorted(p.name for p in index.iterdir())
    with pytest.raises(store.IndexProblem) as loading:
        Searcher(index, embedder=fake_embedder_cls())
    try:   # the staleness check reads the manifest only: it refuses, or lets the load refuse
        assert index_is_current(index, corpus), "a damaged index looked stale: it would be rebuilt"
    except store.IndexProblem:
        pass
    with pytest.raises(store.IndexProblem):
        build_index(corpus, index, fake_embedder_cls())
    assert sorted(p.name for p in index.iterdir()) == before     # nothing rebuilt behind the user
    assert any(n in loading.value.problem for n in names.split("|")), loading.value.problem
    assert loading.value.command.startswith("python -m indexer")
    return loading.value


def _set(key, value):
    return lambda m: {**m, key: value}


def _drop(key):
    return lambda m: {k: v for k, v in m.items() if k != key}


def _files(change):
    return lambda m: {**m, "files": change(dict(m["files"]))}


SHAPES = {
    "a JSON array": lambda m: [m],
    "a JSON string": lambda m: "manifest",
    "null": lambda m: None,
    "a number": lambda m: 2,
    "format_version 1": _set("format_version", 1),
    "format_version as text": _set("format_version", "2"),
    "format_version true": _set("format_version", True),
    "no format_version": _drop("format_version"),
    "files emptied": _set("files", {}),
    "files null": _set("files", None),
    "files an array": _set("files", []),
    "files a string": _set("files", "all"),
    "no files": _drop("files"),
    "passages not listed": _files(lambda f: {k: v for k, v in f.items() if k != "passages.jsonl"}),
    "checksum null": _files(lambda f: {**f, "plans.json": None}),
    "checksum short": _files(lambda f: {**f, "plans.json": "abc"}),
    "file outside (..)": _files(lambda f: {**f, "../outside.txt": "0" * 64}),
    "absolute file": _files(lambda f: {**f, "/etc/hostname": "0" * 64}),
    "listed file missing": _files(lambda f: {**f, "extra.npy": "0" * 64}),
    "embedder a string": _set("embedder", "x"),
    "embedder null": _set("embedder", None),
    "embedder empty": _set("embedder", {}),
    "embedder dim as text": lambda m: {**m, "embedder": {**m["embedder"], "dim": "8"}},
    "corpus an array": _set("corpus", []),
    "corpus values numbers": _set("corpus", {"a.txt": 1}),
    "doc_hashes null": _set("doc_hashes", None),
    "skipped a string": _set("skipped", "x"),
    "duplicates of numbers": _set("duplicates", [[1, 2]]),
    "corpus_stat bad entry": _set("corpus_stat", {"a.txt": [1]}),
    "counts a string": _set("counts", "x"),
}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_a_badly_shaped_manifest_is_refused(shape, index, pristine, fake_embedder_cls):
    resign(index, SHAPES[shape](manifest_of(index)))
    assert_refused(index, pristine[0], fake_embedder_cls, "manifest.json|extra.npy")


@pytest.mark.parametrize("raw", [b"{not json", b"\xff\xfe\x00garbage", b"", b"[]" * 10])
def test_a_manifest_that_is_not_json_is_refused(raw, index, pristine, fake_embedder_cls):
    resign(index, raw=raw)
    assert_refused(index, pristine[0], fake_embedder_cls, "manifest.json")


def test_an_edited_manifest_is_caught_by_its_checksum(index, pristine, fake_embedder_cls):
    """The round-one hole: files emptied, passages edited, exit 0 with TAMPERED text."""
    path = live(index) / "passages.jsonl"
    path.write_text(path.read_text(encoding="utf-8").replace("Kế hoạch", "TAMPERED"), encoding="utf-8")
    m = manifest_of(index)
    (live(index) / "manifest.json").write_text(json.dumps({**m, "files": {}}), encoding="utf-8")
    problem = assert_refused(index, pristine[0], fake_embedder_cls, "manifest.json")
    assert "manifest.sha256" in problem.problem


def test_a_missing_manifest_checksum_is_refused(index, pristine, fake_embedder_cls):
    (live(index) / "manifest.sha256").unlink()
    assert_refused(index, pristine[0], fake_embedder_cls, "manifest.sha256")


def test_records_of_the_wrong_shape_are_refused(index, pristine, fake_embedder_cls):
    (live(index) / "plans.json").write_text("[]", encoding="utf-8")
    refile(index)
    assert_refused(index, pristine[0], fake_embedder_cls, "cannot be read")


def test_a_file_the_manifest_does_not_list_is_refused(index, pristine, fake_embedder_cls):
    (live(index) / "notes.txt").write_text("planted", encoding="utf-8")
    assert_refused(index, pristine[0], fake_embedder_cls, "notes.txt")


def test_a_symlinked_index_file_is_refused(index, pristine, fake_embedder_cls, tmp_path):
    outside = tmp_path / "elsewhere.jsonl"
    shutil.copy(live(index) / "passages.jsonl", outside)       # same bytes: checksum matches
    (live(index) / "passages.jsonl").unlink()
    (live(index) / "passages.jsonl").symlink_to(outside)
    assert_refused(index, pristine[0], fake_embedder_cls, "symbolic link")


def test_a_symlinked_version_folder_is_refused(index, pristine, fake_embedder_cls, tmp_path):
    folder = live(index)
    shutil.move(folder, tmp_path / "moved")
    folder.symlink_to(tmp_path / "moved")
    assert_refused(index, pristine[0], fake_embedder_cls, "symbolic link")


def test_a_forced_rebuild_replaces_a_refused_index(index, pristine, fake_embedder_cls):
    resign(index, {"files": None})
    report = build_index(pristine[0], index, fake_embedder_cls(), force=True)
    assert report.documents == 2
    Searcher(index, embedder=fake_embedder_cls())
