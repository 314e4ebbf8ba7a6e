"""Where each line of a document stands inside its articles: the article (Điều), clause (khoản)
and point (điểm) it belongs to; and, per document, which articles, clauses and points exist.

Read from the passages of one document in order (they are verbatim slices of its text and cover
its body), so that the index folder and the Milvus path, which both hold passages, read the same
outline. The article is the one the passage's section path names; clauses and points are the
lines "1. ..." and "a) ..." inside it."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from indexer.models import Passage
from indexer.structure.headings import ARTICLE_RE, CLAUSE_RE, POINT_RE
from indexer.text import strip_markup


@dataclass(frozen=True)
class Place:
    """The article, clause and point a line sits in ("" where none)."""
    article: str = ""
    clause: str = ""
    point: str = ""


@dataclass
class Outline:
    """article -> clause -> points of one document ("" clause: points directly under the article)."""
    articles: dict[str, dict[str, set[str]]] = field(default_factory=dict)

    def add(self, place: Place) -> None:
        if not place.article:
            return
        clauses = self.articles.setdefault(place.article, {})
        points = clauses.setdefault(place.clause, set()) if place.clause or place.point else None
        if points is not None and place.point:
            points.add(place.point)

    def present(self, article: str, clause: str = "", point: str = "") -> tuple[str, str, str]:
        """The named parts that exist, from the top: ("18", "1", "") when Điều 18 has a khoản 1
        but no điểm of that name; ("", "", "") when the article does not exist."""
        clauses = self.articles.get(article)
        if not article or clauses is None:
            return "", "", ""
        if clause and clause not in clauses:
            return article, "", ""
        if point and point not in clauses.get(clause, ()):
            return article, clause, ""
        return article, clause, point


def passage_article(passage: Passage) -> str:
    """The label of the article a passage sits in ("18"), "" outside any article."""
    for title in reversed(passage.section):
        m = ARTICLE_RE.match(title)
        if m:
            return m.group("label")
    return ""


def line_places(passages: Sequence[Passage]) -> tuple[list[list[tuple[int, Place]]], Outline]:
    """For each passage of one document (in document order), (offset in its text, place) at the
    start of each line; and the document's outline."""
    outline = Outline()
    out: list[list[tuple[int, Place]]] = []
    place = Place()
    for passage in passages:
        article = passage_article(passage)
        if article != place.article:
            place = Place(article)
        marks = []
        for offset, line in _lines(passage.text):
            place = _next_place(place, strip_markup(line[:16]))
            marks.append((offset, place))
            outline.add(place)
        out.append(marks)
    return out, outline


def _lines(text: str) -> Iterable[tuple[int, str]]:
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


_ARTICLE_LINE_RE = re.compile(r"^Điều\s+\d{1,3}[a-zđ]?\.")


def _next_place(place: Place, head: str) -> Place:
    """The place of a line that starts with head (its first characters, markup stripped)."""
    if not place.article or _ARTICLE_LINE_RE.match(head):
        return Place(place.article)
    m = CLAUSE_RE.match(head)
    if m:
        return Place(place.article, m.group("label"))
    m = POINT_RE.match(head)
    if m:
        return Place(place.article, place.clause, m.group("label"))
    return place


def place_at(marks: Sequence[tuple[int, Place]], offset: int) -> Place:
    """The place of the line holding offset (marks as line_places gives them)."""
    i = bisect.bisect_right([start for start, _ in marks], offset)
    return marks[i - 1][1] if i else Place()
