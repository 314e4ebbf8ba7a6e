"""The search page (app.py) driven by Streamlit's AppTest on a real index of the five plans, plus
the pure helpers it relies on (search/page/state.py, search/page/export.py)."""
from __future__ import annotations

import csv
import html as html_lib
import io
import os
import shutil
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import indexer.embed.e5_onnx
import search.engine
from indexer.structure.citation import document_label
from search.page import state as page_state, texts, view
from search.engine import Searcher
from search.page import compare
from search.page.export import CSV_HEADER, csv_rows, results_csv, safe_cell
from search.page.plain import plain_text
from tests.paths import PLANS

ROOT = Path(__file__).resolve().parents[2]
CORPUS = PLANS
APP = str(ROOT / "app.py")
QUERY = "nhà ở xã hội"
SUBMIT = "FormSubmitter:search-Tìm kiếm"
SIMILAR_SUBMIT = "FormSubmitter:similar-Tìm câu chữ tương tự"
FIGURES_QUERY = "tỷ lệ tham gia bảo hiểm y tế đến năm 2030"
HOUSING_LINE = next(line.strip() for line in (CORPUS / "003_52a6cda90ec74148.txt").read_text("utf-8").splitlines()
                    if line.startswith("- Xây dựng khoảng 5.250"))


@pytest.fixture(scope="session")
def index_dir(real_index):
    """The session's real index, and the page pointed at it through PLANSEARCH_INDEX /
    PLANSEARCH_CORPUS."""
    saved = {k: os.environ.get(k) for k in ("PLANSEARCH_INDEX", "PLANSEARCH_CORPUS")}
    os.environ.update(PLANSEARCH_INDEX=str(real_index), PLANSEARCH_CORPUS=str(CORPUS))
    yield real_index
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


def new_app(run: bool = True) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    if run:
        at.run()
        assert not at.exception, at.exception
    return at


def run_search(at: AppTest, query: str) -> AppTest:
    at.text_input(key="q").input(query)
    at.button(key=SUBMIT).click()
    at.run()
    assert not at.exception, at.exception
    return at


def document_titles(block) -> list[str]:
    """Plan labels rendered as block titles (the bold first line of each plan block)."""
    return [m.value.split(">", 1)[1].rsplit("<", 1)[0] for m in block.markdown if "font-weight:600" in m.value]


# -- the page --------------------------------------------------------------------------------
@pytest.mark.slow
def test_empty_query_shows_the_hint(index_dir):
    at = new_app()
    assert not at.exception
    assert len(at.info) == 1 and at.info[0].value.startswith("Nhập từ khóa, câu hỏi hoặc số hiệu văn bản")
    assert len(at.tabs) == 0 and len(at.error) == 0
    assert [b.label for b in at.button if b.key.startswith("example_")][:2] == ["nhà ở xã hội", "tỷ lệ tham gia bảo hiểm y tế"]


@pytest.mark.slow
def test_query_fills_both_views(index_dir, searcher):
    at = run_search(new_app(), QUERY)
    expected = searcher.search(QUERY, k=10)
    by_plan, ranked = at.tabs
    assert [t.label for t in at.tabs] == ["Theo văn bản", "Xếp hạng chung"]
    # The three best documents side by side, each one's best passage on the first row, the rest
    # of their passages aligned by part; every other answering document one line (an expander).
    found = compare.answering(expected)
    chosen = compare.default_choice(found)
    assert len(found) == 5 and document_titles(by_plan) == [document_label(g.metadata) for g in found[:3]]
    bands = compare.bands(found, chosen)
    side = [c.best.passage.citation for b in bands for c in b.columns] + [
        h.passage.citation for b in bands for row in b.rows for cell in row.cells for h in cell]
    listed = [h.passage.citation for g in compare.others(found, chosen) for h in g.hits]
    assert sorted(c.value for c in by_plan.code) == sorted(side + listed)
    assert [c.value for c in by_plan.code][:3] == side[:3]
    assert len(by_plan.columns) == 3 * sum(2 + len(b.rows) for b in bands)
    lines = [e.label for e in by_plan.expander if e.label != texts.CONTEXT_LABEL]
    assert [line.split(" · ")[0] for line in lines] == [document_label(g.metadata) for g in found[3:]]
    # The ranked list: k passages, best first.
    assert [c.value for c in ranked.code] == [h.passage.citation for h in expected.hits]
    assert len(ranked.code) == 10
    assert any(f"{len(expected.hits)} đoạn" in c.value for c in at.caption)
    assert "<mark>" in "".join(m.value for m in ranked.markdown)
    assert sum(e.label == "Xem các đoạn cùng mục" for e in at.expander) == len(side) + 10
    assert at.query_params["q"] == [QUERY] or at.query_params["q"] == QUERY


@pytest.mark.slow
@pytest.mark.parametrize("key, value, doc", [("level", "xã", "000_2cf1338897e214e5.txt"),
                                             ("province", "Gia Lai", "002_3b6299c3ae673933.txt")])
def test_filter_narrows_to_one_plan(index_dir, searcher, key, value, doc):
    at = new_app()
    at.multiselect(key=key).select(value)
    run_search(at, QUERY)
    label = document_label(searcher.documents[doc])
    by_plan, ranked = at.tabs
    assert document_titles(by_plan) == [label]
    assert len(ranked.code) >= 1
    assert set(document_titles(ranked)) == {label}
    cited = searcher.documents[doc].issuer
    assert all(cited in c.value for c in at.code)
    assert at.query_params[key] in ([value], value)


@pytest.mark.slow
def test_a_document_without_relevant_passage_is_not_counted(index_dir, searcher, monkeypatch):
    """A document the engine found nothing in is neither shown side by side nor counted."""
    real = Searcher.search

    def drop_one(self, *args, **kwargs):
        result = real(self, *args, **kwargs)
        first = result.groups[0]
        groups = (type(first)(first.doc, first.metadata, ()),) + result.groups[1:]
        return type(result)(result.query, result.hits, groups, result.weak, result.seconds)

    monkeypatch.setattr(Searcher, "search", drop_one)
    at = run_search(new_app(), QUERY)
    dropped = document_label(searcher.search(QUERY, k=10).groups[0].metadata)
    assert dropped not in document_titles(at.tabs[0])
    assert not any(e.label.startswith(dropped) for e in at.tabs[0].expander)
    assert any("4/5 văn bản có đoạn liên quan" in c.value for c in at.caption)


@pytest.mark.slow
def test_markup_in_the_query_is_never_rendered(index_dir):
    at = run_search(new_app(), "<script>alert(1)</script> nhà ở")
    assert len(at.tabs) == 2 and len(at.tabs[1].code) > 0
    for m in at.markdown:
        assert "<script" not in m.value.lower(), m.value
    for element in list(at.caption) + list(at.info) + list(at.warning) + list(at.error):
        assert "<script" not in element.value.lower()


@pytest.mark.slow
def test_csv_has_a_header_and_one_row_per_hit(index_dir, searcher):
    at = run_search(new_app(), QUERY)
    result = searcher.search(QUERY, k=10)
    data = results_csv(result)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert len(rows) == len(result.hits) + 1 == 11
    assert tuple(rows[0]) == CSV_HEADER
    assert [r[4] for r in rows[1:]] == [c.value for c in at.tabs[1].code]   # what the page shows
    assert rows[1][5] == safe_cell(plain_text(result.hits[0].passage.text))
    assert any(r[1] == "743/KH-UBND" for r in rows[1:]) or any("UBND" in r[0] for r in rows[1:])
    assert [b.label for b in at.get("download_button")] == ["Tải kết quả (CSV)"]


@pytest.mark.slow
def test_model_and_index_load_once_per_server(index_dir, monkeypatch):
    st.cache_resource.clear()
    counts = {"searcher": 0, "model": 0}
    searcher_init = search.engine.Searcher.__init__
    model_init = indexer.embed.e5_onnx.OnnxE5Embedder.__init__

    def counting_searcher(self, *a, **kw):
        counts["searcher"] += 1
        searcher_init(self, *a, **kw)

    def counting_model(self, *a, **kw):
        counts["model"] += 1
        model_init(self, *a, **kw)

    monkeypatch.setattr(search.engine.Searcher, "__init__", counting_searcher)
    monkeypatch.setattr(indexer.embed.e5_onnx.OnnxE5Embedder, "__init__", counting_model)
    at = run_search(new_app(), QUERY)
    run_search(at, "tỷ lệ tham gia bảo hiểm y tế")
    assert len(at.tabs[1].code) == 10
    run_search(new_app(), "nha o xa hoi")          # another session in the same server
    assert counts == {"searcher": 1, "model": 1}


@pytest.mark.slow
def test_url_parameters_prefill_the_page(index_dir, searcher):
    at = new_app(run=False)
    at.query_params["q"] = QUERY
    at.query_params["level"] = "xã"
    at.query_params["k"] = "3"
    at.run()
    assert not at.exception
    assert at.text_input(key="q").value == QUERY
    assert at.multiselect(key="level").value == ["xã"]
    assert at.slider(key="k").value == 3
    assert len(at.tabs[1].code) == 3
    assert document_titles(at.tabs[0]) == [document_label(searcher.documents["000_2cf1338897e214e5.txt"])]


@pytest.mark.slow
def test_example_chip_runs_its_query(index_dir):
    at = new_app()
    at.button(key="example_3").click()
    at.run()
    assert not at.exception
    assert at.text_input(key="q").value == "Nghị quyết 42-NQ/TW"
    assert len(at.tabs[1].code) == 10


@pytest.mark.slow
def test_search_error_is_a_short_message(index_dir, monkeypatch):
    def broken(self, *a, **kw):
        raise RuntimeError("boom")

    monkeypatch.setattr(Searcher, "search", broken)
    at = run_search(new_app(), QUERY)
    assert [e.value for e in at.error] == ["Xin lỗi, đã có lỗi khi tìm kiếm. Hãy thử lại hoặc diễn đạt câu hỏi theo cách khác."]
    assert "boom" not in "".join(m.value for m in at.markdown)


@pytest.mark.slow
def test_damaged_index_tells_what_to_run(index_dir, tmp_path, monkeypatch):
    damaged = tmp_path / "index"
    shutil.copytree(index_dir, damaged)
    current = damaged / (damaged / "CURRENT").read_text().strip()
    (current / "dense.faiss").write_bytes(b"not a faiss index")
    monkeypatch.setenv("PLANSEARCH_INDEX", str(damaged))
    at = new_app(run=False)
    at.run()
    assert not at.exception
    assert len(at.error) == 1 and "Chỉ mục tìm kiếm" in at.error[0].value
    assert any("python -m indexer --rebuild" in c.value for c in at.code)


@pytest.mark.slow
def test_missing_index_is_built_with_progress(index_dir, tmp_path, monkeypatch):
    """A missing index is built by the page (vectors reused from nothing: a tiny corpus)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "002_3b6299c3ae673933.txt", corpus)
    monkeypatch.setenv("PLANSEARCH_INDEX", str(tmp_path / "index"))
    monkeypatch.setenv("PLANSEARCH_CORPUS", str(corpus))
    phases = []
    counted = page_state.counted

    def spy(items, desc, report):
        phases.append(desc)
        return counted(items, desc, report)

    monkeypatch.setattr(page_state, "counted", spy)
    estimates = []
    estimate = view.build_estimate
    monkeypatch.setattr(view, "build_estimate", lambda size: estimates.append(size) or estimate(size))
    at = run_search(new_app(), QUERY)   # the first run builds the index
    assert "Nhúng vector" in phases      # the build reported its progress to the page's bar
    # an honest estimate from the corpus' size, shown (at each redraw of the shared progress)
    # while the box waits, then the real box
    assert estimates and set(estimates) == {(CORPUS / "002_3b6299c3ae673933.txt").stat().st_size}
    assert [t.key for t in at.text_input] == ["q"]
    assert (tmp_path / "index" / "CURRENT").is_file()
    assert document_titles(at.tabs[0]) == ["UBND tỉnh Gia Lai — Kế hoạch số 743/KH-UBND (28/3/2025)"]


def run_similar(at: AppTest, draft: str) -> AppTest:
    at.text_area(key="draft").input(draft)
    at.button(key=SIMILAR_SUBMIT).click()
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.slow
def test_mode_selector_offers_three_modes(index_dir):
    at = new_app()
    mode = at.radio(key="mode")
    assert mode.value == page_state.MODE_SEARCH
    assert list(mode.options) == ["Tìm kiếm", "So sánh số liệu", "Tìm câu chữ tương tự"]
    mode.set_value(page_state.MODE_FIGURES)
    at.run()
    assert not at.exception
    assert at.query_params["mode"] in ([page_state.MODE_FIGURES], page_state.MODE_FIGURES)
    assert at.text_input(key="q") is not None and len(at.info) == 1


@pytest.mark.slow
def test_figures_mode_shows_a_table(index_dir, searcher):
    at = new_app(run=False)
    at.query_params["mode"] = page_state.MODE_FIGURES
    at.query_params["q"] = FIGURES_QUERY
    at.run()
    assert not at.exception, at.exception
    assert at.radio(key="mode").value == page_state.MODE_FIGURES
    assert len(at.dataframe) == 1 and len(at.tabs) == 0
    df = at.dataframe[0].value
    assert list(df.columns) == ["Văn bản", "Tỉnh/thành", "Cấp", "Số liệu", "Nội dung đo", "Năm mục tiêu", "Trích dẫn"]
    figures = set(df["Số liệu"])
    assert {"trên 97%", "trên 95%"} <= figures
    # every plan in the index has at least one row (its figures, or "Không có số liệu")
    assert {document_label(m) for m in searcher.documents.values()} <= set(df["Văn bản"])
    assert [b.label for b in at.get("download_button")] == ["Tải bảng số liệu (CSV)"]


@pytest.mark.slow
def test_similar_mode_finds_the_pasted_paragraph(index_dir):
    at = new_app(run=False)
    at.query_params["mode"] = page_state.MODE_SIMILAR
    at.run()
    assert not at.exception
    assert len(at.info) == 1 and at.info[0].value.startswith("Dán một đoạn văn")
    run_similar(at, HOUSING_LINE)
    citations = [c.value for c in at.code]
    assert citations and citations[0].startswith("Kế hoạch số 439/KH-UBND")
    assert at.caption[0].value.startswith("Trùng 100%") or at.caption[0].value.startswith("Trùng 9")
    shown = "".join(m.value for m in at.markdown)
    assert "chỉ có trong văn bản" in shown and "chỉ có trong bản thảo" in shown
    assert at.query_params["mode"] in ([page_state.MODE_SIMILAR], page_state.MODE_SIMILAR)


@pytest.mark.slow
def test_similar_mode_never_renders_pasted_markup(index_dir):
    at = new_app(run=False)
    at.query_params["mode"] = page_state.MODE_SIMILAR
    at.run()
    run_similar(at, HOUSING_LINE + " <script>alert(1)</script>")
    assert any(c.value.startswith("Kế hoạch số 439/KH-UBND") for c in at.code)
    shown = "".join(m.value for m in at.markdown)
    assert "<del>" in shown and "&lt;script&gt;" in shown
    for element in list(at.markdown) + list(at.caption) + list(at.info) + list(at.warning):
        assert "<script" not in element.value.lower(), element.value


# -- pure helpers ------------------------------------------------------------------------------
CHOICES = page_state.FilterChoices(provinces=("Gia Lai", "Thanh Hóa"), years=(2025, 2024),
                                   documents=("a.txt", "b.txt"))








def test_csv_cells_cannot_start_a_formula(searcher):
    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe_cell("- Tăng cường") == "'- Tăng cường"
    assert safe_cell("1. Mục tiêu") == "1. Mục tiêu"
    rows = csv_rows(searcher.search("", k=5))
    assert rows == [CSV_HEADER]






@pytest.mark.slow
def test_type_filter_in_the_sidebar(index_dir, searcher):
    plain = run_search(new_app(), QUERY)
    at = new_app(run=False)
    at.query_params["type"] = "Kế hoạch"
    at.run()
    chooser = at.multiselect(key="doc_type")
    assert chooser.label == "Loại văn bản"
    assert list(chooser.options) == sorted({m.doc_type for m in searcher.documents.values()}) == ["Kế hoạch"]
    assert chooser.value == ["Kế hoạch"]
    run_search(at, QUERY)
    assert document_titles(at.tabs[0]) == document_titles(plain.tabs[0])


# -- issue #16: honest relevance, whole-word highlighting, side by side, figures, similar wording --
DECREE = "Nghị định 20/2021/NĐ-CP"


def marks(block) -> set[str]:
    return {part.split("</mark>")[0] for m in block.markdown for part in m.value.split("<mark>")[1:]}


@pytest.mark.slow
def test_a_weak_query_says_so_once_and_counts_no_plan(index_dir):
    at = run_search(new_app(), "xyzzy qwerty")
    assert [w.value for w in at.warning] == [texts.WEAK]
    assert any("0/5 văn bản có đoạn liên quan" in c.value for c in at.caption)
    assert [i.value for i in at.tabs[0].info] == [texts.NOTHING_ANSWERS] and not at.tabs[0].code
    assert len(at.tabs[1].code) == 10 and texts.OTHERS not in [c.value for c in at.tabs[1].caption]


@pytest.mark.slow
def test_a_document_number_counts_highlights_and_ranks_honestly(index_dir, searcher):
    expected = searcher.search(DECREE, k=10)
    citing = len(expected.relevant_groups)
    at = run_search(new_app(), DECREE)
    assert not at.warning
    assert any(f"{citing}/5 văn bản có đoạn liên quan" in c.value for c in at.caption)
    assert document_titles(at.tabs[0]) == [document_label(g.metadata) for g in expected.relevant_groups[:3]]
    assert len([e for e in at.tabs[0].expander if e.label != texts.CONTEXT_LABEL]) == max(0, citing - 3)
    lit = marks(at.tabs[1])
    assert "20/2021/NĐ-CP" in lit
    assert not lit & {"định", "Nghị", "quy định", "quyết định", "Đề nghị", "nghị"}
    ranked_captions = [c.value for c in at.tabs[1].caption]
    assert texts.OTHERS in ranked_captions   # the passages not citing it come after, said so


@pytest.mark.slow
def test_accent_free_query_lights_whole_accented_phrases(index_dir):
    at = run_search(new_app(), "nha o xa hoi")
    lit = {m.lower() for m in marks(at.tabs[1])}
    assert "nhà ở xã hội" in lit and not lit & {"nhà", "xã", "hội", "ở"}


@pytest.mark.slow
def test_copy_button_and_document_view(index_dir, searcher):
    at = run_search(new_app(), QUERY)
    first = searcher.search(QUERY, k=10).groups[0].hits[0]
    buttons = [m.value for m in at.tabs[0].markdown if 'class="copy-btn"' in m.value]
    assert buttons and html_lib.escape(first.passage.citation, quote=True) in buttons[0]
    assert texts.COPY_LABEL in buttons[0]
    doc_buttons = [b for b in at.button if b.key and b.key.startswith("doc_grid_")]
    doc_buttons[0].click()
    at.run()
    assert not at.exception
    shown = "".join(m.value for m in at.markdown)
    assert "<b>" in shown and "padding-left:0.0rem" in shown      # the section tree, the hit's path in bold
    assert "border-left:3px solid #f0b400" in shown                # the hit marked in the whole text


@pytest.mark.slow
def test_filters_offer_no_english_select_all(index_dir):
    at = new_app()
    assert all(at.multiselect(key=key).proto.select_all == 0 for key in ("province", "level", "year", "doc"))


@pytest.mark.slow
def test_figures_put_the_indicator_first_with_a_chart(index_dir):
    at = new_app(run=False)
    at.query_params["mode"] = page_state.MODE_FIGURES
    at.query_params["q"] = "so can nha o xa hoi"
    at.run()
    assert not at.exception
    df = at.dataframe[0].value
    firsts = df.groupby("Văn bản", sort=False)["Số liệu"].first().tolist()
    assert "ít nhất 3.700 căn hộ" in firsts and "khoảng 5.250 căn hộ" in firsts
    assert not any("bảo trợ" in m for m in df["Nội dung đo"])
    assert len(at.get("vega_lite_chart")) == 1


@pytest.mark.slow
def test_similar_wording_order_minimum_and_url(index_dir):
    at = new_app(run=False)
    at.query_params["mode"] = page_state.MODE_SIMILAR
    at.run()
    run_similar(at, "nhà ở")
    assert [i.value for i in at.info] == [texts.SIMILAR_SHORT] and not any("Trùng" in c.value for c in at.caption)
    run_similar(at, HOUSING_LINE)
    assert at.query_params["q"] in ([HOUSING_LINE], HOUSING_LINE)     # the draft survives a reload
    firsts = []
    for c in at.caption:
        if c.value.startswith("Trùng"):
            firsts.append(int(c.value.split()[1].rstrip("%")))
    assert firsts[0] == max(firsts)
    again = new_app(run=False)
    again.query_params.update(dict(at.query_params))
    again.run()
    assert again.text_area(key="draft").value == HOUSING_LINE


@pytest.mark.slow
def test_references_are_links_and_plans_group_by_the_resolution_they_implement(index_dir):
    at = run_search(new_app(), "Nghị quyết số 42-NQ/TW")
    shown = "".join(m.value for m in at.tabs[0].markdown)
    assert '<details class="ref"><summary>' in shown and "Văn bản ngoài kho: 42/NQ/TW" in shown
    assert "q=42%2FNQ%2FTW" in shown          # the external key searches for itself
    at.toggle(key="by_higher").set_value(True).run()
    assert not at.exception
    titles = [e.label for e in at.expander]
    assert "4 kế hoạch thực hiện Nghị quyết 42-NQ/TW" in titles, titles
