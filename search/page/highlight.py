"""HTML-safe highlighting of the query's whole words, phrases and document numbers in a text
(search.phrases decides what matches; this only escapes and marks)."""
from __future__ import annotations

import html
import re

from search.page.plain import plain_text
from search.phrases import analysis_terms, find_matches
from search.query import QueryAnalysis

# Bidirectional controls (embeddings, overrides, isolates, marks): in a passage they would
# reorder the text shown around them. Removed from what is displayed, never from stored text.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def neutral_bidi(text: str) -> str:
    """text without bidirectional control characters (for display only)."""
    return _BIDI.sub("", text)


_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def markdown_text(text: str) -> str:
    """A value from a URL or a file, for a Streamlit message that reads markdown: shown as the
    text it is (every ASCII punctuation mark backslash-escaped, so no link, image, emphasis,
    ":color[...]" directive or "$" formula; one line; bidirectional controls removed)."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", " ".join(neutral_bidi(str(text)).split()))


def display_escape(text: str) -> str:
    """HTML-escaped text for display, bidirectional controls removed."""
    return html.escape(neutral_bidi(text))


def highlight_query(text: str, analysis: QueryAnalysis) -> str:
    """Escape text and mark the query's whole words, phrases and document numbers in it
    (accent-insensitive for a query typed without diacritics): any passage, not only a hit. The
    source's markdown and LaTeX are shown as the plain text they stand for."""
    text = neutral_bidi(plain_text(text))
    out, pos = [], 0
    for m in find_matches(text, analysis_terms(analysis)):
        if m.start < pos:
            continue
        out.append(html.escape(text[pos:m.start]))
        out.append("<mark>" + html.escape(text[m.start:m.end]) + "</mark>")
        pos = m.end
    out.append(html.escape(text[pos:]))
    return "".join(out)
