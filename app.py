"""The search page (streamlit run app.py): widgets only, over what search/ returns. Folders from
PLANSEARCH_INDEX / PLANSEARCH_CORPUS. Markup only around html.escape'd or highlighted text."""
from __future__ import annotations

import html
import logging
import os
import threading
from pathlib import Path

import streamlit as st

import app_upload
from app_inputs import mode_selector, search_box, sidebar
from indexer.index import folder as store
from indexer.index.build import build_index, embedder_for, index_is_current
from indexer.structure.citation import plan_label
from search.compare.figure_table import figure_table
from search.compare.similar import SimilarResult, diff_sides, similar_passages
from search.engine import Searcher
from search.page import state as page_state, texts, view
from search.page.document import document_view, tree_html
from search.page.export import CSV_FILE_NAME, CSV_MIME, figures_csv, results_csv
from search.page.highlight import highlight_query
from search.query import Filters, QueryAnalysis
from search.results import Hit, SearchResult

INDEX_DIR = Path(os.environ.get("PLANSEARCH_INDEX", "index"))
CORPUS_DIR = Path(os.environ.get("PLANSEARCH_CORPUS", "corpus"))
MILVUS_URI = os.environ.get("PLANSEARCH_MILVUS", "")  # set: search the index on that Milvus server
LOG = logging.getLogger("plansearch.app")


@st.cache_resource(show_spinner=False)
def build_lock() -> threading.Lock:   # one build at a time, whichever sessions ask
    return threading.Lock()


@st.cache_resource(show_spinner=texts.LOADING, max_entries=2)
def load_searcher(index_dir: str, version: str) -> Searcher:   # once per server and index version
    return Searcher(index_dir)


@st.cache_resource(show_spinner=texts.LOADING, max_entries=2)
def load_milvus_searcher(uri: str, generation: int) -> Searcher:
    """Reopened when an update anywhere changes the index's generation on the server."""
    from search.milvus_source import open_milvus_searcher

    return open_milvus_searcher(uri)


def ensure_index() -> None:
    """When the index is missing or older than the corpus, build it with a visible progress bar."""
    if not CORPUS_DIR.is_dir() or index_is_current(INDEX_DIR, CORPUS_DIR):
        return
    with build_lock():
        if index_is_current(INDEX_DIR, CORPUS_DIR):
            return
        size = sum(f.stat().st_size for f in CORPUS_DIR.iterdir() if f.is_file())
        (box := st.empty()).text_input(texts.QUERY_LABEL, disabled=True, placeholder=texts.BUILD_WAIT, key="q_wait")
        bar = st.progress(0.0, text=(title := texts.BUILDING.format(estimate=view.build_estimate(size))))

        def report(done: float, text: str) -> None:  # the bar build_index's progress draws
            bar.progress(min(1.0, done), text=f"{title} — {text}")

        build_index(CORPUS_DIR, INDEX_DIR, embedder_for(INDEX_DIR), log=LOG.warning,
                    progress=lambda items, desc: page_state.counted(items, desc, report))
        bar.empty()
        box.empty()


def open_searcher() -> Searcher | None:
    try:
        if MILVUS_URI:
            from search.milvus_source import index_generation

            return load_milvus_searcher(MILVUS_URI, index_generation(MILVUS_URI))
        if not app_upload.updating(CORPUS_DIR, INDEX_DIR, build_lock()):   # else: search the current index
            ensure_index()
        folder = store.current_folder(INDEX_DIR)
        return load_searcher(str(INDEX_DIR), folder.name if folder else "")
    except store.IndexProblem as e:
        LOG.warning("index problem: %s", e)
        st.error(texts.INDEX_PROBLEM)
        st.code(e.command, language="bash")
    except Exception:
        LOG.exception("cannot open the index in %s", INDEX_DIR)
        st.error(texts.INDEX_FAILED)
    return None


def init_from_url(choices: page_state.FilterChoices) -> None:
    """First run of a session: the URL (a shared link, a reload) fills the widgets."""
    if st.session_state.get("_from_url"):
        return
    state = page_state.state_from_params({key: st.query_params.get_all(key) for key in st.query_params}, choices)
    f = state.filters
    draft = state.query if state.mode == page_state.MODE_SIMILAR else ""   # the draft travels as q
    st.session_state.update(q="" if draft else state.query, draft=draft, province=list(f.provinces),
                            level=list(f.levels), year=list(f.years), doc_type=list(f.doc_types),
                            plan=list(f.plans), k=state.k, mode=state.mode, _from_url=True)


def sync_url(state: page_state.PageState) -> None:
    want = page_state.params_from_state(state)
    have = {key: st.query_params.get_all(key) for key in st.query_params}
    if have != {key: v if isinstance(v, list) else [v] for key, v in want.items()}:
        st.query_params.from_dict(want)


def guarded(what: str, call, *args, **kwargs):   # None after a log line and a short message, never a traceback
    try:
        return call(*args, **kwargs)
    except Exception:
        LOG.exception("%s failed", what)
        st.error(texts.SEARCH_FAILED)
        return None


def html_block(escaped: str, style: str, where=st) -> None:
    """Already escaped text in a styled block; line breaks become <br> (one HTML block)."""
    where.markdown(f'<div style="{style}">{escaped.replace(chr(10), "<br>")}</div>', unsafe_allow_html=True)


@st.dialog(texts.DOCUMENT_TITLE, width="large")
def document_dialog(searcher: Searcher, hit: Hit, query: QueryAnalysis) -> None:
    """The whole plan, opened at the hit's top-level section, beside its section tree."""
    doc = document_view(searcher.document_passages(hit.passage.doc), hit.passage)
    html_block(html.escape(plan_label(hit.plan)), texts.TITLE_STYLE)
    tree, body = st.columns([1, 2])
    tree.markdown(tree_html(doc.tree), unsafe_allow_html=True)   # tree_html escapes every heading
    with body:
        if doc.before:
            with st.expander(texts.BEFORE_LABEL):
                for p in doc.before:
                    html_block(highlight_query(p.text, query), texts.CONTEXT_STYLE)
        for p in doc.around:
            html_block(highlight_query(p.text, query), texts.CURRENT_STYLE if p == doc.hit else texts.CONTEXT_STYLE)


def passage_block(searcher: Searcher, hit: Hit, query: QueryAnalysis, where: str, rank: int | None = None) -> None:
    html_block(html.escape((f"#{rank} · " if rank else "") + view.crumb(hit.passage)), texts.CRUMB_STYLE)
    html_block(highlight_query(hit.passage.text, query), texts.GRID_TEXT_STYLE if where == "plan" else texts.TEXT_STYLE)
    st.code(hit.passage.citation, language=None, wrap_lines=True)
    if hit.reasons:
        st.caption("Khớp theo: " + ", ".join(hit.reasons))
    st.markdown(view.copy_button(view.copy_text(hit), texts.COPY_LABEL)   # both escaped
                + view.copy_button(hit.passage.citation, texts.COPY_CITATION_LABEL), unsafe_allow_html=True)
    if st.button(texts.DOCUMENT_LABEL, key=f"doc_{where}_{hit.id}"):
        document_dialog(searcher, hit, query)
    with st.expander(texts.CONTEXT_LABEL):
        for p in searcher.section_passages(hit):
            html_block(highlight_query(p.text, query), texts.CURRENT_STYLE if p == hit.passage else texts.CONTEXT_STYLE)


def plans_side_by_side(searcher: Searcher, result: SearchResult) -> None:
    for col, group in zip(st.columns(len(groups := result.groups)), groups):
        with col:
            html_block(html.escape(plan_label(group.plan)), texts.TITLE_STYLE)
            html_block(html.escape(page_state.plan_facts(group.plan)), texts.CRUMB_STYLE)
            if not group.hits:
                st.caption(texts.NO_PASSAGE)
    for row in view.grid_rows(groups):   # one row per part of the plans (targets, tasks, ...)
        st.caption(row.topic)
        for col, hits in zip(st.columns(len(groups)), row.cells):
            for hit in hits:
                with col.container(border=True):
                    passage_block(searcher, hit, result.query, "plan")


def show_result(searcher: Searcher, result: SearchResult) -> None:
    top, button = st.columns([4, 1], vertical_alignment="center")
    top.caption(view.result_caption(result))
    button.download_button("Tải kết quả (CSV)", results_csv(result), file_name=CSV_FILE_NAME,
                           mime=CSV_MIME, on_click="ignore", key="download", width="stretch")
    if result.weak:
        st.warning(texts.WEAK)
    by_plan, ranked = st.tabs(["Theo kế hoạch", "Xếp hạng chung"])
    with by_plan:
        plans_side_by_side(searcher, result)
    answers, others = view.split_ranked(result.hits)
    with ranked:
        for rank, hit in enumerate(answers + others, 1):
            if rank == len(answers) + 1 and answers:
                st.caption(texts.OTHERS)
            with st.container(border=True):
                html_block(html.escape(plan_label(hit.plan)), texts.TITLE_STYLE)
                passage_block(searcher, hit, result.query, "rank", rank)


def show_figures(searcher: Searcher, query: str, k: int, filters: Filters) -> None:
    if (rows := guarded("figure table", figure_table, searcher, query, k=k, filters=filters)) is None:
        return
    table = page_state.figure_display_rows(rows)
    with_figures = sum(1 for r in rows if r.figures)
    top, button = st.columns([4, 1], vertical_alignment="center")
    top.caption(f"{with_figures}/{len(rows)} kế hoạch có số liệu")
    button.download_button("Tải bảng số liệu (CSV)", figures_csv(rows), file_name=texts.FIGURES_CSV_NAME,
                           mime=CSV_MIME, on_click="ignore", key="download_figures", width="stretch")
    if not with_figures:
        st.info(texts.NO_FIGURES)
    st.dataframe(table, hide_index=True, width="stretch", column_config=page_state.FIGURE_COLUMNS)
    if bars := view.chart_bars(rows):   # under the table: beside it, the table's columns would not fit
        st.bar_chart({"Kế hoạch": [b.plan for b in bars], "Số liệu": [b.value for b in bars]},
                     x="Kế hoạch", y="Số liệu", horizontal=True, height=60 + 40 * len(bars))


def draft_box() -> str:
    with st.form("similar", border=False):
        draft = st.text_area(texts.SIMILAR_LABEL, key="draft", height=160, max_chars=page_state.MAX_QUERY_CHARS * 5,
                             placeholder="Dán đoạn văn của bản thảo vào đây")
        st.form_submit_button(texts.SIMILAR_BUTTON, type="primary")
    return draft


def show_similar(result: SimilarResult) -> None:
    st.markdown(texts.DIFF_LEGEND, unsafe_allow_html=True)   # a constant, no data in it
    if result.weak:
        st.warning(texts.WEAK)
    for plan in result.plans:   # most shared wording first
        with st.container(border=True):
            html_block(html.escape(plan.label), texts.TITLE_STYLE)
            if not plan.passages:
                st.caption(texts.NO_SIMILAR)
            for sp in plan.passages:
                html_block(html.escape(view.crumb(sp.hit.passage)), texts.CRUMB_STYLE)
                for col, escaped in zip(st.columns(2), diff_sides(sp.diff)):   # diff_sides escapes every word
                    html_block(escaped, texts.TEXT_STYLE, col)
                st.caption(f"Trùng {page_state.share_text(sp.shared_ratio)} từ ngữ của bản thảo")
                st.code(sp.hit.passage.citation, language=None, wrap_lines=True)


def similar_mode(searcher: Searcher, k: int, filters: Filters) -> None:
    draft = draft_box()
    if not draft.strip() or view.draft_too_short(draft):
        st.info(texts.SIMILAR_SHORT if draft.strip() else texts.SIMILAR_HINT)
        return
    result = guarded("similar passages", similar_passages, searcher, draft, filters=filters, k=k)
    if result is not None and result.message:
        st.info(result.message)
    elif result is not None:
        show_similar(result)


def main() -> None:
    st.set_page_config(page_title="Tra cứu kế hoạch chính sách", page_icon="🔎", layout="wide")
    st.markdown(texts.PAGE_CSS, unsafe_allow_html=True)   # constants, no data in them
    st.html(texts.COPY_SCRIPT, unsafe_allow_javascript=True)
    st.title("Tra cứu kế hoạch chính sách xã hội")
    if not MILVUS_URI:
        app_upload.section(CORPUS_DIR, INDEX_DIR, build_lock())
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
        sync_url(page_state.PageState(st.session_state.get("draft", ""), filters, k, mode))
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
    result = guarded("search", searcher.search, query, k=k, filters=filters)
    if result is not None and result.message:
        st.info(result.message)
    elif result is not None:
        show_result(searcher, result)


try:
    main()
except Exception:  # st.stop / st.rerun are BaseExceptions and pass through
    LOG.exception("the page failed")
    st.error(texts.PAGE_FAILED)
