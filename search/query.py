"""What the user asked: the query's text, its kind and tokens (through the one text pipeline),
and the filters that restrict the search."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Collection

from indexer.models import DocumentMetadata
from indexer.text import (document_numbers, fold_accents, folded_tokens, has_diacritics, normalize_for_matching,
                          word_tokens)

from search.question import question_content

MAX_QUERY_CHARS = 1000     # longer queries are cut (a pasted paragraph is still fine)
ENGLISH_KNOWN_RATIO = 0.5  # below this share of syllables known to the corpus, a query is English
KINDS = ("vietnamese", "noaccent", "english", "reference")
_SURROGATES = re.compile("[\ud800-\udfff]")  # undecodable argv bytes arrive as lone surrogates


@dataclass(frozen=True)
class Filters:
    documents: tuple[str, ...] = ()  # corpus file names
    provinces: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()     # "tỉnh" | "huyện" | "xã"
    years: tuple[int, ...] = ()
    doc_types: tuple[str, ...] = ()  # "Kế hoạch", "Luật", "Quyết định", ...

    def accepts(self, doc: str, meta: DocumentMetadata) -> bool:
        return ((not self.documents or doc in self.documents)
                and (not self.provinces or meta.province in self.provinces)
                and (not self.levels or meta.level in self.levels)
                and (not self.years or meta.year in self.years)
                and (not self.doc_types or meta.doc_type in self.doc_types))

    def is_empty(self) -> bool:
        return not (self.documents or self.provinces or self.levels or self.years or self.doc_types)


@dataclass(frozen=True)
class QueryAnalysis:
    text: str
    kind: str                         # one of KINDS
    doc_numbers: tuple[str, ...] = ()
    words: tuple[str, ...] = ()       # of the content (see question_content), as are folded
    folded: tuple[str, ...] = ()
    content: str = ""                 # text without its question scaffolding ("" = text)

    @property
    def ranked_text(self) -> str:
        """What the phrase signal, the query vector and the relevance rules compare."""
        return self.content or self.text


def without_surrogates(text: str) -> str:
    """text with every lone surrogate (an undecodable byte of argv or stdin) as U+FFFD."""
    return _SURROGATES.sub("\ufffd", text or "")


def clean_query(query: str) -> str:
    """One line, no lone surrogates, at most MAX_QUERY_CHARS characters."""
    return " ".join(_SURROGATES.sub("\ufffd", query or "").split())[:MAX_QUERY_CHARS]


def analyze_query(query: str, folded_vocab: Collection[str]) -> QueryAnalysis:
    """The query's kind and tokens. A query without diacritics whose syllables are mostly unknown
    to the corpus (folded_vocab) is English. Tokens are those of the question's content: its
    scaffolding ("là gì", "đúng hay sai", option letters) weighs nothing."""
    text = clean_query(query)
    numbers = document_numbers(text)
    folded = folded_tokens(text)
    syllables = [t for t in folded if "_" not in t and t.isalpha()]
    if numbers:
        kind = "reference"
    elif not has_diacritics(text) and syllables and (
            sum(s in folded_vocab for s in syllables) / len(syllables) < ENGLISH_KNOWN_RATIO):
        kind = "english"
    elif not has_diacritics(text):
        kind = "noaccent"
    else:
        kind = "vietnamese"
    if kind == "english":
        return QueryAnalysis(text, kind, numbers, (), folded)
    content = question_content(text)
    return QueryAnalysis(text, kind, numbers, word_tokens(content), folded_tokens(content),
                         content if content != text else "")


def _filter_key(value: str) -> str:
    return fold_accents(normalize_for_matching(str(value)))


def resolve_values(asked: Collection[str], known: Collection[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Filter values as typed ("thanh hoa", "TINH") -> (the known values they name, accents,
    case and spacing aside; the typed values that name none)."""
    by_key = {_filter_key(k): k for k in known}
    found: list[str] = []
    unknown: list[str] = []
    for value in asked:
        match = by_key.get(_filter_key(value))
        if match is None:
            unknown.append(value)
        elif match not in found:
            found.append(match)
    return tuple(found), tuple(unknown)
