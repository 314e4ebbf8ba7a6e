"""What a search returns: frozen records the CLI and the page only render."""
from __future__ import annotations

from dataclasses import dataclass, field

from indexer.models import Passage, PlanMetadata


@dataclass(frozen=True)
class Filters:
    plans: tuple[str, ...] = ()      # corpus file names
    provinces: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()     # "tỉnh" | "huyện" | "xã"
    years: tuple[int, ...] = ()

    def accepts(self, doc: str, plan: PlanMetadata) -> bool:
        return ((not self.plans or doc in self.plans)
                and (not self.provinces or plan.province in self.provinces)
                and (not self.levels or plan.level in self.levels)
                and (not self.years or plan.year in self.years))

    def is_empty(self) -> bool:
        return not (self.plans or self.provinces or self.levels or self.years)


@dataclass(frozen=True)
class QueryAnalysis:
    text: str
    kind: str                         # "vietnamese" | "noaccent" | "english" | "reference"
    doc_numbers: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    folded: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hit:
    id: int                           # row of the passage in the index
    passage: Passage
    plan: PlanMetadata
    score: float                      # fused score, higher is better; comparable within one search
    matched_terms: tuple[str, ...] = ()  # surface words of the passage to highlight
    reasons: tuple[str, ...] = ()        # "số hiệu", "từ khóa", "ngữ nghĩa"


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
    weak: bool = False                # no passage matched well; hits are the closest anyway
    seconds: float = 0.0
    message: str = ""                 # a short note for the user (Vietnamese), e.g. empty query
    extra: dict = field(default_factory=dict)
