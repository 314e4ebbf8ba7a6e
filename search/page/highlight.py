"""HTML-safe highlighting of the words a hit matched."""
from __future__ import annotations

import html
import re


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
