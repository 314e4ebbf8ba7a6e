"""HTML-safe highlighting of the query's whole words, phrases and document numbers in a text
(search.phrases decides what matches; this only escapes and marks)."""
from __future__ import annotations

import html

from search.phrases import analysis_terms, find_matches
from search.query import QueryAnalysis


def highlight_query(text: str, analysis: QueryAnalysis) -> str:
    """Escape text and mark the query's whole words, phrases and document numbers in it
    (accent-insensitive for a query typed without diacritics): any passage, not only a hit."""
    out, pos = [], 0
    for m in find_matches(text, analysis_terms(analysis)):
        if m.start < pos:
            continue
        out.append(html.escape(text[pos:m.start]))
        out.append("<mark>" + html.escape(text[m.start:m.end]) + "</mark>")
        pos = m.end
    out.append(html.escape(text[pos:]))
    return "".join(out)
