"""The page's reference widgets, called by app.py: a passage's text with its references as links,
the document view's "Văn bản này dẫn chiếu" / "Được dẫn chiếu bởi" lists, opening a document at
a cited article from a link, and results grouped by the higher document the plans implement.
What to show is decided in search/page/links.py; this module only draws it."""
from __future__ import annotations

import html

import streamlit as st

from indexer.models import Passage, Target
from search.citing import article_rows
from search.page import links, texts
from search.page.highlight import highlight_query, neutral_bidi
from search.query import QueryAnalysis
from search.results import Hit, SearchResult


def _params() -> dict[str, list[str]]:
    """The page's URL parameters now, less a document opened by an earlier link."""
    return {k: st.query_params.get_all(k) for k in st.query_params if k not in (links.OPEN_PARAM, links.ARTICLE_PARAM)}


def cited_passages(searcher, target: Target) -> list[Passage]:
    """What an in-corpus target shows in place: the cited clause's passage, the article's passages,
    or the document's first passage."""
    rows = article_rows(target, searcher.citing)
    if rows:
        return [searcher.passages[rows[0]]] if target.clause else [searcher.passages[i] for i in rows]
    return list(searcher.document_passages(target.doc)[:1])


def passage_html(searcher, passage: Passage, query: QueryAnalysis) -> str:
    """The passage's text, highlighted, with every reference a link that opens what it cites."""
    params = _params()

    def cited(target: Target) -> str:
        if target.external:
            return links.external_html(target, params)
        return links.cited_article_html(target, cited_passages(searcher, target), params)

    return links.passage_html(passage, lambda text: highlight_query(text, query), cited)


def hit_to_open(searcher) -> Hit | None:
    """The passage a link asked to open the whole document at (?open=FILE&art=18), once."""
    doc = st.query_params.get(links.OPEN_PARAM)
    if not doc or doc not in searcher.documents or st.session_state.get("_opened") == st.query_params.to_dict():
        return None
    st.session_state["_opened"] = st.query_params.to_dict()
    article = st.query_params.get(links.ARTICLE_PARAM, "")
    rows = article_rows(Target(doc, article), searcher.citing) if article else ()
    passage = searcher.passages[rows[0]] if rows else searcher.document_passages(doc)[0]
    return Hit(searcher.passage_id(passage), passage, searcher.documents[doc], 0.0)


def document_links(searcher, doc: str) -> None:
    """What the document cites and what cites it, with counts (in the document view)."""
    out = links.outgoing(searcher.document_passages(doc), searcher.documents)
    rows = searcher.citing.cited_by.get(("doc", doc), ())
    into = links.incoming(rows, searcher.passages, searcher.documents, doc)
    for label, found, unit in ((texts.CITES_LABEL, out, texts.REF_TIMES), (texts.CITED_BY_LABEL, into, texts.REF_PASSAGES)):
        with st.expander(label.format(n=len(found))):
            if not found:
                st.caption(texts.NO_LINKS)
            lines = [f"<li>{html.escape(neutral_bidi(lc.label))} — {unit.format(n=lc.count)}</li>" for lc in found]
            st.markdown(f"<ul>{''.join(lines)}</ul>", unsafe_allow_html=True)


def implementing_view(result: SearchResult) -> None:
    """The result's documents grouped by the higher document they implement, when two or more do."""
    found = links.implementing(result.groups)
    if not found or not st.toggle(texts.GROUP_BY_HIGHER, key="by_higher"):
        return
    for imp in found:
        with st.expander(imp.title, expanded=True):
            items = []
            for g in imp.groups:
                best = f" — {html.escape(g.hits[0].passage.citation)}" if g.hits else ""
                items.append(f"<li>{html.escape(neutral_bidi(links.document_label(g.metadata)))}{best}</li>")
            st.markdown(f"<ul>{''.join(items)}</ul>", unsafe_allow_html=True)
