"""The page's "Theo văn bản" tab, Streamlit widgets only, called by app.py: type facets with counts,
a selector of the documents put side by side (a few per row), each one's best passage on the
first row, and every other answering document one click away in a compact list. What to show is
decided in search/page/compare.py."""
from __future__ import annotations

import html
from typing import Callable

import streamlit as st

from indexer.structure.citation import document_label
from search.page import compare, texts
from search.page.highlight import highlight_query, neutral_bidi
from search.page.state import document_facts
from search.page.view import crumb
from search.results import DocumentGroup, Hit, SearchResult

ShowPassage = Callable[[Hit], None]     # draws one passage block (app.passage_block) in the current container


def block(escaped: str, style: str, where=st) -> None:
    """Already escaped text in a styled block (one HTML block)."""
    where.markdown(f'<div style="{style}">{neutral_bidi(escaped).replace(chr(10), "<br>")}</div>',
                   unsafe_allow_html=True)


def section(result: SearchResult, show: ShowPassage, key: str) -> None:
    """key: changes with every search, so the widgets start from their defaults on a new one."""
    found = compare.answering(result)
    if not found:
        st.info(texts.NOTHING_ANSWERS)
        return
    facets = compare.facets(result)
    labels = {f.doc_type: f.label for f in facets}
    types = st.pills(texts.FACETS_LABEL, [f.doc_type for f in facets], selection_mode="multi",
                     format_func=labels.get, key=f"types_{key}") if len(facets) > 1 else []
    shown = compare.in_types(found, types)
    names = {g.doc: neutral_bidi(document_label(g.metadata)) for g in shown}
    chosen = st.multiselect(texts.SIDE_BY_SIDE_LABEL.format(count=len(shown)), list(names),
                            default=compare.default_choice(shown), format_func=names.get,
                            max_selections=compare.MAX_SIDE_BY_SIDE, key=f"chosen_{key}_{'|'.join(types)}",
                            placeholder=texts.SIDE_BY_SIDE_HINT)
    with st.container(key="compare"):
        for band in compare.bands(shown, chosen):
            draw_band(band, show)
    rest = compare.others(shown, chosen)
    if rest:
        st.caption(texts.OTHER_DOCUMENTS.format(count=len(rest)))
        with st.container(key="others"):
            for group in rest:
                compact(group, result)


def draw_band(band: compare.Band, show: ShowPassage) -> None:
    """Titles, then each document's best passage on one row, then the rest aligned by part."""
    width = compare.PER_ROW
    for col, column in zip(st.columns(width, gap="small"), band.columns):
        block(html.escape(document_label(column.group.metadata)), texts.TITLE_STYLE, col)
        block(html.escape(document_facts(column.group.metadata)), texts.CRUMB_STYLE, col)
    for col, column in zip(st.columns(width, gap="small"), band.columns):
        with col.container(border=True):
            show(column.best)
    for row in band.rows:
        st.caption(row.topic)
        for col, hits in zip(st.columns(width, gap="small"), row.cells):
            for hit in hits:
                with col.container(border=True):
                    show(hit)


def compact(group: DocumentGroup, result: SearchResult) -> None:
    """One line per document (its label and where its best passage stands); open: its passages."""
    title = f"{document_label(group.metadata)} · {crumb(group.hits[0].passage)}"
    if len(title) > 180:   # one or two lines: the rest of the path is inside
        title = title[:179].rsplit(" ", 1)[0] + "…"
    with st.expander(neutral_bidi(title)):
        for hit in group.hits:
            block(html.escape(crumb(hit.passage)), texts.CRUMB_STYLE)
            block(highlight_query(hit.passage.text, result.query), texts.TEXT_STYLE)
            st.code(neutral_bidi(hit.passage.citation), language=None, wrap_lines=True)
