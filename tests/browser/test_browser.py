"""The real page in a real browser: `streamlit run app.py` on a free port, Debian's headless
Chromium driven by Playwright, a query typed and submitted with Enter, every plan with citations on
screen. A screenshot is left in test-artifacts/browser.png for a person to look at."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from indexer.structure.citation import document_label
from indexer.index.folder import load_records
from search.page import state as page_state
from tests.paths import PLANS

ROOT = Path(__file__).resolve().parents[2]
CORPUS = PLANS
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
START_TIMEOUT = 120      # seconds for the server to answer its health check
RESULT_TIMEOUT = 180_000  # ms for the first search (model load, segmenter load) on a busy machine

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.exists(),
                                 reason="/usr/bin/chromium is missing: apt-get install -y chromium")]


@pytest.fixture(scope="module")
def index_dir(real_index):
    return real_index


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"streamlit exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"streamlit did not answer {url}/_stcore/health in {START_TIMEOUT} s")


@contextlib.contextmanager
def streamlit_server(env_extra: dict, log: Path):
    """`streamlit run app.py` on a free port with env_extra set; yields its URL."""
    port = free_port()
    env = dict(os.environ, **env_extra)
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                                 "--server.address", "127.0.0.1", "--server.headless", "true"],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def server(index_dir, tmp_path_factory):
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    with streamlit_server({"PLANSEARCH_INDEX": str(index_dir), "PLANSEARCH_CORPUS": str(CORPUS)}, log) as url:
        yield url


def test_search_in_a_real_browser(server, index_dir):
    from playwright.sync_api import sync_playwright

    plans = load_records(index_dir).documents
    labels = [document_label(meta) for meta in plans.values()]
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 2200}, locale="vi-VN")
            page.goto(server, wait_until="domcontentloaded")
            box = page.get_by_label("Nội dung cần tìm")
            box.wait_for(timeout=RESULT_TIMEOUT)
            box.fill("nhà ở xã hội")
            box.press("Enter")
            page.get_by_role("tab", name="Theo văn bản").wait_for(timeout=RESULT_TIMEOUT)
            page.get_by_text("văn bản có đoạn liên quan").wait_for(timeout=RESULT_TIMEOUT)
            for label in labels:   # markdown and code render lazily: wait until each plan is drawn
                page.get_by_text(label).first.wait_for(timeout=RESULT_TIMEOUT)   # a column's title or a list line
            page.get_by_text("Kế hoạch số 743/KH-UBND ngày 28/3/2025").first.wait_for(timeout=RESULT_TIMEOUT)
            shown = page.inner_text("[data-testid='stMain']")
            page.screenshot(path=str(ARTIFACTS / "browser.png"), full_page=True)
            for label in labels:
                assert label in shown, f"plan {label!r} not on the page"
            # Each plan's citation is on screen (in its copyable code block).
            # the three documents side by side show their citations (the rest: one click each)
            assert sum(f"của {meta.issuer}" in shown for meta in plans.values()) >= 3
            assert "Kế hoạch số 743/KH-UBND ngày 28/3/2025 của UBND tỉnh Gia Lai" in shown
            assert "Traceback" not in shown
            assert "q=" in page.url and "nh%C3%A0" in page.url  # the URL carries the query

            # "So sánh số liệu" opened from a link: the table of figures, one row per figure.
            query = urllib.parse.quote("tỷ lệ tham gia bảo hiểm y tế đến năm 2030")
            page.goto(f"{server}/?mode={page_state.MODE_FIGURES}&q={query}", wait_until="domcontentloaded")
            page.get_by_text("văn bản có số liệu").wait_for(timeout=RESULT_TIMEOUT)
            grid = page.locator("[data-testid='stDataFrame']")
            grid.wait_for(timeout=RESULT_TIMEOUT)
            grid.get_by_text("trên 97%").first.wait_for(state="attached", timeout=RESULT_TIMEOUT)
            page.screenshot(path=str(ARTIFACTS / "browser-figures.png"), full_page=True)

            # "Tìm câu chữ tương tự": a pasted paragraph, its own passage with the word diff.
            page.get_by_role("radiogroup").get_by_text("Tìm câu chữ tương tự").click()
            draft = page.get_by_label("Đoạn văn cần so sánh")
            draft.wait_for(timeout=RESULT_TIMEOUT)
            draft.fill("- Xây dựng khoảng 5.250 căn hộ nhà ở xã hội cho công nhân khu công nghiệp")
            page.get_by_role("button", name="Tìm câu chữ tương tự").click()
            # the legend has one <del>; a second one is the diff's (the figures table also names 439/KH-UBND)
            page.locator("[data-testid='stMain'] del").nth(1).wait_for(timeout=RESULT_TIMEOUT)
            page.get_by_text("Kế hoạch số 439/KH-UBND").first.wait_for(timeout=RESULT_TIMEOUT)
            assert page.locator("[data-testid='stMain'] del").count() + page.locator(
                "[data-testid='stMain'] ins").count() > 2   # the legend's pair and the diff's own
            assert f"mode={page_state.MODE_SIMILAR}" in page.url
            page.screenshot(path=str(ARTIFACTS / "browser-similar.png"), full_page=True)
            assert "Traceback" not in page.inner_text("[data-testid='stMain']")
        finally:
            browser.close()


def search_for(page, server: str, query: str) -> None:
    page.goto(f"{server}/?q={urllib.parse.quote(query)}", wait_until="domcontentloaded")
    page.get_by_text("văn bản có đoạn liên quan").wait_for(timeout=RESULT_TIMEOUT)


def test_issue16_side_by_side_copy_document_figures(server, index_dir):
    """Plans side by side, one-click copy of passage + citation, the document view, honest counts,
    Vietnamese everywhere, a figures table that fits 1400 px. Screenshots in test-artifacts/."""
    from playwright.sync_api import sync_playwright

    plans = load_records(index_dir).documents
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="vi-VN")
            context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
            page = context.new_page()
            search_for(page, server, "nhà ở xã hội")
            main = page.locator("[data-testid='stMain']")
            main.locator(".st-key-compare .copy-btn").first.wait_for(timeout=RESULT_TIMEOUT)
            page.wait_for_timeout(1000)
            side_by_side = main.locator(".st-key-compare")
            titles = [side_by_side.get_by_text(document_label(meta), exact=True).first for meta in plans.values()]
            side = [t for t in titles if t.count()]
            for t in side:
                t.wait_for(timeout=RESULT_TIMEOUT)
            boxes = [t.bounding_box() for t in side]
            assert len(side) == 3 and len({round(b["x"]) for b in boxes}) == 3  # three plans side by side
            assert max(b["y"] for b in boxes) - min(b["y"] for b in boxes) < 60  # on one line
            page.screenshot(path=str(ARTIFACTS / "issue16-side-by-side.png"))
            height = page.evaluate("document.querySelector(\"[data-testid='stMain']\").scrollHeight")
            assert height < 4600, height

            # one click copies the passage and its citation; the copy controls speak Vietnamese
            button = main.locator(".copy-btn").first
            expected = button.get_attribute("data-copy")
            button.click()
            main.get_by_text("Đã sao chép").first.wait_for(timeout=10_000)
            copied = page.evaluate("navigator.clipboard.readText()")
            assert copied == expected and "\n(Kế hoạch" in copied and len(copied) > 100
            assert main.locator("[aria-label='Copy to clipboard']").count() > 0           # Streamlit's, English,
            assert main.locator("[aria-label='Copy to clipboard']:visible").count() == 0  # hidden
            citation_button = main.locator(".copy-btn", has_text="Sao chép trích dẫn").first
            citation = citation_button.get_attribute("data-copy")
            citation_button.click()
            page.wait_for_timeout(500)
            assert page.evaluate("navigator.clipboard.readText()") == citation and citation.startswith("Kế hoạch")
            assert "Copy to clipboard" not in main.inner_text()

            # the filters' dropdown has no English "Select all"
            page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").first.click()
            page.get_by_role("option").first.wait_for(timeout=10_000)
            options = page.get_by_role("option").all_inner_texts()
            assert options and not any("Select" in o for o in options), options
            page.keyboard.press("Escape")

            # the document view: the whole plan at the hit, with its section tree
            main.get_by_role("button", name="Xem toàn văn").first.click()
            dialog = page.get_by_role("dialog")
            dialog.wait_for(timeout=RESULT_TIMEOUT)
            dialog.locator("b").first.wait_for(timeout=RESULT_TIMEOUT)
            assert dialog.get_by_text("Toàn văn").count() >= 1
            current = dialog.locator("div[style*='240, 180, 0']").first   # the passage it was opened from
            current.wait_for(timeout=RESULT_TIMEOUT)
            page.wait_for_timeout(1000)
            box = current.bounding_box()
            assert 0 <= box["y"] < 900, box                                 # opened at the passage, on screen
            page.screenshot(path=str(ARTIFACTS / "issue16-document.png"))
            page.keyboard.press("Escape")

            # a cell that scrolls opens at its first highlighted word (here cited deep in long passages)
            search_for(page, server, "Nghị quyết 42-NQ/TW")
            page.locator(".st-key-compare .copy-btn").first.wait_for(timeout=RESULT_TIMEOUT)
            page.wait_for_function(   # the page's script has visited every cell (a busy machine may take seconds)
                "() => { const cs = document.querySelectorAll(\"div[style*='max-height: 11rem']\");"
                " return cs.length > 0 && Array.from(cs).every(c => c.dataset.at === c.innerHTML); }",
                timeout=30_000)
            cells = main.locator("div[style*='max-height: 11rem']", has=page.locator("mark"))
            assert cells.count() >= 5
            for n in range(cells.count()):
                mark, box = cells.nth(n).locator("mark").first.bounding_box(), cells.nth(n).bounding_box()
                assert box["y"] <= mark["y"] and mark["y"] + mark["height"] <= box["y"] + box["height"], n

            # a new search in the same session: no cell keeps the scroll offset the reader left it at
            page.evaluate("document.querySelectorAll(\"div[style*='max-height: 11rem']\").forEach(c => c.scrollTop = 10000)")
            box = page.get_by_label("Nội dung cần tìm")
            box.fill("nhà ở xã hội")
            box.press("Enter")
            main.get_by_text("nhà ở xã hội", exact=True).first.wait_for(timeout=RESULT_TIMEOUT)
            page.wait_for_function(
                "() => { const cs = document.querySelectorAll(\"div[style*='max-height: 11rem']\");"
                " return cs.length > 0 && Array.from(cs).every(c => c.dataset.at === c.innerHTML)"
                " && document.body.innerText.includes('nhà ở xã hội'); }", timeout=RESULT_TIMEOUT)
            page.wait_for_timeout(500)
            for cell in main.locator("div[style*='max-height: 11rem']").all():
                if not cell.locator("mark").count():   # nothing to show first: the top
                    assert cell.evaluate("c => c.scrollTop") == 0
                    continue
                mark, where = cell.locator("mark").first.bounding_box(), cell.bounding_box()
                assert where["y"] <= mark["y"] and mark["y"] + mark["height"] <= where["y"] + where["height"]

            # a weak query: said once, no plan counted
            search_for(page, server, "xyzzy qwerty")
            assert "0/5 văn bản có đoạn liên quan" in main.inner_text()
            assert main.locator("[data-testid='stAlertContentWarning']").count() == 1

            # figures for an accent-free query: the stated figures, whole, every column on screen
            query = urllib.parse.quote("so can nha o xa hoi")
            page.goto(f"{server}/?mode={page_state.MODE_FIGURES}&q={query}", wait_until="domcontentloaded")
            grid = page.locator("[data-testid='stDataFrame']")
            grid.wait_for(timeout=RESULT_TIMEOUT)
            grid.get_by_text("ít nhất 3.700 căn hộ").first.wait_for(state="attached", timeout=RESULT_TIMEOUT)
            page.locator("[data-testid='stVegaLiteChart']").first.wait_for(timeout=RESULT_TIMEOUT)
            box = grid.bounding_box()
            assert box["x"] + box["width"] <= 1400
            page.screenshot(path=str(ARTIFACTS / "issue16-figures.png"), full_page=True)
        finally:
            browser.close()
