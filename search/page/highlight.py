"""HTML-safe highlighting of the words a hit matched."""
from __future__ import annotations

import html
import re

from search.phrases import analysis_terms, find_matches
from search.query import QueryAnalysis


def highlight_html(text: str, terms: tuple[str, ...]) -> str:
    """Escape text, then wrap each whole-word occurrence of a term in <mark>. Terms are matched
    on the raw text and escaped with it, so neither can inject markup."""
    if not terms:
        return html.escape(text)
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)) + r")(?!\w)")
    out, pos = [], 0
    for m in pattern.finditer(text):
        out.append(html.escape(text[pos:m.start()]))
        out.append("<mark>" + html.escape(m.group(0)) + "</mark>")
        pos = m.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)


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
