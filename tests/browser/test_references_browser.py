"""References as links in a real browser: a plan citing "khoản 1 Điều 3 Luật Nuôi ong" (a law of
the corpus) and "Nghị quyết số 42-NQ/TW" (outside it). One click opens the cited clause in place
with its citation, a second opens the whole law at that article with what it cites and what cites
it; the external one shows its key and searches for it. Screenshots in test-artifacts/."""
from __future__ import annotations

import urllib.parse

import pytest

from tests.browser.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, RESULT_TIMEOUT, streamlit_server
from tests.unit.test_citing import LAW_FILE, PLAN_FILE

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is missing: apt-get install -y chromium")]


@pytest.fixture(scope="module")
def linked_server(tmp_path_factory, default_embedder):
    from indexer.index.build import build_index

    root = tmp_path_factory.mktemp("linked")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "ke-hoach.txt").write_text(PLAN_FILE, encoding="utf-8")
    (corpus / "luat-nuoi-ong.txt").write_text(LAW_FILE, encoding="utf-8")
    build_index(corpus, root / "index", default_embedder)
    with streamlit_server({"PLANSEARCH_INDEX": str(root / "index"), "PLANSEARCH_CORPUS": str(corpus)},
                          root / "server.log") as url:
        yield url


def test_a_reference_opens_the_cited_article_and_the_law(linked_server):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1100}, locale="vi-VN")
            query = urllib.parse.quote("Triển khai khoản 1 Điều 3")
            page.goto(f"{linked_server}/?q={query}", wait_until="domcontentloaded")
            page.get_by_text("văn bản có đoạn liên quan").wait_for(timeout=RESULT_TIMEOUT)
            main = page.locator("[data-testid='stMain']")
            link = main.locator("details.ref summary:visible", has_text="khoản 1 Điều 3 Luật Nuôi ong").first
            link.wait_for(timeout=RESULT_TIMEOUT)
            link.click()
            body = main.locator("details.ref[open] .ref-body:visible").first
            body.wait_for(timeout=10_000)
            shown = body.inner_text()
            assert "khoản 1 Điều 3 Luật Nuôi ong" in shown          # the cited clause's citation
            assert "Người nuôi ong có trách nhiệm" in shown         # and its text
            page.screenshot(path=str(ARTIFACTS / "references-inline.png"))

            # one click more: the whole law, opened at Điều 3, with what cites it
            body.get_by_role("link", name="Mở toàn văn tại điều này").click()
            dialog = page.get_by_role("dialog")
            dialog.wait_for(timeout=RESULT_TIMEOUT)
            dialog.get_by_text("Được dẫn chiếu bởi (1)").wait_for(timeout=RESULT_TIMEOUT)
            assert "open=luat-nuoi-ong.txt" in page.url or "open=" not in page.url   # consumed once read
            dialog.get_by_text("Được dẫn chiếu bởi (1)").click()
            dialog.get_by_text("Kế hoạch số 5/KH-UBND", exact=False).first.wait_for(timeout=10_000)
            assert dialog.get_by_text("Điều 3. Trách nhiệm").count() >= 1
            page.screenshot(path=str(ARTIFACTS / "references-document.png"))
            page.keyboard.press("Escape")

            # an external reference: its key, and a search for it
            page.goto(f"{linked_server}/?q={urllib.parse.quote('Luật số 12/2030/QH15')}", wait_until="domcontentloaded")
            page.get_by_text("văn bản có đoạn liên quan").wait_for(timeout=RESULT_TIMEOUT)
            ext = main.locator("details.ref summary:visible", has_text="Nghị quyết số 42-NQ/TW").first
            ext.wait_for(timeout=RESULT_TIMEOUT)
            ext.click()
            body = main.locator("details.ref[open] .ref-body:visible").first
            body.wait_for(timeout=10_000)
            assert "Văn bản ngoài kho: 42/NQ/TW" in body.inner_text()
            page.screenshot(path=str(ARTIFACTS / "references-external.png"))
            body.get_by_role("link").first.click()
            page.wait_for_url("**q=42%2FNQ%2FTW**", timeout=RESULT_TIMEOUT)
            page.get_by_text("văn bản có đoạn liên quan").wait_for(timeout=RESULT_TIMEOUT)
            assert "Traceback" not in main.inner_text()
        finally:
            browser.close()
