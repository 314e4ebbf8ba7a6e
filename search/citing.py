"""References both ways, over the passages of an index: what a text names ("Điều 18 Luật An ninh
mạng", "khoản 2 điều 5 luat du lich", "42-NQ/TW") as a target, which passages cite a target
(an article cited as a whole also counts the passages citing one of its clauses or points), and
where a named article of a corpus document sits (its passages, clause by clause)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

from indexer.models import DocumentMetadata, Passage, Reference, Target
from indexer.references.extract import extract
from indexer.references.outline import line_places, passage_article
from indexer.references.resolve import Catalog, by_document, catalog_of, resolve
from indexer.text import document_numbers, fold_accents, normalize_for_matching

from search.units import document_names, named_documents

# "khoản 2 điều 5", "diem a khoan 1 dieu 18" (accents optional), in a query
_PARTS_RE = re.compile(r"(?:(?:điểm|diem)\s+(?P<point>[a-zđ])\s+)?(?:(?:khoản|khoan)\s+(?P<clause>\d{1,2})\s+)?"
                       r"(?:điều|dieu)\s+(?P<article>\d{1,3}[a-zđ]?)(?!\w)")


@dataclass(frozen=True)
class Citing:
    """Who cites what in one index (built once per searcher, on first use)."""
    catalog: Catalog
    names: dict[str, tuple[str, ...]]            # doc -> folded name ("luat", "du", "lich")
    cited_by: dict[tuple, tuple[int, ...]]       # target key (and every coarser key) -> passage rows
    articles: dict[tuple[str, str], tuple[int, ...]]   # (doc, article) -> its passage rows, in order
    clauses: dict[int, frozenset[str]]           # passage row -> the clauses it holds (inside an article)


def build_citing(passages: Sequence[Passage], documents: Mapping[str, DocumentMetadata]) -> Citing:
    outlines, articles, clauses = {}, {}, {}
    for doc, rows in by_document(passages).items():
        marks, outlines[doc] = line_places([passages[i] for i in rows])
        for i, lines in zip(rows, marks):
            places = [place for _, place in lines if place.article]
            if places:
                articles.setdefault((doc, places[0].article), []).append(i)
                clauses[i] = frozenset(place.clause for place in places if place.clause)
    cited: dict[tuple, list[int]] = {}
    for i, p in enumerate(passages):
        for key in {k for r in p.references if r.target and not _inside(r.target, p) for k in coarser_keys(r.target)}:
            if key[1] != p.doc or len(key) > 2:   # a document as a whole is not cited by its own text
                cited.setdefault(key, []).append(i)
    return Citing(catalog_of(documents, outlines), document_names(documents),
                  {k: tuple(v) for k, v in cited.items()}, {k: tuple(v) for k, v in articles.items()}, clauses)


def _inside(target: Target, passage: Passage) -> bool:
    """The target is the article the passage sits in, or a part of it ("khoản 2 Điều này")."""
    return target.doc == passage.doc and bool(target.article) and target.article == passage_article(passage)


def target_key(target: Target) -> tuple:
    """ ("doc", FILE, "18", "1", "a") or ("external", KEY, "18"), down to the finest part named."""
    parts = [p for p in (target.article, target.clause, target.point)]
    while parts and not parts[-1]:
        parts.pop()
    head = ("external", target.external) if target.external else ("doc", target.doc)
    return head + tuple(parts)


def coarser_keys(target: Target) -> list[tuple]:
    """The target's key and every coarser one: a passage citing khoản 1 Điều 18 cites Điều 18."""
    key = target_key(target)
    return [key[:n] for n in range(2, len(key) + 1)]


def parse_target(text: str, citing: Citing) -> Target | None:
    """The target a text names: a document of the corpus, maybe down to its point, or one outside
    it by number or title; None when it names no document."""
    for ref in extract(text, titles=citing.catalog.title_keys()):
        if ref.number or ref.title:
            return resolve(ref, "", citing.catalog)
    return _parse_plain(text, citing)


def _parse_plain(text: str, citing: Citing) -> Target | None:
    """A target typed without accents or capitals: "khoan 2 dieu 5 luat du lich", "42-nq/tw"."""
    norm = normalize_for_matching(text)
    m = _PARTS_RE.search(norm)
    parts = (m.group("article"), m.group("clause") or "", m.group("point") or "") if m else ("", "", "")
    numbers = document_numbers(text.upper())
    if numbers:
        ref = Reference(text, 0, len(text), number=numbers[0], article=parts[0], clause=parts[1], point=parts[2])
        return resolve(ref, "", citing.catalog)
    named = sorted(named_documents(fold_accents(norm), citing.names), key=lambda d: -len(citing.names[d]))
    if not named:
        return None
    article, clause, point = citing.catalog.outlines[named[0]].present(*parts) if named[0] in citing.catalog.outlines else ("", "", "")
    return Target(named[0], article, clause, point)


def citing_rows(target: Target, citing: Citing) -> tuple[int, ...]:
    """The passages citing the target or a part of it, in index order."""
    return citing.cited_by.get(target_key(target), ())


def article_rows(target: Target, citing: Citing) -> tuple[int, ...]:
    """The passages of the article a target names (those holding its clause first), () when it
    names no article of a corpus document."""
    rows = citing.articles.get((target.doc, target.article), ()) if target.doc and target.article else ()
    if target.clause:
        rows = tuple(sorted(rows, key=lambda i: target.clause not in citing.clauses.get(i, ())))
    return rows


def named_article(query: str, citing: Callable[[], Citing]) -> tuple[int, ...]:
    """The passages of the article a query names ("Điều 18 Luật An ninh mạng"), best first; ()
    when it names none. citing is asked for only when the query says "điều N"."""
    if not _PARTS_RE.search(normalize_for_matching(query)):
        return ()
    target = parse_target(query, citing())
    return article_rows(target, citing()) if target is not None else ()


def lead_with(ranked: Sequence[tuple[int, float]], rows: Sequence[int]) -> list[tuple[int, float]]:
    """The ranked list with rows first (in their order), scored above every other entry."""
    if not rows:
        return list(ranked)
    top = max((s for _, s in ranked), default=0.0)
    first = [(i, top + 1.0 + (len(rows) - n) * 1e-6) for n, i in enumerate(rows)]
    return first + [(i, s) for i, s in ranked if i not in set(rows)]
