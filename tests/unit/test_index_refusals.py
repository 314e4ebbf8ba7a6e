"""Every index-folder problem is refused with the file's name and the command to run: never
served, never a traceback, never a silent rebuild. A tamperer who re-signs the manifest (its
checksum file) still meets the shape check; one who does not is caught by the checksum."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from indexer.index import folder as store
from indexer.index.build import build_index, index_is_current
from search.engine import Searcher
from tests.unit.test_corpus_hostile import within
from tools.trials_hostile import MANIFEST_SHAPES, _tamperings, live, manifest_of, refile, resign
from tests.paths import PLANS

CORPUS = PLANS


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


SHAPES = MANIFEST_SHAPES


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
    (live(index) / "documents.json").write_text("[]", encoding="utf-8")
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


TAMPERINGS = list(_tamperings(Path("/nowhere")))


@pytest.mark.parametrize("name", TAMPERINGS)
def test_a_tampered_folder_is_refused(name, index, pristine, fake_embedder_cls, tmp_path):
    """Edits beyond the manifest's shape, FIFOs and links where index files belong included
    (each would hang or flood a careless reader): refused within seconds."""
    change, names = _tamperings(tmp_path)[name]
    change(index)
    within(60, assert_refused, index, pristine[0], fake_embedder_cls, names)


def test_passages_of_a_plan_the_records_do_not_list_are_refused(index, pristine, fake_embedder_cls):
    path = live(index) / "passages.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    row = json.loads(lines[0])
    lines[0] = json.dumps({**row, "doc": "planted.txt"}, ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    refile(index)
    assert_refused(index, pristine[0], fake_embedder_cls, "planted.txt")
