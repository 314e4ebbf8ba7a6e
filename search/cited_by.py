"""`python -m search --cited-by "Điều 18 Luật An ninh mạng"`: the passages that cite a target,
grouped by document like a search (the documents citing it most first)."""
from __future__ import annotations

import time
from dataclasses import dataclass

from indexer.models import Target

from search.citing import citing_rows, parse_target
from search.query import Filters
from search.results import DocumentGroup, Hit


@dataclass(frozen=True)
class CitedBy:
    text: str
    target: Target | None            # None: the text names no document
    hits: tuple[Hit, ...]             # every passage citing the target, grouped by document
    groups: tuple[DocumentGroup, ...]
    seconds: float = 0.0


def cited_by(searcher, text: str, filters: Filters = Filters()) -> CitedBy:
    t0 = time.perf_counter()
    target = parse_target(text, searcher.citing)
    if target is None:
        return CitedBy(text, None, (), (), time.perf_counter() - t0)
    by_doc: dict[str, list[Hit]] = {}
    for i in citing_rows(target, searcher.citing):
        p = searcher.passages[i]
        meta = searcher.documents.get(p.doc)
        if meta is None or not filters.accepts(p.doc, meta):
            continue
        times = sum(1 for r in p.references if r.target and _within(r.target, target))
        by_doc.setdefault(p.doc, []).append(Hit(i, p, meta, float(times), (), ("dẫn chiếu",), True))
    groups = tuple(DocumentGroup(doc, searcher.documents[doc], tuple(hits))
                   for doc, hits in sorted(by_doc.items(), key=lambda kv: (-len(kv[1]), kv[0])))
    hits = tuple(h for g in groups for h in g.hits)
    return CitedBy(text, target, hits, groups, time.perf_counter() - t0)


def _within(cited: Target, target: Target) -> bool:
    """cited is the target or a part of it."""
    if (cited.doc, cited.external) != (target.doc, target.external):
        return False
    return all(not want or got == want for got, want in ((cited.article, target.article),
                                                         (cited.clause, target.clause), (cited.point, target.point)))
