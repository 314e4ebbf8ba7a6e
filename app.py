"""The search page (streamlit run app.py): widgets only, over what search/ returns. Folders from
PLANSEARCH_INDEX / PLANSEARCH_CORPUS. Markup only around html.escape'd or highlighted text."""
from __future__ import annotations

import html
import logging
import os
import time
from pathlib import Path

import streamlit as st

from search.page import compare_section, references_section, upload_section
from indexer.index import folder as store
from indexer.models import DocumentMetadata
from indexer.structure.citation import document_label
from search.compare.figure_table import figure_table
from search.compare.similar import SimilarResult, diff_sides, similar_passages
from search.engine import Searcher
from search.page import state as page_state, texts, view
from search.page.document import document_view, tree_html
from search.page.builder import BuildStatus, ServerBuilder
from search.page.export import CSV_FILE_NAME, CSV_MIME, figures_csv, results_csv
from search.page.highlight import highlight_query, markdown_text, neutral_bidi
from search.query import Filters, QueryAnalysis
from search.results import Hit, SearchResult

INDEX_DIR = Path(os.environ.get("PLANSEARCH_INDEX", "index"))
CORPUS_DIR = Path(os.environ.get("PLANSEARCH_CORPUS", "corpus"))
MILVUS_URI = os.environ.get("PLANSEARCH_MILVUS", "")  # set: search the index on that Milvus server
LOG = logging.getLogger("plansearch.app")


@st.cache_resource(show_spinner=False)
def server_builder(index_dir: str, corpus: str) -> ServerBuilder:   # one build runner per server
    return ServerBuilder(Path(index_dir), Path(corpus))


@st.cache_resource(show_spinner=texts.LOADING, max_entries=2)
def load_searcher(index_dir: str, version: str) -> Searcher:   # once per server and index version
    return Searcher(index_dir)


@st.cache_resource(show_spinner=texts.LOADING, max_entries=2)
def load_milvus_searcher(uri: str, generation: int) -> Searcher:   # reopened when the server's index changes
    from search.milvus_source import open_milvus_searcher

    return open_milvus_searcher(uri)


def show_build(status: BuildStatus, live: bool) -> None:
    """First build: a disabled box and the shared progress; update: old index answers; failure: said once."""
    if status.running and not live:
        st.text_input(texts.QUERY_LABEL, disabled=True, placeholder=texts.BUILD_WAIT, key="q_wait")
        st.progress(status.fraction, text=view.build_title(CORPUS_DIR, status.step))
        time.sleep(1.0)
        st.rerun()
    if status.running:
        st.caption(texts.UPDATING)
    elif status.warning and st.session_state.get("_told") != status.warning:
        st.session_state["_told"] = status.warning
        st.warning(texts.STALE_INDEX.format(reason=markdown_text(status.warning)))
        st.code(status.command, language="bash")


def open_searcher() -> Searcher | None:
    try:
        if MILVUS_URI:
            from search.milvus_source import index_generation

            return load_milvus_searcher(MILVUS_URI, index_generation(MILVUS_URI))
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


def init_from_url(choices: page_state.FilterChoices) -> None:
    """First run of a session: the URL (a shared link, a reload) fills the widgets."""
    if st.session_state.get("_from_url"):
        return
    params = {key: st.query_params.get_all(key) for key in st.query_params}
    state = page_state.state_from_params(params, choices)
    dropped = page_state.dropped_filters(params, state)
    if dropped:
        st.warning(texts.DROPPED_FILTERS.format(values=markdown_text(", ".join(dropped))))
    st.session_state.update(page_state.widget_values(state), _from_url=True)


def sync_url(state: page_state.PageState) -> None:
    if (want := page_state.url_update({k: st.query_params.get_all(k) for k in st.query_params}, state)) is not None:
        st.query_params.from_dict(want)


def sidebar(documents: dict[str, DocumentMetadata], choices: page_state.FilterChoices) -> tuple[Filters, int]:
    with st.sidebar:
        st.header("Bộ lọc")
        every = dict(placeholder="Tất cả", select_all=False)   # Streamlit's "Select all" is English
        provinces = st.multiselect("Tỉnh/thành", choices.provinces, key="province", **every)
        levels = st.multiselect("Cấp", page_state.LEVELS, key="level", **every)
        years = st.multiselect("Năm", choices.years, key="year", **every)
        doc_types = st.multiselect(texts.FILTER_TYPE, choices.doc_types, key="doc_type", **every)
        docs = st.multiselect(texts.FILTER_DOCUMENT, choices.documents, key="doc",
                              format_func=lambda doc: neutral_bidi(document_label(documents[doc])), **every)
        k = st.slider("Số đoạn kết quả", page_state.K_MIN, page_state.K_MAX, key="k")
    return Filters(tuple(docs), tuple(provinces), tuple(levels), tuple(years), tuple(doc_types)), k


def search_box() -> str:
    with st.form("search", border=False, enter_to_submit=True):
        left, right = st.columns([6, 1], vertical_alignment="bottom")
        query = left.text_input(texts.QUERY_LABEL, key="q", placeholder="Ví dụ: nhà ở xã hội")
        right.form_submit_button("Tìm kiếm", type="primary", width="stretch")
    if not query.strip():   # examples while the box is empty; then the results start higher
        chips = st.container(horizontal=True, gap="small", vertical_alignment="center")
        chips.caption("Thử:")
        for i, text in enumerate(texts.EXAMPLES):
            chips.button(text, key=f"example_{i}", on_click=st.session_state.update, kwargs={"q": text})
    return query


def guarded(what: str, call, *args, **kwargs):   # None after a log line and a short message, never a traceback
    try:
        return call(*args, **kwargs)
    except Exception:
        LOG.exception("%s failed", what)
        st.error(texts.SEARCH_FAILED)
        return None


def render(result, show) -> None:   # the engine's short note when it has one, else the result
    if result is not None:
        st.info(result.message) if result.message else show(result)


def html_block(escaped: str, style: str, where=st) -> None:
    """Already escaped text in a styled block; line breaks become <br> (one HTML block)."""
    shown = neutral_bidi(escaped).replace(chr(10), "<br>")
    where.markdown(f'<div style="{style}">{shown}</div>', unsafe_allow_html=True)


@st.dialog(texts.DOCUMENT_TITLE, width="large")
def document_dialog(searcher: Searcher, hit: Hit, query: QueryAnalysis) -> None:
    """The whole document, opened at the hit's top-level section, beside its section tree."""
    doc = document_view(searcher.document_passages(hit.passage.doc), hit.passage)
    html_block(html.escape(document_label(hit.metadata)), texts.TITLE_STYLE)
    references_section.document_links(searcher, hit.passage.doc)
    tree, body = st.columns([1, 2])
    tree.markdown(tree_html(doc.tree), unsafe_allow_html=True)   # tree_html escapes every heading
    with body:
        if doc.before:
            with st.expander(texts.BEFORE_LABEL):
                for p in doc.before:
                    html_block(references_section.passage_html(searcher, p, query), texts.CONTEXT_STYLE)
        for p in doc.around:
            html_block(references_section.passage_html(searcher, p, query), texts.CURRENT_STYLE if p == doc.hit else texts.CONTEXT_STYLE)


def passage_block(searcher: Searcher, hit: Hit, query: QueryAnalysis, where: str, rank: int | None = None) -> None:
    html_block(html.escape((f"#{rank} · " if rank else "") + view.crumb(hit.passage, short=where == "grid")),
               texts.CRUMB_STYLE)
    html_block(references_section.passage_html(searcher, hit.passage, query),   # escaped, references as links
               texts.GRID_TEXT_STYLE if where == "grid" else texts.TEXT_STYLE)
    st.code(neutral_bidi(hit.passage.citation), language=None, wrap_lines=True)
    if hit.reasons:
        st.caption("Khớp theo: " + ", ".join(hit.reasons))
    st.markdown(view.copy_button(view.copy_text(hit), texts.COPY_LABEL)   # both escaped
                + view.copy_button(hit.passage.citation, texts.COPY_CITATION_LABEL), unsafe_allow_html=True)
    if st.button(texts.DOCUMENT_LABEL, key=f"doc_{where}_{hit.id}"):
        document_dialog(searcher, hit, query)
    with st.expander(texts.CONTEXT_LABEL):
        for p in searcher.section_passages(hit):
            html_block(highlight_query(p.text, query), texts.CURRENT_STYLE if p == hit.passage else texts.CONTEXT_STYLE)


def top_bar(caption: str, label: str, data: bytes, file_name: str, key: str) -> None:
    top, button = st.columns([4, 1], vertical_alignment="center")
    top.caption(caption)
    button.download_button(label, data, file_name=file_name, mime=CSV_MIME, on_click="ignore", key=key, width="stretch")


def show_result(searcher: Searcher, result: SearchResult, key: str) -> None:
    top_bar(view.result_caption(result), "Tải kết quả (CSV)", results_csv(result, searcher.document_passages),
            CSV_FILE_NAME, "download")
    if result.weak:
        st.warning(texts.WEAK)
    references_section.implementing_view(result)
    by_document, ranked = st.tabs(["Theo văn bản", "Xếp hạng chung"])
    with by_document:
        compare_section.section(result, lambda hit: passage_block(searcher, hit, result.query, "grid"), key)
    answers, others = view.split_ranked(result.hits)
    with ranked:
        for rank, hit in enumerate(answers + others, 1):
            if rank == len(answers) + 1 and answers:
                st.caption(texts.OTHERS)
            with st.container(border=True):
                html_block(html.escape(document_label(hit.metadata)), texts.TITLE_STYLE)
                passage_block(searcher, hit, result.query, "rank", rank)


def show_figures(searcher: Searcher, query: str, k: int, filters: Filters) -> None:
    if (rows := guarded("figure table", figure_table, searcher, query, k=k, filters=filters)) is None:
        return
    table = page_state.figure_display_rows(rows)
    with_figures = sum(1 for r in rows if r.figures)
    top_bar(f"{with_figures}/{len(rows)} văn bản có số liệu", "Tải bảng số liệu (CSV)", figures_csv(rows),
            texts.FIGURES_CSV_NAME, "download_figures")
    if not with_figures:
        st.info(texts.NO_FIGURES)
    st.dataframe(table, hide_index=True, width="stretch", column_config=page_state.FIGURE_COLUMNS,
                 row_height=page_state.FIGURE_ROW_PX)
    for chart in view.measure_charts(rows):   # under the table: beside it, the table's columns would not fit
        st.caption(neutral_bidi(f"{chart.measure} ({chart.unit})"))
        st.bar_chart({texts.CHART_DOCUMENT: [b.document for b in chart.bars], texts.CHART_VALUE: [b.value for b in chart.bars]},
                     x=texts.CHART_DOCUMENT, y=texts.CHART_VALUE, horizontal=True, height=60 + 40 * len(chart.bars))


def show_similar(result: SimilarResult) -> None:
    st.markdown(texts.DIFF_LEGEND, unsafe_allow_html=True)   # a constant, no data in it
    if result.weak:
        st.warning(texts.WEAK)
    for found in result.documents:   # most shared wording first
        with st.container(border=True):
            html_block(html.escape(found.label), texts.TITLE_STYLE)
            if not found.passages:
                st.caption(texts.NO_SIMILAR)
            for sp in found.passages:
                html_block(html.escape(view.crumb(sp.hit.passage)), texts.CRUMB_STYLE)
                for col, escaped in zip(st.columns(2), diff_sides(sp.diff)):   # diff_sides escapes every word
                    html_block(escaped, texts.TEXT_STYLE, col)
                st.caption(f"Trùng {page_state.share_text(sp.shared_ratio)} từ ngữ của bản thảo")
                st.code(neutral_bidi(sp.hit.passage.citation), language=None, wrap_lines=True)


def similar_mode(searcher: Searcher, k: int, filters: Filters) -> None:
    with st.form("similar", border=False):
        draft = st.text_area(texts.SIMILAR_LABEL, key="draft", height=160, max_chars=page_state.MAX_QUERY_CHARS * 5,
                             placeholder="Dán đoạn văn của bản thảo vào đây")
        st.form_submit_button(texts.SIMILAR_BUTTON, type="primary")
    if not draft.strip() or view.draft_too_short(draft):
        st.info(texts.SIMILAR_SHORT if draft.strip() else texts.SIMILAR_HINT)
        return
    render(guarded("similar passages", similar_passages, searcher, draft, filters=filters, k=k), show_similar)


def main() -> None:
    st.set_page_config(page_title="Tra cứu văn bản chính sách", page_icon="🔎", layout="wide")
    st.markdown(texts.PAGE_CSS, unsafe_allow_html=True)   # constants, no data in them
    st.html(texts.COPY_SCRIPT, unsafe_allow_javascript=True)
    st.title("Tra cứu văn bản chính sách: kế hoạch, luật, nghị định, quyết định")
    if not MILVUS_URI:
        upload_section.section(CORPUS_DIR, server_builder(str(INDEX_DIR), str(CORPUS_DIR)))
    searcher = open_searcher()
    if searcher is None:
        return
    choices = page_state.filter_choices(searcher.documents)
    init_from_url(choices)
    for key in ("q", "draft"):   # keep what was typed while the other mode's widgets are not drawn
        st.session_state[key] = st.session_state.get(key, "")
    mode = st.radio("Chế độ", list(page_state.MODES), key="mode", horizontal=True,
                    format_func=page_state.MODES.get, label_visibility="collapsed")
    filters, k = sidebar(searcher.documents, choices)
    if mode == page_state.MODE_SIMILAR:
        sync_url(page_state.PageState(st.session_state.get("draft", ""), filters, k, mode))
        similar_mode(searcher, k, filters)
        return
    query = search_box()
    if (opened := references_section.hit_to_open(searcher)) is not None:   # a link to a cited article
        document_dialog(searcher, opened, searcher.analyze(query))
    sync_url(state := page_state.PageState(query, filters, k, mode))
    if not query.strip():
        st.info(texts.FIGURES_HINT if mode == page_state.MODE_FIGURES else texts.HINT)
        return
    if mode == page_state.MODE_FIGURES:
        show_figures(searcher, query, k, filters)
        return
    render(guarded("search", searcher.search, query, k=k, filters=filters), lambda r: show_result(searcher, r, page_state.search_key(state)))


try:
    main()
except Exception:  # st.stop / st.rerun are BaseExceptions and pass through
    LOG.exception("the page failed")
    st.error(texts.PAGE_FAILED)
