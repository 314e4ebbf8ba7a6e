"""Adding documents from a real browser (issue #18): the uploader driven by Playwright's
set_input_files on a temporary copy of the corpus and index; refused files change nothing, a .docx
and a .pdf are found with their citations after the background update; no section when off."""
from __future__ import annotations

import os
import shutil
import urllib.parse
from pathlib import Path

import pytest

from indexer.index import folder as store
from indexer.read import intake
from search.page import texts
from search.page.upload import PASSWORD_ENV
from tests.browser.test_browser import CHROMIUM, CHROMIUM_ARGS, RESULT_TIMEOUT, streamlit_server
from tests.upload_docs import DOCX_PHRASE, PDF_PHRASE, make_plan_docx, make_plan_pdf
from tests.paths import PLANS

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
PASSWORD = "thu-nghiem-18"

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is missing")]


def listing(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_size for p in sorted(folder.rglob("*"))}


@pytest.fixture
def folders(real_index, tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(PLANS, corpus)
    shutil.copytree(real_index, index)
    return corpus, index


def login(page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_text(texts.UPLOAD_TITLE).first.click(timeout=RESULT_TIMEOUT)
    page.get_by_label(texts.UPLOAD_PASSWORD).fill(PASSWORD)
    page.get_by_role("button", name=texts.UPLOAD_LOGIN).click()
    page.locator("input[type=file]").wait_for(state="attached", timeout=RESULT_TIMEOUT)


def upload(page, files: list[tuple[str, bytes, str]]) -> None:
    page.locator("input[type=file]").set_input_files(
        [{"name": name, "mimeType": mime, "buffer": data} for name, data, mime in files])


def test_add_documents_in_a_real_browser(folders, tmp_path):
    from playwright.sync_api import sync_playwright

    corpus, index = folders
    env = {"PLANSEARCH_CORPUS": str(corpus), "PLANSEARCH_INDEX": str(index), PASSWORD_ENV: PASSWORD}
    ARTIFACTS.mkdir(exist_ok=True)
    plan = next(corpus.glob("*.txt"))
    with streamlit_server(env, tmp_path / "server.log") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 2000}, locale="vi-VN")
            before_files, before_index, version = listing(corpus), listing(index), store.read_pointer(index)
            login(page, url)
            upload(page, [(plan.name, plan.read_bytes(), "text/plain"), ("rong.txt", b"", "text/plain"),
                          ("ke-hoach.docx", b"\x01\x02\x00\x00" + os.urandom(4000), "application/octet-stream"),
                          ("lon.pdf", b"%PDF-1.4\n" + b"0" * (intake.MAX_UPLOAD_BYTES + 2**20), "application/pdf")])
            for message in (f"Văn bản này đã có trong kho ({plan.name}).", texts.UPLOAD_REFUSED["empty"],
                            texts.UPLOAD_REFUSED["unreadable"], "Tệp quá lớn (21.0 MB; tối đa 20 MB)."):
                page.get_by_text(message).wait_for(timeout=RESULT_TIMEOUT)
            assert page.get_by_role("button", name=texts.UPLOAD_ADD).is_disabled()
            page.screenshot(path=str(ARTIFACTS / "browser-upload-refused.png"), full_page=True)
            assert listing(corpus) == before_files and listing(index) == before_index
            assert store.read_pointer(index) == version

            login(page, url)   # a new session: the uploader is empty again
            upload(page, [("kế hoạch mới.docx", make_plan_docx(tmp_path / "a.docx").read_bytes(),
                           "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
                          ("de an.pdf", make_plan_pdf(tmp_path / "b.pdf").read_bytes(), "application/pdf")])
            page.get_by_text("Loại tệp: PDF").wait_for(timeout=RESULT_TIMEOUT)
            assert page.get_by_text("Loại tệp: DOCX").count() == 1
            page.screenshot(path=str(ARTIFACTS / "browser-upload-found.png"), full_page=True)
            page.get_by_role("button", name=texts.UPLOAD_ADD).click()
            page.get_by_text(texts.UPLOAD_DONE).wait_for(timeout=RESULT_TIMEOUT)
            assert store.read_pointer(index) != version and len(intake.uploaded(corpus)) == 2
            for query, citation in ((DOCX_PHRASE, "Kế hoạch số 215/KH-UBND ngày 12/6/2025 của UBND tỉnh Quảng Trị"),
                                    (PDF_PHRASE, "Kế hoạch số 77/KH-UBND ngày 3/2/2025 của UBND tỉnh Bình Định")):
                page.goto(f"{url}/?q={urllib.parse.quote(query)}", wait_until="domcontentloaded")
                page.get_by_text(citation).first.wait_for(timeout=RESULT_TIMEOUT)
            page.screenshot(path=str(ARTIFACTS / "browser-upload-hit.png"), full_page=True)
            assert "Traceback" not in page.inner_text("[data-testid='stMain']")
        finally:
            browser.close()


def test_no_upload_section_when_off(folders, tmp_path):
    from playwright.sync_api import sync_playwright

    corpus, index = folders
    env = {"PLANSEARCH_CORPUS": str(corpus), "PLANSEARCH_INDEX": str(index), PASSWORD_ENV: ""}
    with streamlit_server(env, tmp_path / "server.log") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(locale="vi-VN")
            page.goto(url, wait_until="domcontentloaded")
            page.get_by_label("Nội dung cần tìm").wait_for(timeout=RESULT_TIMEOUT)
            assert texts.UPLOAD_TITLE not in page.inner_text("[data-testid='stMain']")
            assert page.locator("input[type=file]").count() == 0
        finally:
            browser.close()
