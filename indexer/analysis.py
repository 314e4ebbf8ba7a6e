"""The ONE text pipeline shared by indexing and querying: tokens for the lexical fields and
document numbers. Passages and queries both go through `analyze`.

Fields:
- words: underthesea word segmentation of the normalised text ("nhà_ở", "xã_hội"), plus the
  syllables of each compound word so that a partial phrase still matches, plus syllable bigrams
  ("ở_xã") so that passages keeping the query's word order rank higher;
- folded: accent-folded syllables and syllable bigrams ("nha", "nha_o"), so that a query typed
  without diacritics matches (bigrams restore some of the precision folding loses).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .textnorm import fold_accents, normalize_for_matching

_WORD_RE = re.compile(r"\w+")
_DOC_NUMBER_RE = re.compile(
    r"(?<![\w/])(?P<num>\d{1,5})(?:/(?P<year>(?:19|20)\d\d))?\s?[-/]\s?(?P<a>[^\W\d_]{1,6})"
    r"\s?[-/]\s?(?P<b>[^\W\d_]{1,8})(?:-(?P<c>[^\W\d_]{1,8}))?(?![\w])")
# Function words that carry no topic; kept out of the lexical fields.
STOPWORDS = frozenset(
    "và của các cho với trong theo về là được có những này đó để tại từ đến trên một khi "
    "thì mà hoặc như nhằm đã sẽ đang bị do vào ra lên nên còn cũng rất".split())
PIPELINE_VERSION = 3


@dataclass(frozen=True)
class Analysis:
    words: tuple[str, ...]
    folded: tuple[str, ...]
    doc_numbers: tuple[str, ...]


def document_numbers(text: str) -> tuple[str, ...]:
    """Canonical document numbers found in text: '42-NQ/TW' -> '42/NQ/TW', 'Nghị định
    20/2021/NĐ-CP' -> '20/2021/ND/CP' (accent-folded, upper case, one separator)."""
    found = []
    for m in _DOC_NUMBER_RE.finditer(text):
        parts = [m.group("num"), m.group("year"), m.group("a"), m.group("b"), m.group("c")]
        canon = fold_accents("/".join(p for p in parts if p)).upper()
        if canon not in found:
            found.append(canon)
    return tuple(found)


# underthesea imports these optional pipelines at start-up when PyTorch is installed (3+ s);
# we use only word and sentence tokenisation. underthesea skips an optional module whose import
# fails, and a None entry in sys.modules makes the import fail.
_UNUSED_UNDERTHESEA = ("classification", "sentiment", "lang_detect", "dependency_parse", "translate")


@lru_cache(maxsize=1)
def underthesea():
    """The underthesea package, imported once, lazily (0.7 s), without its heavy optional parts."""
    import sys

    for name in _UNUSED_UNDERTHESEA:
        sys.modules.setdefault(f"underthesea.pipeline.{name}", None)
    sys.modules.setdefault("underthesea.agent", None)
    sys.modules.setdefault("underthesea.address", None)
    import underthesea as package

    return package


@lru_cache(maxsize=4096)
def _segment(normalised: str) -> tuple[str, ...]:
    tokens = underthesea().word_tokenize(normalised) if normalised else []
    return tuple(t.replace(" ", "_") for t in tokens if _WORD_RE.search(t))


def word_tokens(text: str) -> tuple[str, ...]:
    normalised = normalize_for_matching(text)
    out = []
    for word in _segment(normalised):
        if word in STOPWORDS:
            continue
        out.append(word)
        if "_" in word:
            out.extend(s for s in word.split("_") if s not in STOPWORDS)
    syllables = _WORD_RE.findall(normalised)
    out.extend(f"{a}~{b}" for a, b in zip(syllables, syllables[1:]))
    return tuple(out)


def folded_tokens(text: str) -> tuple[str, ...]:
    syllables = _WORD_RE.findall(fold_accents(normalize_for_matching(text)))
    bigrams = [f"{a}_{b}" for a, b in zip(syllables, syllables[1:])]
    return tuple(syllables + bigrams)


def analyze(text: str) -> Analysis:
    return Analysis(word_tokens(text), folded_tokens(text), document_numbers(text))
