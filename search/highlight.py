"""Which words of a passage to highlight for a query, and HTML-safe highlighting."""
from __future__ import annotations

import html
import re
from functools import lru_cache

from indexer.analysis import STOPWORDS
from indexer.textnorm import fold_accents, normalize_for_matching

from .models import QueryAnalysis

_WORD_RE = re.compile(r"\w+")


@lru_cache(maxsize=65536)
def _word_forms(word: str) -> tuple[str, str]:
    """(normalised, accent-folded) form of one word; the vocabulary is small, so cached."""
    norm = normalize_for_matching(word)
    return norm, fold_accents(norm)


def matched_terms(text: str, analysis: QueryAnalysis) -> tuple[str, ...]:
    """Distinct words of text (as written there) that the query asked for: same syllable, or the
    same syllable without diacritics when the query had none."""
    wanted = {s for w in analysis.words for s in w.split("_")} - STOPWORDS
    folded = {t for t in analysis.folded if "_" not in t} if analysis.kind == "noaccent" else set()
    out: list[str] = []
    for word in _WORD_RE.findall(text):
        norm, bare = _word_forms(word)
        if norm in STOPWORDS or (len(norm) < 2 and not norm.isdigit()):
            continue
        if (norm in wanted or (folded and bare in folded)) and word not in out:
            out.append(word)
    return tuple(out)


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
