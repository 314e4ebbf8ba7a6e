"""The search page: .venv/bin/python -m streamlit run app.py

It only renders what search/ returns. Index and corpus folders come from PLANSEARCH_INDEX
(default "index") and PLANSEARCH_CORPUS (default "corpus"). Markup is written only around text
that went through html.escape or highlight_html (which escapes first)."""
from __future__ import annotations

import html
import logging
import os
import time
from pathlib import Path

import streamlit as st

from indexer.index import folder as store
from indexer.models import PlanMetadata
from indexer.structure.citation import plan_label
from search.compare.figure_table import figure_table
from search.compare.similar import SimilarResult, diff_html, similar_passages
from search.engine import Searcher
from search.page import state as page_state
from search.page import texts
from search.page.export import CSV_FILE_NAME, CSV_MIME, figures_csv, results_csv
from search.page.builder import BuildStatus, ServerBuilder
from search.page.highlight import highlight_html, neutral_bidi
from search.query import Filters
from search.results import Hit, PlanGroup, SearchResult

INDEX_DIR = Path(os.environ.get("PLANSEARCH_INDEX", "index"))
CORPUS_DIR = Path(os.environ.get("PLANSEARCH_CORPUS", "corpus"))
LOG = logging.getLogger("plansearch.app")


# -- loading (once per server) -------------------------------------------------------------
@st.cache_resource(show_spinner=False)
def server_builder(index_dir: str, corpus: str) -> ServerBuilder:   # one build runner per server
    return ServerBuilder(Path(index_dir), Path(corpus))


@st.cache_resource(show_spinner=texts.LOADING, max_entries=2)
def load_searcher(index_dir: str, version: str) -> Searcher:
    """Model and index, loaded once per server for each index folder and version."""
    return Searcher(index_dir)


def show_build(status: BuildStatus, live: bool) -> None:
    """First build: shared progress, redrawn until done; update: the old index answers."""
    if status.running and not live:
        st.progress(status.fraction, text=f"{texts.BUILDING} {status.step}")
        time.sleep(1.0)
        st.rerun()
    if status.running:
        st.caption(texts.UPDATING)
    elif status.warning and st.session_state.get("_told") != status.warning:
        st.session_state["_told"] = status.warning
        st.warning(texts.STALE_INDEX.format(reason=status.warning))
        st.code(status.command, language="bash")


def open_searcher() -> Searcher | None:
    try:
        status = server_builder(str(INDEX_DIR), str(CORPUS_DIR)).ensure()
        folder = store.current_folder(INDEX_DIR)
        show_build(status, live=folder is not None)
        if folder is None:
            raise store.IndexMissing(status.problem or status.warning or "no index", status.command or store.BUILD_COMMAND)
        return load_searcher(str(INDEX_DIR), folder.name)
    except store.IndexProblem as e:
        LOG.warning("index problem: %s", e)
        st.error(texts.INDEX_PROBLEM)
        st.code(e.command, language="bash")
    except Exception:
        LOG.exception("cannot open the index in %s", INDEX_DIR)
        st.error(texts.INDEX_FAILED)
    return None


# -- page state and inputs ---------------------------------------------------------------
def init_from_url(choices: page_state.FilterChoices) -> None:
    """First run of a session: the URL (a shared link, a reload) fills the widgets."""
    if st.session_state.get("_from_url"):
        return
    params = {key: st.query_params.get_all(key) for key in st.query_params}
    state = page_state.state_from_params(params, choices)
    dropped = page_state.dropped_filters(params, state)
    if dropped:
        st.warning(texts.DROPPED_FILTERS.format(values=neutral_bidi(", ".join(dropped))))
    f = state.filters
    st.session_state.update(q=state.query, province=list(f.provinces), level=list(f.levels),
                            year=list(f.years), plan=list(f.plans), k=state.k, mode=state.mode,
                            _from_url=True)


def sync_url(state: page_state.PageState) -> None:
    want = page_state.params_from_state(state)
    have = {key: st.query_params.get_all(key) for key in st.query_params}
    if have != {key: v if isinstance(v, list) else [v] for key, v in want.items()}:
        st.query_params.from_dict(want)


def sidebar(plans: dict[str, PlanMetadata], choices: page_state.FilterChoices) -> tuple[Filters, int]:
    with st.sidebar:
        st.header("Bộ lọc")
        provinces = st.multiselect("Tỉnh/thành", choices.provinces, key="province", placeholder="Tất cả")
        levels = st.multiselect("Cấp", page_state.LEVELS, key="level", placeholder="Tất cả")
        years = st.multiselect("Năm", choices.years, key="year", placeholder="Tất cả")
        docs = st.multiselect("Kế hoạch", choices.plans, key="plan", placeholder="Tất cả",
                              format_func=lambda doc: neutral_bidi(plan_label(plans[doc])))
        k = st.slider("Số đoạn kết quả", page_state.K_MIN, page_state.K_MAX, key="k")
    return Filters(tuple(docs), tuple(provinces), tuple(levels), tuple(years)), k


def mode_selector() -> str:
    return st.radio("Chế độ", list(page_state.MODES), key="mode", horizontal=True,
                    format_func=page_state.MODES.get, label_visibility="collapsed")


def use_example(text: str) -> None:
    st.session_state["q"] = text


def search_box() -> str:
    with st.form("search", border=False, enter_to_submit=True):
        left, right = st.columns([6, 1], vertical_alignment="bottom")
        query = left.text_input("Nội dung cần tìm", key="q", placeholder="Ví dụ: nhà ở xã hội")
        right.form_submit_button("Tìm kiếm", type="primary", width="stretch")
    chips = st.container(horizontal=True, gap="small", vertical_alignment="center")
    chips.caption("Thử:")
    for i, text in enumerate(texts.EXAMPLES):
        chips.button(text, key=f"example_{i}", on_click=use_example, args=(text,))
    return query


# -- results -------------------------------------------------------------------------------
def html_block(escaped: str, style: str) -> None:
    """Render text that is already escaped (html.escape or highlight_html) in a styled block.
    Line breaks become <br> so the block stays one HTML block (no markdown inside)."""
    shown = neutral_bidi(escaped).replace(chr(10), "<br>")
    st.markdown(f'<div style="{style}">{shown}</div>', unsafe_allow_html=True)


def passage_block(searcher: Searcher, hit: Hit, rank: int | None = None) -> None:
    crumb = " › ".join(hit.passage.section) or "Phần mở đầu"
    prefix = f"#{rank} · " if rank else ""
    html_block(html.escape(prefix + crumb), texts.CRUMB_STYLE)
    html_block(highlight_html(hit.passage.text, hit.matched_terms), texts.TEXT_STYLE)
    st.code(neutral_bidi(hit.passage.citation), language=None, wrap_lines=True)
    if hit.reasons:
        st.caption("Khớp theo: " + ", ".join(hit.reasons))
    with st.expander("Xem các đoạn cùng mục"):
        for p in searcher.section_passages(hit):
            style = texts.CURRENT_STYLE if p == hit.passage else texts.CONTEXT_STYLE
            html_block(highlight_html(p.text, hit.matched_terms), style)


def plan_block(searcher: Searcher, group: PlanGroup) -> None:
    with st.container(border=True):
        html_block(html.escape(plan_label(group.plan)), texts.TITLE_STYLE)
        html_block(html.escape(page_state.plan_facts(group.plan)), texts.CRUMB_STYLE)
        if group.plan.title:
            html_block(html.escape(group.plan.title[:300]), texts.CRUMB_STYLE)
        if not group.hits:
            st.caption(texts.NO_PASSAGE)
        for n, hit in enumerate(group.hits):
            if n:
                st.divider()
            passage_block(searcher, hit)


def show_result(searcher: Searcher, result: SearchResult) -> None:
    relevant = sum(1 for g in result.groups if g.hits)
    top, button = st.columns([4, 1], vertical_alignment="center")
    top.caption(f"{len(result.hits)} đoạn · {relevant}/{len(result.groups)} kế hoạch có đoạn liên quan "
                f"· {result.seconds:.2f} giây")
    button.download_button("Tải kết quả (CSV)", results_csv(result), file_name=CSV_FILE_NAME,
                           mime=CSV_MIME, on_click="ignore", key="download", width="stretch")
    if result.weak:
        st.warning(texts.WEAK)
    by_plan, ranked = st.tabs(["Theo kế hoạch", "Xếp hạng chung"])
    with by_plan:
        for group in result.groups:
            plan_block(searcher, group)
    with ranked:
        for rank, hit in enumerate(result.hits, 1):
            with st.container(border=True):
                html_block(html.escape(plan_label(hit.plan)), texts.TITLE_STYLE)
                passage_block(searcher, hit, rank)


# -- figures: one table across the plans ---------------------------------------------------
def show_figures(searcher: Searcher, query: str, k: int, filters: Filters) -> None:
    try:
        rows = figure_table(searcher, query, k=k, filters=filters)
    except Exception:
        LOG.exception("figure table failed for %r", query)
        st.error(texts.SEARCH_FAILED)
        return
    table = page_state.figure_display_rows(rows)
    with_figures = sum(1 for r in rows if r.figures)
    top, button = st.columns([4, 1], vertical_alignment="center")
    top.caption(f"{with_figures}/{len(rows)} kế hoạch có số liệu")
    button.download_button("Tải bảng số liệu (CSV)", figures_csv(rows),
                           file_name=texts.FIGURES_CSV_NAME, mime=CSV_MIME, on_click="ignore",
                           key="download_figures", width="stretch")
    if not with_figures:
        st.info(texts.NO_FIGURES)
    if table:
        st.dataframe(table, hide_index=True, width="stretch")


# -- similar wording: a pasted paragraph against each plan ----------------------------------
def draft_box() -> str:
    with st.form("similar", border=False):
        draft = st.text_area(texts.SIMILAR_LABEL, key="draft", height=160,
                             max_chars=page_state.MAX_QUERY_CHARS * 5,
                             placeholder="Dán đoạn văn của bản thảo vào đây")
        st.form_submit_button(texts.SIMILAR_BUTTON, type="primary")
    return draft


def show_similar(result: SimilarResult) -> None:
    st.markdown(texts.DIFF_LEGEND, unsafe_allow_html=True)   # a constant, no data in it
    if result.weak:
        st.warning(texts.WEAK)
    for plan in result.plans:
        with st.container(border=True):
            html_block(html.escape(plan.label), texts.TITLE_STYLE)
            if not plan.passages:
                st.caption(texts.NO_SIMILAR)
            for n, sp in enumerate(plan.passages):
                if n:
                    st.divider()
                crumb = " › ".join(sp.hit.passage.section) or "Phần mở đầu"
                html_block(html.escape(crumb), texts.CRUMB_STYLE)
                html_block(diff_html(sp.diff), texts.TEXT_STYLE)     # diff_html escapes every word
                st.caption(f"Trùng {page_state.share_text(sp.shared_ratio)} từ ngữ của bản thảo")
                st.code(neutral_bidi(sp.hit.passage.citation), language=None, wrap_lines=True)


def similar_mode(searcher: Searcher, k: int, filters: Filters) -> None:
    draft = draft_box()
    if not draft.strip():
        st.info(texts.SIMILAR_HINT)
        return
    try:
        result = similar_passages(searcher, draft, filters=filters, k=k)
    except Exception:
        LOG.exception("similar passages failed")
        st.error(texts.SEARCH_FAILED)
        return
    if result.message:
        st.info(result.message)
        return
    show_similar(result)


# -- the page ------------------------------------------------------------------------------
def main() -> None:
    st.set_page_config(page_title="Tra cứu kế hoạch chính sách", page_icon="🔎", layout="wide")
    st.markdown(texts.PAGE_CSS, unsafe_allow_html=True)   # a constant, no data in it
    st.title("Tra cứu kế hoạch chính sách xã hội")
    searcher = open_searcher()
    if searcher is None:
        return
    choices = page_state.filter_choices(searcher.plans)
    init_from_url(choices)
    for key in ("q", "draft"):   # keep what was typed while the other mode's widgets are not drawn
        st.session_state[key] = st.session_state.get(key, "")
    mode = mode_selector()
    filters, k = sidebar(searcher.plans, choices)
    if mode == page_state.MODE_SIMILAR:
        sync_url(page_state.PageState(st.session_state.get("q", ""), filters, k, mode))
        similar_mode(searcher, k, filters)
        return
    query = search_box()
    sync_url(page_state.PageState(query, filters, k, mode))
    if not query.strip():
        st.info(texts.FIGURES_HINT if mode == page_state.MODE_FIGURES else texts.HINT)
        return
    if mode == page_state.MODE_FIGURES:
        show_figures(searcher, query, k, filters)
        return
    try:
        result = searcher.search(query, k=k, filters=filters)
    except Exception:
        LOG.exception("search failed for %r", query)
        st.error(texts.SEARCH_FAILED)
        return
    if result.message:
        st.info(result.message)
        return
    show_result(searcher, result)


try:
    main()
except Exception:  # st.stop / st.rerun are BaseExceptions and pass through
    LOG.exception("the page failed")
    st.error(texts.PAGE_FAILED)
