"""HTML-safe highlighting of the words a hit matched."""
from __future__ import annotations

import html
import re

# Bidirectional controls (embeddings, overrides, isolates, marks): in a passage they would
# reorder the text shown around them. Removed from what is displayed, never from stored text.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def neutral_bidi(text: str) -> str:
    """text without bidirectional control characters (for display only)."""
    return _BIDI.sub("", text)


def display_escape(text: str) -> str:
    """HTML-escaped text for display, bidirectional controls removed."""
    return html.escape(neutral_bidi(text))


def highlight_html(text: str, terms: tuple[str, ...]) -> str:
    """Escape text, then wrap each whole-word occurrence of a term in <mark>. Terms are matched
    on the raw text and escaped with it, so neither can inject markup."""
    text = neutral_bidi(text)
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
