"""Legal documents as users search them: the article is the unit of an answer, and a question
that names a law ("theo quy định của Luật Du lịch…") points at that law.

- one_per_article: a long article is cut into pieces (khoản, điểm); a ranked list keeps the
  best piece of each article, so that ten results are ten articles, not four pieces of one.
  Passages outside any article (a plan's sections, preambles) are units of their own.
- named_documents: the documents of the index a query names by their title ("Luật Du lịch",
  "Hiến pháp"), compared as accent-folded syllables; the Searcher searches only them. Documents
  cited by number are found by the document-number rule instead.
"""
from __future__ import annotations

from typing import Mapping, Sequence

from indexer.models import DocumentMetadata, Passage
from indexer.structure.headings import ARTICLE_RE
from indexer.text import folded_syllables

# document types that are named by their title rather than by a number
TITLED_TYPES = ("Hiến pháp", "Bộ luật", "Luật", "Pháp lệnh")


def article_key(passage: Passage) -> tuple | None:
    """(document, heading path down to the article) of a passage inside an article, else None."""
    for depth, title in enumerate(passage.section, 1):
        if ARTICLE_RE.match(title):
            return passage.doc, passage.section[:depth]
    return None


def one_per_article(fused: Sequence[tuple[int, float]], passages: Sequence[Passage]) -> list[tuple[int, float]]:
    """The ranked list with only the best-ranked piece of each article."""
    seen: set[tuple] = set()
    out = []
    for i, score in fused:
        key = article_key(passages[i])
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        out.append((i, score))
    return out


def document_names(documents: Mapping[str, DocumentMetadata]) -> dict[str, tuple[str, ...]]:
    """doc -> the folded syllables of the name a user types for it ("luat", "du", "lich")."""
    out = {}
    for doc, meta in documents.items():
        if meta.doc_type in TITLED_TYPES:
            name = folded_syllables(f"{meta.doc_type} {meta.title}")
            if len(name) >= 2:
                out[doc] = tuple(name)
    return out


def named_documents(query: str, names: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The documents whose whole name occurs in the query, as consecutive folded syllables."""
    said = folded_syllables(query)
    found = []
    for doc, name in names.items():
        n = len(name)
        if any(tuple(said[i:i + n]) == name for i in range(len(said) - n + 1)):
            found.append(doc)
    return tuple(found)
