"""Intake of uploaded documents (issue #18): type by content, size cap, readable text, duplicates
by content, safe names, sidecar corrections, removal of uploads only, the page's view-model and
the background update; tiny corpora and the fake embedder."""
from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from indexer.index import folder as store
from indexer.index.build import build_index
from indexer.read import intake
from indexer.read.corpus import read_corpus
from search.page import texts, upload
from tests.fakes import FakeEmbedder
from tests.upload_docs import make_plan_docx, make_plan_pdf
from tests.paths import PLANS

ROOT = Path(__file__).resolve().parents[2]
PLAN = PLANS / "000_2cf1338897e214e5.txt"


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(PLAN, folder / PLAN.name)
    return folder


@pytest.fixture
def docx_bytes(tmp_path) -> bytes:
    return make_plan_docx(tmp_path / "client plan.docx").read_bytes()


def listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_docx_and_pdf_are_read_by_content(corpus, docx_bytes, tmp_path):
    pdf = make_plan_pdf(tmp_path / "x.txt").read_bytes()   # the name says .txt: the content decides
    d, p = intake.check(docx_bytes, corpus), intake.check(pdf, corpus)
    assert d.ok and p.ok
    assert (d.kind, d.metadata.number, d.metadata.province, d.metadata.year) == (".docx", "215/KH-UBND", "Quảng Trị", 2025)
    assert (p.kind, p.metadata.number, p.metadata.province) == (".pdf", "77/KH-UBND", "Bình Định")
    assert d.passages >= 3 and d.sections >= 3 and d.articles == 0
    assert d.name == f"upload-ke-hoach-215-kh-ubnd-{d.sha256[:12]}.docx"
    assert p.name.endswith(".pdf") and intake.UPLOAD_NAME_RE.match(p.name)


@pytest.mark.parametrize("data, problem, detail", [
    (b"", "empty", ""), (b"  \n\t ", "empty", ""),
    (b"PK\x03\x04" + os.urandom(400), "unreadable", "truncated or damaged .docx"),
    (b"\x01\x02\x00\x00" + os.urandom(500), "unreadable", "binary file, not text"),
    (b"\xd0\xcf\x11\xe0" + os.urandom(500), "unreadable", "old Word .doc"),
    (b"%PDF-1.4\n" + os.urandom(300), "unreadable", "damaged PDF"),
])
def test_refused_with_the_reason(corpus, data, problem, detail):
    c = intake.check(data, corpus)
    assert c.problem == problem and detail in c.detail and not c.name


def test_oversized_file_is_refused_unread(corpus, monkeypatch):
    data = b"a" * (intake.MAX_UPLOAD_BYTES + 1)
    monkeypatch.setattr(intake, "read_bytes_text", lambda *a: pytest.fail("read an oversized file"))
    c = intake.check(data, corpus)
    assert c.problem == "too_large" and c.detail == "20.0 MB"
    monkeypatch.undo()
    monkeypatch.setattr(intake, "MAX_UPLOAD_BYTES", 2000)   # the cap itself is allowed
    plan = PLAN.read_bytes()[:2000].decode("utf-8", "ignore").encode("utf-8").ljust(2000)
    assert intake.check(plan, corpus).problem == "" and intake.check(plan + b" ", corpus).problem == "too_large"


def test_duplicate_of_a_corpus_document(corpus):
    c = intake.check(PLAN.read_bytes(), corpus)
    assert (c.problem, c.detail) == ("duplicate", PLAN.name)


def test_text_without_passages(corpus):
    assert intake.check("ỦY BAN NHÂN DÂN".encode(), corpus).problem in ("no_passages", "")


def test_sniff_kind():
    assert intake.sniff_kind(b"  <!DOCTYPE html><html><body>x") == ".html"
    assert intake.sniff_kind("Kế hoạch".encode()) == ".txt"
    assert intake.sniff_kind(b"%PDF-1.7") == ".pdf"


def test_safe_name_ignores_everything_but_content():
    meta = intake.extract_metadata("../../etc/passwd\nQUYẾT ĐỊNH số ../x")
    name = intake.safe_name(meta, "ab" * 32, ".txt")
    assert "/" not in name and ".." not in name and intake.UPLOAD_NAME_RE.match(name)


def test_save_with_corrections_is_read_by_the_indexer(corpus, docx_bytes):
    c = intake.check(docx_bytes, corpus)
    sidecar = intake.corrections(c.metadata, {"province": "Quảng Trị", "year": "2026", "level": "tỉnh",
                                              "title": "Kế hoạch năng lượng xanh"})
    assert sidecar == {"year": 2026, "title": "Kế hoạch năng lượng xanh"}   # only what changed
    path = intake.save(c, corpus, sidecar)
    assert path.read_bytes() == docx_bytes and json.loads(path.with_suffix(".json").read_text("utf-8")) == sidecar
    doc = next(d for d in read_corpus(corpus).documents if d.name == c.name)
    assert (doc.metadata.year, doc.metadata.title, doc.metadata.number) == (2026, "Kế hoạch năng lượng xanh", "215/KH-UBND")
    with pytest.raises(FileExistsError):
        intake.save(c, corpus)
    assert not [p for p in corpus.iterdir() if p.name.startswith(".")]   # no temp file left


@pytest.mark.parametrize("fields, bad", [({"year": "25"}, "year"), ({"level": "vùng"}, "level"),
                                         ({"date": "12/6/2025"}, "date")])
def test_bad_corrections_name_the_field(fields, bad):
    with pytest.raises(ValueError, match=bad):
        intake.corrections(intake.DocumentMetadata(), fields)
    sidecar, message = upload.sidecar_or_error(intake.DocumentMetadata(), fields)
    assert sidecar == {} and texts.UPLOAD_FIELDS[bad] in message


def test_refused_file_is_never_saved(corpus):
    before = listing(corpus)
    with pytest.raises(ValueError):
        intake.save(intake.check(b"", corpus), corpus)
    assert listing(corpus) == before


def test_only_uploads_can_be_removed(corpus, docx_bytes):
    before = listing(corpus)
    c = intake.check(docx_bytes, corpus)
    intake.save(c, corpus, {"year": 2026})
    assert intake.uploaded(corpus) == [c.name]
    for name in (PLAN.name, "../" + c.name, c.name.replace(".docx", ".pdf")):
        with pytest.raises(ValueError):
            intake.remove(name, corpus)
    intake.remove(c.name, corpus)
    assert listing(corpus) == before


def test_add_files_then_build_embeds_only_the_new_passages(corpus, tmp_path, docx_bytes):
    index = tmp_path / "index"
    first = build_index(corpus, index, FakeEmbedder())
    added = intake.check(docx_bytes, corpus).passages
    src = tmp_path / "in"
    src.mkdir()
    (src / "plan.docx").write_bytes(docx_bytes)
    (src / "copy.docx").write_bytes(docx_bytes)
    (src / "empty.txt").write_bytes(b"")
    lines = []
    assert intake.add_files([src / "plan.docx", src / "copy.docx", src / "empty.txt"], corpus, lines.append) == 0
    assert lines[0].startswith("added ") and "number='215/KH-UBND'" in lines[0]
    assert lines[1].startswith(f"refused {src / 'copy.docx'}: already in the corpus (upload-")
    assert lines[2] == f"refused {src / 'empty.txt'}: empty file"
    second = build_index(corpus, index, FakeEmbedder())
    assert (second.documents, second.embedded, second.reused) == (2, added, first.passages)
    assert intake.add_files([src / "empty.txt"], corpus, lines.append) == 1


def test_batch_duplicates_and_count_cap(corpus, docx_bytes):
    files = [("a.docx", docx_bytes), ("b.docx", docx_bytes)] + [(f"{i}.txt", b"") for i in range(intake.MAX_FILES)]
    out = upload.check_batch(files, corpus)
    assert [c.problem for _, c in out[:3]] == ["", "duplicate", "empty"]
    assert out[1][1].detail == "a.docx" and upload.refusal(out[1][1]) == "Văn bản này đã có trong kho (a\\.docx)."  # as text
    assert [c.problem for _, c in out[intake.MAX_FILES:]] == ["too_many"] * 2
    assert upload.refusal(out[-1][1]) == "Chỉ thêm được tối đa 10 tệp mỗi lần."


def test_every_refusal_has_a_vietnamese_text():
    assert set(texts.UPLOAD_REFUSED) == set(intake.PROBLEMS)
    assert upload.refusal(intake.Checked(b"", "", problem="too_large", detail="21.0 MB")) == \
        "Tệp quá lớn (21\\.0 MB; tối đa 20 MB)."   # the detail as text


def test_uploads_are_off_unless_a_password_is_set():
    assert upload.upload_password(None, {}) == ""
    assert upload.upload_password({"upload_password": "s3cret"}, {}) == "s3cret"
    assert upload.upload_password({}, {upload.PASSWORD_ENV: "env"}) == "env"

    class NoSecrets:
        def get(self, *a):
            raise FileNotFoundError("no secrets.toml")
    assert upload.upload_password(NoSecrets(), {}) == ""
    assert upload.password_ok("s3cret", "s3cret") and not upload.password_ok("s3cre", "s3cret")
    assert not upload.password_ok("", "")


def test_client_name_is_shown_not_used():
    assert upload.label_text("C:\\Users\\x\\kế hoạch.docx") == "kế hoạch.docx"
    assert upload.label_text("../../etc/passwd") == "passwd"


def test_an_upload_is_indexed_by_the_server_builder_at_once(corpus, tmp_path, docx_bytes, monkeypatch):
    """request() compares the corpus with the index now (not after the usual pause), builds in
    the background with progress, and the new version holds the added document."""
    from search.page import builder as builder_module

    monkeypatch.setattr(builder_module, "embedder_for", lambda d: FakeEmbedder(delay=0.05))
    monkeypatch.setattr(builder_module, "CHECK_SECONDS", 3600.0)   # only request() may look now
    index = tmp_path / "index"
    build_index(corpus, index, FakeEmbedder())
    old = store.current_folder(index)
    runner = builder_module.ServerBuilder(index, corpus)
    assert not runner.ensure().running                     # current: nothing to do
    added = intake.save(intake.check(docx_bytes, corpus), corpus)
    assert not runner.ensure().running                     # the pause: not looked at yet
    seen = [runner.request()]
    deadline = time.monotonic() + 30
    while (s := runner.status()).running:
        seen.append(s)
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert seen[0].running and any(s.step for s in seen)
    assert not (s.warning or s.problem) and store.current_folder(index) != old
    assert added.name in {p.doc for p in store.load_records(index).passages}


def test_a_failed_update_after_an_upload_is_reported(corpus, tmp_path, docx_bytes, monkeypatch):
    from search.page import builder as builder_module

    def boom(*a, **kw):
        raise RuntimeError("disk full")
    monkeypatch.setattr(builder_module, "build_index", boom)
    monkeypatch.setattr(builder_module, "embedder_for", lambda d: FakeEmbedder())
    index = tmp_path / "index"
    build_index(corpus, index, FakeEmbedder())
    intake.save(intake.check(docx_bytes, corpus), corpus)
    runner = builder_module.ServerBuilder(index, corpus)
    runner.request()
    status = runner.wait(10)
    assert not status.running and "disk full" in status.warning


def test_corrections_of_an_added_document(corpus, docx_bytes):
    c = intake.check(docx_bytes, corpus)
    intake.save(c, corpus, {"year": 2026})
    detected, shown = upload.added_fields(c.name, corpus)
    assert (detected.year, shown["year"], shown["number"]) == (2025, "2026", "215/KH-UBND")
    sidecar, _ = upload.sidecar_or_error(detected, dict(shown, year="2025", province="Huế"))
    intake.save_sidecar(c.name, corpus, sidecar)
    assert json.loads((corpus / c.name).with_suffix(".json").read_text("utf-8")) == {"province": "Huế"}
    intake.save_sidecar(c.name, corpus, {})
    assert not (corpus / c.name).with_suffix(".json").exists()
    with pytest.raises(ValueError):
        intake.save_sidecar(PLAN.name, corpus, {"year": 2020})
