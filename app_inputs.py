"""The page's input widgets: mode selector, filters in the sidebar, search box with examples."""
from __future__ import annotations

import streamlit as st

from indexer.models import PlanMetadata
from indexer.structure.citation import plan_label
from search.page import state as page_state, texts
from search.query import Filters


def sidebar(plans: dict[str, PlanMetadata], choices: page_state.FilterChoices) -> tuple[Filters, int]:
    with st.sidebar:
        st.header("Bộ lọc")
        every = dict(placeholder="Tất cả", select_all=False)   # Streamlit's "Select all" is English
        provinces = st.multiselect("Tỉnh/thành", choices.provinces, key="province", **every)
        levels = st.multiselect("Cấp", page_state.LEVELS, key="level", **every)
        years = st.multiselect("Năm", choices.years, key="year", **every)
        doc_types = st.multiselect(texts.FILTER_TYPE, choices.doc_types, key="doc_type", **every)
        docs = st.multiselect(texts.FILTER_DOCUMENT, choices.plans, key="plan",
                              format_func=lambda doc: plan_label(plans[doc]), **every)
        k = st.slider("Số đoạn kết quả", page_state.K_MIN, page_state.K_MAX, key="k")
    return Filters(tuple(docs), tuple(provinces), tuple(levels), tuple(years), tuple(doc_types)), k


def mode_selector() -> str:
    return st.radio("Chế độ", list(page_state.MODES), key="mode", horizontal=True,
                    format_func=page_state.MODES.get, label_visibility="collapsed")


def use_example(text: str) -> None:
    st.session_state["q"] = text


def search_box() -> str:
    with st.form("search", border=False, enter_to_submit=True):
        left, right = st.columns([6, 1], vertical_alignment="bottom")
        query = left.text_input(texts.QUERY_LABEL, key="q", placeholder="Ví dụ: nhà ở xã hội")
        right.form_submit_button("Tìm kiếm", type="primary", width="stretch")
    chips = st.container(horizontal=True, gap="small", vertical_alignment="center")
    chips.caption("Thử:")
    for i, text in enumerate(texts.EXAMPLES):
        chips.button(text, key=f"example_{i}", on_click=use_example, args=(text,))
    return query
