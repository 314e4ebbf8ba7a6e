"""What a search returns: frozen records the CLI and the page only render."""
from __future__ import annotations

from dataclasses import dataclass, field

from indexer.models import Passage, PlanMetadata

from search.query import QueryAnalysis


@dataclass(frozen=True)
class Hit:
    id: int                           # row of the passage in the index
    passage: Passage
    plan: PlanMetadata | None         # None only when the index lacks the plan's record
    score: float                      # fused score, higher is better; comparable within one search
    matched_terms: tuple[str, ...] = ()  # surface words of the passage to highlight
    reasons: tuple[str, ...] = ()        # "số hiệu", "từ khóa", "ngữ nghĩa"
    answers: bool = False                # it matches (see Searcher._relevant); else only the closest


@dataclass(frozen=True)
class PlanGroup:
    doc: str
    plan: PlanMetadata
    hits: tuple[Hit, ...]             # best passages of this plan, best first; empty = nothing relevant


@dataclass(frozen=True)
class SearchResult:
    query: QueryAnalysis
    hits: tuple[Hit, ...]
    groups: tuple[PlanGroup, ...] = ()
    weak: bool = False                # no passage answers the query; hits are the closest anyway
    seconds: float = 0.0
    message: str = ""                 # a short note for the user (Vietnamese), e.g. empty query
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage of the search

    @property
    def relevant_groups(self) -> tuple[PlanGroup, ...]:
        """The plans with a passage that answers the query (what "N/M kế hoạch" counts)."""
        return tuple(g for g in self.groups if any(h.answers for h in g.hits))
