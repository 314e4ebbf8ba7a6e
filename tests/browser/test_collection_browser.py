"""The page for a real collection (issue #26), in Chromium at 1400 x 900: the five plans, the plans
with the fifteen laws (20 documents) and 200 documents generated from those 20 (renumbered copies).
For each: no column of the side-by-side view narrower than 280 px, each answering document's best
passage on the first screen or one click away, the counts equal what the engine says matches, and
a screenshot in test-artifacts/collection-<n>.png. The 20 and 200 need the laws beside the
checkout (../shared/legal/corpus) and are skipped without them. Set COLLECTION20_INDEX_DIR /
COLLECTION200_INDEX_DIR to keep their indexes between runs (brought up to date, never stale)."""
from __future__ import annotations

import urllib.parse

import pytest

from indexer.structure.citation import document_label
from search.page import compare
from search.page.view import copy_text
from tests.browser.test_browser import (ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, RESULT_TIMEOUT, streamlit_server)
from tests.collection import SeededEmbedder, build, corpus_of_20, corpus_of_200, kept_or, laws_present
from tests.paths import PLANS

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is missing: apt-get install -y chromium")]
VIEWPORT = {"width": 1400, "height": 900}
QUERY = "nhà ở xã hội"


@pytest.fixture(scope="module")
def collections(real_index, default_embedder, tmp_path_factory):
    """size -> (index folder, corpus folder), each built when first asked for."""
    base = tmp_path_factory.mktemp("collections")
    built = {5: (real_index, PLANS)}

    def get(size: int):
        if size not in built:
            if not laws_present():
                pytest.skip("the laws (../shared/legal/corpus) are not beside the checkout")
            if size == 20:
                corpus, index = corpus_of_20(base / "c20"), kept_or(base / "i20", "COLLECTION20_INDEX_DIR")
                assert build(corpus, index, SeededEmbedder(default_embedder, real_index)).documents == 20
            else:
                seed, _ = get(20)
                corpus = corpus_of_200(get(20)[1], base / "c200")
                index = kept_or(base / "i200", "COLLECTION200_INDEX_DIR")
                assert build(corpus, index, SeededEmbedder(default_embedder, seed)).documents == 200
            built[size] = (index, corpus)
        return built[size]
    return get


def expected(index_dir, embedder, query: str):
    from search.engine import Searcher

    return Searcher(index_dir, embedder=embedder, verify=False).search(query, k=10)


@pytest.mark.parametrize("size", [5, 20, 200])
def test_a_collection_reads_well(collections, default_embedder, tmp_path, size):
    from playwright.sync_api import sync_playwright

    index_dir, corpus = collections(size)
    result = expected(index_dir, default_embedder, QUERY)
    found = compare.answering(result)
    assert len(result.groups) == size and found
    ARTIFACTS.mkdir(exist_ok=True)
    env = {"PLANSEARCH_INDEX": str(index_dir), "PLANSEARCH_CORPUS": str(corpus)}
    with streamlit_server(env, tmp_path / "server.log") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=VIEWPORT, locale="vi-VN")
            page.goto(f"{url}/?q={urllib.parse.quote(QUERY)}", wait_until="domcontentloaded")
            main = page.locator("[data-testid='stMain']")
            main.get_by_text("văn bản có đoạn liên quan").wait_for(timeout=RESULT_TIMEOUT)
            side = page.locator(".st-key-compare .copy-btn", has_text="Sao chép đoạn")
            side.first.wait_for(timeout=RESULT_TIMEOUT)
            page.wait_for_timeout(1500)
            page.screenshot(path=str(ARTIFACTS / f"collection-{size}.png"))
            text = main.inner_text()
            # the counts: what the engine says matches, per type too
            assert f"{len(found)}/{size} văn bản có đoạn liên quan" in text
            for facet in compare.facets(result) if len(compare.facets(result)) > 1 else ():
                assert facet.label in text, facet.label
            # no column narrower than 280 px
            widths = [c.bounding_box()["width"] for c in page.locator(".st-key-compare [data-testid='stColumn']").all()]
            assert widths and min(widths) >= 280, widths
            # side by side: the best documents, each one's best passage on the first screen
            chosen = compare.default_choice(found)
            for group in found:
                if group.doc in chosen:
                    button = page.locator(f".st-key-compare .copy-btn[data-copy='{_attr(copy_text(group.hits[0]))}']").first
                    cell = button.locator("xpath=ancestor::div[@data-testid='stVerticalBlock'][1]")
                    box = cell.locator("div[style*='max-height: 11rem']").first.bounding_box()
                    assert box and box["y"] + 80 < VIEWPORT["height"], (group.doc, box)   # its first lines
            # every other answering document: one click on its line shows its best passage
            lines = page.locator(".st-key-others [data-testid='stExpander']")
            assert lines.count() == len(found) - len(chosen)
            for n, group in enumerate(g for g in found if g.doc not in chosen):
                line = lines.nth(n)
                assert document_label(group.metadata) in line.locator("summary").inner_text()
                line.locator("summary").click()
                citation = line.get_by_text(group.hits[0].passage.citation, exact=True).first
                citation.wait_for(state="visible", timeout=10_000)
            assert "Traceback" not in main.inner_text()
            tall = page.evaluate("document.querySelector(\"[data-testid='stMain']\").scrollHeight")
            page.set_viewport_size({"width": VIEWPORT["width"], "height": min(tall, 16000)})   # the main area scrolls itself
            page.wait_for_timeout(1000)
            page.screenshot(path=str(ARTIFACTS / f"collection-{size}-full.png"))
        finally:
            browser.close()


def _attr(text: str) -> str:
    """text as a CSS attribute value inside single quotes."""
    return text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\a ")
