"""The page's "Thêm văn bản" section (issue #18) through AppTest, on a temporary copy of the corpus
and of the real index: off without a password; with it, a .docx and a .pdf written now are added
and found with their citations, and refused files change nothing in the corpus or the index."""
from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from indexer.index import folder as store
from indexer.index.build import index_is_current
from indexer.read import intake
from search.page import texts
from search.page.highlight import markdown_text
from search.page.upload import PASSWORD_ENV
from tests.upload_docs import DOCX_PHRASE, PDF_PHRASE, make_plan_docx, make_plan_pdf
from tests.paths import PLANS

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PASSWORD = "mật-khẩu-thử"
LOGIN = f"FormSubmitter:upload_login-{texts.UPLOAD_LOGIN}"
ADD = f"FormSubmitter:upload_add-{texts.UPLOAD_ADD}"
SUBMIT = "FormSubmitter:search-Tìm kiếm"


@pytest.fixture
def folders(real_index, tmp_path, monkeypatch):
    """A copy of the corpus and of the real index (still current for it), the page pointed at them."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(PLANS, corpus)
    shutil.copytree(real_index, index)
    assert index_is_current(index, corpus)
    monkeypatch.setenv("PLANSEARCH_CORPUS", str(corpus))
    monkeypatch.setenv("PLANSEARCH_INDEX", str(index))
    return corpus, index


def listing(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_size for p in sorted(folder.rglob("*"))}


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def unlocked_app() -> AppTest:
    at = run(AppTest.from_file(APP, default_timeout=180))
    at.text_input(key="upload_password").input(PASSWORD)
    at.button(key=LOGIN).click()
    return run(at)


def wait_for_update(index: Path, corpus: Path, before: str) -> None:
    deadline = time.monotonic() + 300
    while not (index_is_current(index, corpus) and store.read_pointer(index) != before):
        assert time.monotonic() < deadline, "the index was not updated after the upload"
        time.sleep(0.5)


@pytest.mark.slow
def test_upload_is_invisible_when_off(folders, monkeypatch):
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    at = run(AppTest.from_file(APP, default_timeout=180))
    assert texts.UPLOAD_TITLE not in [e.label for e in at.expander]
    assert len(at.get("file_uploader")) == 0


@pytest.mark.slow
def test_wrong_password_shows_no_uploader(folders, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    at = run(AppTest.from_file(APP, default_timeout=180))
    assert texts.UPLOAD_TITLE in [e.label for e in at.expander]
    at.text_input(key="upload_password").input("sai")
    at.button(key=LOGIN).click()
    run(at)
    [error] = [e.value for e in at.error]
    assert error.startswith(texts.UPLOAD_WRONG_PASSWORD) and "thử lại sau 1 giây" in error   # back-off
    assert len(at.get("file_uploader")) == 0


@pytest.mark.slow
def test_refused_files_change_nothing(folders, monkeypatch, tmp_path):
    corpus, index = folders
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    before_files, before_index, before_version = listing(corpus), listing(index), store.read_pointer(index)
    at = unlocked_app()
    plan = next(corpus.glob("*.txt"))
    at.get("file_uploader")[0].set_value([
        (plan.name, plan.read_bytes(), "text/plain"),
        ("rong.txt", b"", "text/plain"),
        ("ke-hoach.docx", b"\x01\x02\x00\x00" + os.urandom(4000), "application/octet-stream"),
        ("lon.pdf", b"%PDF-1.4\n" + b"0" * intake.MAX_UPLOAD_BYTES, "application/pdf")])
    run(at)
    errors = [e.value for e in at.error]
    assert errors == [f"Văn bản này đã có trong kho ({markdown_text(plan.name)}).", "Tệp rỗng, không có nội dung.",
                      texts.UPLOAD_REFUSED["unreadable"], "Tệp quá lớn (20\\.0 MB; tối đa 20 MB)."]   # as text
    assert at.button(key=ADD).disabled
    time.sleep(1)
    assert listing(corpus) == before_files and listing(index) == before_index
    assert store.read_pointer(index) == before_version


@pytest.mark.slow
def test_docx_and_pdf_are_added_and_found(folders, monkeypatch, tmp_path):
    corpus, index = folders
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    before, before_files = store.read_pointer(index), listing(corpus)
    docx = make_plan_docx(tmp_path / "ke hoach moi.docx").read_bytes()
    pdf = make_plan_pdf(tmp_path / "de an.pdf").read_bytes()
    at = unlocked_app()
    at.get("file_uploader")[0].set_value([("ke hoach moi.docx", docx, "application/octet-stream"),
                                          ("de an.pdf", pdf, "application/pdf")])
    run(at)
    found = [c.value for c in at.caption if c.value.startswith("Loại tệp")]
    assert found[0].startswith("Loại tệp: DOCX · 4 đoạn") and found[1].startswith("Loại tệp: PDF")
    assert at.text_input(key="upload_0_number").value == "215/KH-UBND"
    assert at.text_input(key="upload_1_province").value == "Bình Định"
    at.text_input(key="upload_1_year").input("2026")   # a correction, saved as the sidecar
    at.button(key=ADD).click()
    run(at)
    names = intake.uploaded(corpus)
    pdf_sidecar = Path(next(n for n in names if n.endswith(".pdf"))).with_suffix(".json").name
    assert set(listing(corpus)) - set(before_files) == {*names, pdf_sidecar} and len(names) == 2
    assert {k: v for k, v in listing(corpus).items() if k in before_files} == before_files
    wait_for_update(index, corpus, before)
    at = run(AppTest.from_file(APP, default_timeout=180))
    at.text_input(key="q").input(DOCX_PHRASE)
    at.button(key=SUBMIT).click()
    run(at)
    citations = [c.value for c in at.tabs[1].code]
    assert "Kế hoạch số 215/KH-UBND ngày 12/6/2025 của UBND tỉnh Quảng Trị" in citations[0]
    at.text_input(key="q").input(PDF_PHRASE)
    at.button(key=SUBMIT).click()
    run(at)
    assert "Kế hoạch số 77/KH-UBND" in [c.value for c in at.tabs[1].code][0]
    assert "Năm 2026" in " ".join(m.value for m in at.markdown)   # the corrected year
    # Later: a correction of an added document, then its removal; the index follows both.
    at = unlocked_app()
    pdf_name = next(n for n in intake.uploaded(corpus) if n.endswith(".pdf"))
    at.selectbox(key="upload_pick").select(pdf_name)
    run(at)
    assert at.text_input(key=f"upload_edit_{pdf_name}_year").value == "2026"
    at.text_input(key=f"upload_edit_{pdf_name}_province").input("Phú Yên")
    before = store.read_pointer(index)
    at.button(key=f"FormSubmitter:upload_edit-{texts.UPLOAD_SAVE_FIELDS}").click()
    run(at)
    assert json.loads((corpus / pdf_name).with_suffix(".json").read_text("utf-8")) == {"year": 2026, "province": "Phú Yên"}
    wait_for_update(index, corpus, before)
    assert store.load_records(index).documents[pdf_name].province == "Phú Yên"
    before = store.read_pointer(index)
    at.selectbox(key="upload_pick").select(pdf_name)
    at.button(key="upload_remove").click()
    run(at)
    assert intake.uploaded(corpus) == [n for n in intake.uploaded(corpus) if n.endswith(".docx")] != []
    assert not (corpus / pdf_name).with_suffix(".json").exists()
    wait_for_update(index, corpus, before)
    assert pdf_name not in store.load_records(index).documents


@pytest.mark.slow
def test_add_from_the_command_line(folders, tmp_path, cli):
    corpus, index = folders
    plan = make_plan_docx(tmp_path / "plan.docx")
    before = store.read_pointer(index)
    out = cli("indexer", "--add", str(plan), str(next(corpus.glob("*.txt"))), "--corpus", str(corpus), "--index", str(index))
    assert out.returncode == 0, out.stderr
    added, refused = out.stdout.splitlines()
    assert added.startswith(f"added {plan} as upload-ke-hoach-215-kh-ubnd-") and "4 passages" in added
    assert refused.startswith("refused ") and refused.endswith(".txt: already in the corpus ("
                                                                + next(corpus.glob("*.txt")).name + ")")
    assert "(4 embedded, " in out.stderr and store.read_pointer(index) != before
    found = cli("search", DOCX_PHRASE, "--json", "--k", "1", "--index", str(index), "--corpus", str(corpus))
    assert json.loads(found.stdout)["hits"][0]["citation"].startswith("Kế hoạch số 215/KH-UBND")
    again = cli("indexer", "--add", str(plan), "--corpus", str(corpus), "--index", str(index))
    assert again.returncode == 1 and again.stdout.startswith(f"refused {plan}: already in the corpus")
