"""The "Theo văn bản" tab for a collection of any size, decided without Streamlit: type facets
with counts, which documents sit side by side (a few per row, never narrower than
MIN_COLUMN_PX), what each column shows first (the document's best passage), and the compact list
that reaches every other answering document in one click."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from search.page.view import GridRow, grid_rows
from search.results import DocumentGroup, Hit, SearchResult

MIN_COLUMN_PX = 280       # a passage column narrower than this breaks titles one word per line
PER_ROW = 3               # columns per row: 3 x 280 px fit the main area of a 1400 px screen beside the sidebar
MAX_SIDE_BY_SIDE = 6      # documents the selector puts side by side (two rows)
UNTYPED = "Khác"          # the facet of documents whose header names no type


@dataclass(frozen=True)
class Facet:
    doc_type: str
    answering: int        # documents of this type with a passage that answers
    total: int            # documents of this type in the search's scope

    @property
    def label(self) -> str:
        return f"{self.doc_type} ({self.answering}/{self.total})"


@dataclass(frozen=True)
class Column:
    group: DocumentGroup
    best: Hit                         # the document's best answering passage: the first row's cell


@dataclass(frozen=True)
class Band:
    """One row of up to PER_ROW documents side by side: each one's best passage first, then the
    rest of their passages aligned by part of the document (targets, tasks, ...)."""
    columns: tuple[Column, ...]
    rows: tuple[GridRow, ...]


def doc_type_of(group: DocumentGroup) -> str:
    return (group.metadata.doc_type if group.metadata else "") or UNTYPED


def answering(result: SearchResult) -> tuple[DocumentGroup, ...]:
    """The documents with a passage that answers, best first (the engine's order)."""
    return tuple(g for g in result.groups if any(h.answers for h in g.hits))


def facets(result: SearchResult) -> tuple[Facet, ...]:
    """One facet per document type in scope, the types with most answering documents first."""
    total: dict[str, int] = {}
    hits: dict[str, int] = {}
    for g in result.groups:
        t = doc_type_of(g)
        total[t] = total.get(t, 0) + 1
        hits[t] = hits.get(t, 0) + (1 if any(h.answers for h in g.hits) else 0)
    return tuple(Facet(t, hits[t], total[t]) for t in sorted(total, key=lambda t: (-hits[t], -total[t], t)))


def in_types(groups: Sequence[DocumentGroup], types: Sequence[str]) -> tuple[DocumentGroup, ...]:
    """groups of the chosen types (all when none is chosen)."""
    return tuple(g for g in groups if not types or doc_type_of(g) in types)


def default_choice(groups: Sequence[DocumentGroup], n: int = PER_ROW) -> tuple[str, ...]:
    """The documents shown side by side before the user picks: the n best answering ones."""
    return tuple(g.doc for g in groups[:n])


def bands(groups: Sequence[DocumentGroup], chosen: Sequence[str], per_row: int = PER_ROW) -> tuple[Band, ...]:
    """The chosen answering documents (in the order of groups: best first), per_row to a band."""
    picked = [g for g in groups if g.doc in chosen and g.hits][:MAX_SIDE_BY_SIDE]
    out = []
    for start in range(0, len(picked), per_row):
        part = picked[start:start + per_row]
        rest = [DocumentGroup(g.doc, g.metadata, g.hits[1:]) for g in part]
        out.append(Band(tuple(Column(g, g.hits[0]) for g in part), tuple(grid_rows(rest))))
    return tuple(out)


def others(groups: Sequence[DocumentGroup], chosen: Sequence[str]) -> tuple[DocumentGroup, ...]:
    """The answering documents not side by side: the compact list, best first, one click each."""
    return tuple(g for g in groups if g.doc not in chosen and g.hits)
