"""What a search returns: frozen records the CLI and the page only render."""
from __future__ import annotations

from dataclasses import dataclass, field

from indexer.models import DocumentMetadata, Passage

from search.query import QueryAnalysis


@dataclass(frozen=True)
class Hit:
    id: int                           # row of the passage in the index
    passage: Passage
    metadata: DocumentMetadata | None # None only when the index lacks the document's record
    score: float                      # fused score, higher is better; comparable within one search
    matched_terms: tuple[str, ...] = ()  # surface words of the passage to highlight
    reasons: tuple[str, ...] = ()        # "số hiệu", "từ khóa", "ngữ nghĩa"
    answers: bool = False                # it matches (see Searcher._relevant); else only the closest


@dataclass(frozen=True)
class DocumentGroup:
    doc: str
    metadata: DocumentMetadata
    hits: tuple[Hit, ...]             # best passages of this document, best first; empty = nothing relevant


@dataclass(frozen=True)
class SearchResult:
    query: QueryAnalysis
    hits: tuple[Hit, ...]
    groups: tuple[DocumentGroup, ...] = ()
    weak: bool = False                # no passage answers the query; hits are the closest anyway
    seconds: float = 0.0
    message: str = ""                 # a short note for the user (Vietnamese), e.g. empty query
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage of the search
    evidence: str = ""                # what made passages answer: number, phrase, words, content, meaning
    dense_lift: float = 0.0           # best dense cosine minus the median one (search.relevance)

    @property
    def relevant_groups(self) -> tuple[DocumentGroup, ...]:
        """The documents with a passage that answers the query (what "N/M văn bản" counts)."""
        return tuple(g for g in self.groups if any(h.answers for h in g.hits))
