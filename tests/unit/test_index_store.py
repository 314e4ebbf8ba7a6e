"""The index folder: incremental rebuilds, refusing mismatched or damaged indexes, atomic
commits, and the CLI contracts. Small corpora of copied real plans, embedded by a cheap fake
embedder (conftest.FakeEmbedder) so that these tests stay fast; the CLI JSON contract uses the
session's real index."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from indexer.index import folder as store
from indexer.index.build import build_index
from search.engine import Searcher
from tests.paths import PLANS

CORPUS = PLANS
NAMES = sorted(p.name for p in CORPUS.glob("*.txt"))
SMALL = [NAMES[0], NAMES[3], NAMES[4]]
QUERIES = ["người cao tuổi", "bao hiem that nghiep", "Nghị quyết 42-NQ/TW", "nhà ở xã hội"]


@pytest.fixture
def small_corpus(tmp_path) -> Path:
    root = tmp_path / "corpus"
    root.mkdir()
    for name in SMALL:
        shutil.copy(CORPUS / name, root / name)
    return root


@pytest.fixture
def built(small_corpus, tmp_path, fake_embedder_cls):
    """(corpus, index, embedder, report) of a fresh fake-embedded index of the small corpus."""
    index = tmp_path / "index"
    emb = fake_embedder_cls()
    report = build_index(small_corpus, index, emb)
    return small_corpus, index, emb, report


def snapshot(searcher: Searcher):
    out = []
    for q in QUERIES:
        r = searcher.search(q, k=8)
        out.append((q, [(h.id, h.score, h.passage.doc, h.passage.char_start) for h in r.hits]))
    return out


def version_folders(index: Path) -> list[Path]:
    return sorted(p for p in index.glob("v-*") if p.is_dir())


# -- incremental rebuilds -----------------------------------------------------------------------

def test_first_build_embeds_every_passage(built):
    _, index, emb, report = built
    assert report.documents == 3 and not report.up_to_date
    assert report.embedded == report.passages == emb.embedded > 0
    assert report.reused == 0
    manifest = json.loads((Path(report.folder) / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["embedder"] == {"backend": "fake", "model_id": "fake-v1", "dim": 8}
    assert manifest["counts"] == {"documents": 3, "passages": report.passages}
    assert set(manifest["files"]) >= {"passages.jsonl", "documents.json", "vectors.npy", "dense.faiss"}
    assert (index / "CURRENT").read_text(encoding="utf-8").strip() == Path(report.folder).name


def test_rebuild_with_nothing_changed_embeds_nothing(built, fake_embedder_cls):
    corpus, index, _, first = built
    emb = fake_embedder_cls()
    report = build_index(corpus, index, emb)
    assert report.up_to_date
    assert report.embedded == 0 and emb.embedded == 0 and emb.calls == 0
    assert report.passages == first.passages
    assert report.folder == first.folder
    assert version_folders(index) == [Path(first.folder)]


def test_rebuild_after_one_file_changed_embeds_only_that_file(built, fake_embedder_cls):
    corpus, index, _, first = built
    changed = corpus / SMALL[1]
    text = changed.read_text(encoding="utf-8")
    assert "người cao tuổi" in text
    changed.write_text(text.replace("người cao tuổi", "người già", 1), encoding="utf-8")

    emb = fake_embedder_cls()
    report = build_index(corpus, index, emb)
    assert not report.up_to_date
    stored = store.load_records(index)
    in_changed = sum(p.doc == SMALL[1] for p in stored.passages)
    assert in_changed > 0
    assert report.embedded == emb.embedded == in_changed
    assert report.reused == report.passages - in_changed == len(stored.passages) - in_changed
    # the reused vectors are the ones the fake model gives for those passages
    searcher = Searcher(index, embedder=fake_embedder_cls())
    assert any("người già" in p.text for p in searcher.passages)
    assert report.folder != first.folder


def test_rebuild_with_another_model_embeds_everything(built, fake_embedder_cls):
    corpus, index, _, first = built
    emb = fake_embedder_cls("fake-v2")
    report = build_index(corpus, index, emb)
    assert report.embedded == emb.embedded == report.passages == first.passages


def test_new_and_removed_files(built, fake_embedder_cls):
    corpus, index, _, first = built
    (corpus / SMALL[0]).unlink()
    shutil.copy(CORPUS / NAMES[1], corpus / NAMES[1])
    emb = fake_embedder_cls()
    report = build_index(corpus, index, emb)
    stored = store.load_records(index)
    assert set(stored.documents) == {NAMES[1], SMALL[1], SMALL[2]}
    assert report.embedded == emb.embedded == sum(p.doc == NAMES[1] for p in stored.passages)


# -- mismatched and damaged indexes -------------------------------------------------------------

def test_mismatched_embedder_is_refused_with_what_to_run(built, fake_embedder_cls):
    _, index, _, _ = built
    with pytest.raises(store.IndexMismatch) as err:
        Searcher(index, embedder=fake_embedder_cls("fake-v2"))
    msg = str(err.value)
    assert "fake-v1" in msg and "fake-v2" in msg
    assert "python -m indexer" in msg and "--rebuild" in msg


def test_mismatched_dimension_is_refused(built, fake_embedder_cls):
    _, index, _, _ = built
    with pytest.raises(store.IndexMismatch):
        Searcher(index, embedder=fake_embedder_cls("fake-v1", dim=16))


def test_missing_index_is_refused(tmp_path, fake_embedder_cls):
    with pytest.raises(store.IndexMissing, match="python -m indexer"):
        Searcher(tmp_path / "nothing-here", embedder=fake_embedder_cls())


def current(index: Path) -> Path:
    return index / (index / "CURRENT").read_text(encoding="utf-8").strip()


def truncate(path: Path, keep: float = 0.5) -> None:
    size = path.stat().st_size
    with open(path, "r+b") as f:
        f.truncate(int(size * keep))


@pytest.mark.parametrize("name", ["vectors.npy", "dense.faiss", "passages.jsonl", "documents.json"])
def test_truncated_file_is_refused_naming_it(built, fake_embedder_cls, name):
    _, index, _, _ = built
    truncate(current(index) / name)
    with pytest.raises(store.IndexDamaged) as err:
        Searcher(index, embedder=fake_embedder_cls())
    assert name in str(err.value)
    assert "python -m indexer" in str(err.value)


@pytest.mark.parametrize("name", ["dense.faiss", "passages.jsonl", "documents.json"])
def test_truncated_file_is_refused_without_checksums_too(built, fake_embedder_cls, name):
    """Loading without verifying checksums still refuses a damaged file with IndexDamaged,
    not with whatever faiss, json or bm25s raise."""
    _, index, _, _ = built
    truncate(current(index) / name)
    with pytest.raises(store.IndexDamaged):
        Searcher(index, embedder=fake_embedder_cls(), verify=False)


def test_lexical_file_damaged_without_checksums_is_refused(built, fake_embedder_cls):
    _, index, _, _ = built
    lexical = sorted((current(index) / "lexical_words").iterdir())
    assert lexical
    for f in lexical:
        truncate(f, 0.3)
    with pytest.raises(store.IndexDamaged):
        Searcher(index, embedder=fake_embedder_cls(), verify=False)


def test_current_naming_nothing_is_refused(built, fake_embedder_cls):
    _, index, _, _ = built
    (index / "CURRENT").write_text("v-does-not-exist\n", encoding="utf-8")
    with pytest.raises(store.IndexDamaged, match="CURRENT"):
        Searcher(index, embedder=fake_embedder_cls())


def test_damaged_manifest_is_refused(built, fake_embedder_cls):
    _, index, _, _ = built
    truncate(current(index) / "manifest.json")
    with pytest.raises(store.IndexDamaged, match="manifest.json"):
        Searcher(index, embedder=fake_embedder_cls())


def test_cli_on_damaged_index_says_error_without_traceback(built, cli):
    corpus, index, _, _ = built
    truncate(current(index) / "vectors.npy")
    proc = cli("search", "người cao tuổi", "--index", str(index), "--corpus", str(corpus), timeout=120)
    assert proc.returncode != 0
    assert "error:" in proc.stderr and "vectors.npy" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


def test_damaged_index_is_refused_and_rebuilt_only_when_forced(built, fake_embedder_cls):
    corpus, index, _, first = built
    truncate(current(index) / "passages.jsonl")
    with pytest.raises(store.IndexDamaged, match="passages.jsonl") as refused:
        build_index(corpus, index, fake_embedder_cls())
    assert refused.value.command == store.REBUILD_COMMAND
    emb = fake_embedder_cls()
    report = build_index(corpus, index, emb, force=True)
    assert not report.up_to_date and report.embedded == report.passages == first.passages
    Searcher(index, embedder=fake_embedder_cls())


# -- atomicity ----------------------------------------------------------------------------------

def change_a_file(corpus: Path) -> None:
    path = corpus / SMALL[2]
    path.write_text(path.read_text(encoding="utf-8") + "\n\nMột đoạn mới được thêm vào cuối kế hoạch.\n",
                    encoding="utf-8")


def test_failed_embedding_leaves_the_previous_index_live(built, fake_embedder_cls):
    corpus, index, _, first = built
    before = snapshot(Searcher(index, embedder=fake_embedder_cls()))
    pointer = (index / "CURRENT").read_bytes()
    shutil.rmtree(corpus)
    shutil.copytree(CORPUS, corpus)   # everything but two files is new: several batches to embed
    emb = fake_embedder_cls(fail_after_calls=1)
    with pytest.raises(RuntimeError, match="simulated"):
        build_index(corpus, index, emb)
    assert emb.calls == 1
    assert (index / "CURRENT").read_bytes() == pointer
    assert version_folders(index) == [Path(first.folder)]
    assert snapshot(Searcher(index, embedder=fake_embedder_cls())) == before


def test_failure_while_writing_leaves_the_previous_index_live(built, fake_embedder_cls, monkeypatch):
    import indexer.index.build as build_module

    corpus, index, _, first = built
    before = snapshot(Searcher(index, embedder=fake_embedder_cls()))
    change_a_file(corpus)

    def broken(*args, **kwargs):
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(build_module, "write_lexical", broken)
    with pytest.raises(store.IndexUnwritable, match="simulated"):
        build_index(corpus, index, fake_embedder_cls())
    assert current(index) == Path(first.folder)
    assert version_folders(index) == [Path(first.folder)]
    assert not list(index.glob("tmp-*"))                     # the half-written one is removed
    assert snapshot(Searcher(index, embedder=fake_embedder_cls())) == before

    monkeypatch.undo()
    report = build_index(corpus, index, fake_embedder_cls())   # the next build completes
    assert current(index) == Path(report.folder) != Path(first.folder)


def test_failure_before_switching_current_leaves_the_previous_index_live(built, fake_embedder_cls, monkeypatch):
    corpus, index, _, first = built
    before = snapshot(Searcher(index, embedder=fake_embedder_cls()))
    change_a_file(corpus)
    real_replace = os.replace

    def failing_replace(src, dst, *a, **kw):
        if Path(dst).name == "CURRENT":
            raise OSError("crash before the switch (simulated)")
        return real_replace(src, dst, *a, **kw)

    monkeypatch.setattr(store.os, "replace", failing_replace)
    with pytest.raises(store.IndexUnwritable, match="simulated"):
        build_index(corpus, index, fake_embedder_cls())
    monkeypatch.undo()
    assert current(index) == Path(first.folder)
    assert version_folders(index) == [Path(first.folder)] and not list(index.glob("tmp-*"))
    assert snapshot(Searcher(index, embedder=fake_embedder_cls())) == before


# -- CLI contracts ------------------------------------------------------------------------------









