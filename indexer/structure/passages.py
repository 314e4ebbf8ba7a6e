"""Cut each section of a document into passages, never across a section boundary.

A plan's section: whole paragraphs packed up to MAX_CHARS, a long paragraph split at sentence
boundaries (underthesea). A legal text's article (Điều) is the unit: a short article is one
passage, a long one is cut at its khoản, then điểm boundaries, and every piece is cited by the
khoản / điểm it holds. Every passage is a verbatim slice of the source text; a heading with no
text of its own before the section below it opens that section's first passage, so no line of
the body is lost.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from indexer.text import strip_markup, underthesea
from indexer.structure.citation import cite
from indexer.models import Document, Passage
from indexer.structure.headings import (APPENDIX, ARTICLE, ATTACHMENT, CLAUSE_RE, DIVISIONS, LEGAL,
                                        POINT_RE, parse_heading)
from indexer.structure.sections import Section, paragraphs, parse_sections

MAX_CHARS = 1200
CHUNKER_VERSION = 4  # bump when sections or passages are cut differently: indexes rebuild
# A paragraph piece leaves room for a short heading line packed before it.
_HEADING_ROOM = 120
_CLAUSE_RE = re.compile(r"(?<=[;,])\s+")


@dataclass(frozen=True)
class Unit:
    """A run of text that is never cut further when packed, with the khoản / điểm it belongs to."""

    start: int
    end: int
    clause: str = ""   # khoản label, "" outside any
    point: str = ""    # điểm label, "" outside any
    lead: bool = False  # the article's heading or a khoản's opening words before its điểm


def passages_for(document: Document, max_chars: int = MAX_CHARS) -> list[Passage]:
    text = document.text
    line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    sections = parse_sections(text)
    out: list[Passage] = []
    carry: int | None = None   # start of heading lines waiting for the section below them
    for i, section in enumerate(sections):
        room = max_chars - (size(text[carry:section.lines[0].start]) if carry is not None else 0)
        chunks = _chunks(text, section, room)
        if not chunks:
            continue
        context = 0
        if carry is not None:
            context, chunks[0] = chunks[0][0] - carry, (carry, chunks[0][1], chunks[0][2])
            carry = None
        if _only_heading(text, chunks, section) and _opens_child(sections, i):
            carry = chunks[0][0]
            continue
        titles = tuple(h.title for h in section.path)
        labels = tuple(h.label for h in section.path)
        for n, (start, end, units) in enumerate(chunks):
            out.append(Passage(
                doc=document.name, text=text[start:end], section=titles, section_numbers=labels,
                line_start=bisect.bisect_right(line_starts, start),
                line_end=bisect.bisect_right(line_starts, end - 1),
                char_start=start, char_end=end,
                citation=cite(document.metadata, section.path, *_clause_of(units)),
                context_chars=context if n == 0 else 0))
    return out


def _opens_child(sections: list[Section], i: int) -> bool:
    """The next section lies under this one (its path goes on from this one's path)."""
    if i + 1 >= len(sections):
        return False
    here, nxt = sections[i].path, sections[i + 1].path
    return len(nxt) > len(here) and nxt[:len(here)] == here


def _clause_of(units: list[Unit]) -> tuple[tuple[str, ...], str]:
    """(khoản, điểm) a chunk is cited by: the khoản its units belong to (in order) and the one
    điểm when it holds a single one; none when it holds the article's heading."""
    if any(u.lead and not u.clause for u in units):
        return (), ""
    clauses = tuple(dict.fromkeys(u.clause for u in units))
    points = {u.point for u in units}
    whole = len(clauses) != 1 or any(u.lead for u in units) or len(points) != 1
    return clauses, "" if whole else points.pop()


def _chunks(text: str, section: Section, max_chars: int) -> list[tuple[int, int, list[Unit]]]:
    limit = max_chars - _HEADING_ROOM
    if section.scheme == LEGAL and section.path[-1].kind == ARTICLE:
        units = _article_units(text, section, max_chars, limit)
    else:
        units = [Unit(s, e) for first, last in paragraphs(section)
                 for s, e in _split_long(text, first.start, last.end, limit)]
    if not units:
        return []
    return [(*_trim(text, s, e), group) for s, e, group in _pack_units(text, units, max_chars)]


def _article_units(text: str, section: Section, max_chars: int, limit: int) -> list[Unit]:
    """An article's paragraphs as units: the whole article when it is short, else its khoản
    (a khoản longer than the limit by its điểm, a paragraph longer than that by sentences)."""
    paras = paragraphs(section)
    whole = Unit(paras[0][0].start, paras[-1][1].end, lead=True)
    if size(text[whole.start:whole.end]) <= max_chars:
        return [whole]
    labelled, clause, point = [], "", ""
    for first, last in paras:
        line = strip_markup(first.text)
        if m := CLAUSE_RE.match(line):
            clause, point = m.group("label"), ""
        elif clause and (m := POINT_RE.match(line)):
            point = m.group("label")
        labelled.append(Unit(first.start, last.end, clause, point, lead=not point))
    labelled[0] = Unit(labelled[0].start, labelled[0].end, "", "", True)
    blocks = _group(labelled, lambda u: u.clause)
    out: list[Unit] = []
    for block in blocks:
        if size(text[block[0].start:block[-1].end]) <= limit:
            out.append(_merged(block))
            continue
        for sub in _group(block, lambda u: u.point):
            if size(text[sub[0].start:sub[-1].end]) <= limit:
                out.append(_merged(sub))
            else:
                out.extend(Unit(s, e, u.clause, u.point, u.lead) for u in sub
                           for s, e in _split_long(text, u.start, u.end, limit))
    return out


def _group(units: list[Unit], key) -> list[list[Unit]]:
    groups: list[list[Unit]] = []
    for u in units:
        if groups and key(groups[-1][-1]) == key(u):
            groups[-1].append(u)
        else:
            groups.append([u])
    return groups


def _merged(units: list[Unit]) -> Unit:
    first = units[0]
    points = {u.point for u in units}
    return Unit(first.start, units[-1].end, first.clause, first.point if len(points) == 1 else "",
                any(u.lead for u in units))


def _pack_units(text: str, units: list[Unit], limit: int) -> list[tuple[int, int, list[Unit]]]:
    packed: list[list[Unit]] = []
    for u in units:
        if packed and size(text[packed[-1][0].start:u.end]) <= limit:
            packed[-1].append(u)
        else:
            packed.append([u])
    return [(g[0].start, g[-1].end, g) for g in packed]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    piece = text[start:end]
    return start + len(piece) - len(piece.lstrip()), start + len(piece.rstrip())


def _only_heading(text: str, chunks: list[tuple[int, int, list[Unit]]], section: Section) -> bool:
    """A section whose only text is its heading (a short heading line, or a chapter's two lines)."""
    if len(chunks) != 1 or (section.path[-1].rank == 0 and section.path[-1].kind not in (APPENDIX, ATTACHMENT)):
        return False
    body = [ln for ln in section.lines[1:] if strip_markup(ln.text)]
    heading = parse_heading(section.lines[0].text, section.scheme)
    if heading is None and section.path[-1].kind in (APPENDIX, ATTACHMENT):
        return not body
    if heading is None or heading.inline_body:
        return False
    return not body or (heading.kind in DIVISIONS
                        and len(body) == 1 and strip_markup(body[0].text).isupper())


def _split_long(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    if size(text[start:end]) <= limit:
        return [(start, end)]
    pieces: list[tuple[int, int]] = []
    for s, e in _sentence_spans(text, start, end):
        pieces.extend(_split_clauses(text, s, e, limit) if size(text[s:e]) > limit else [(s, e)])
    return _pack(text, pieces, limit)


def _sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    # line breaks inside a paragraph are wrapping, not sentence ends: split a copy with spaces
    # (same length, so offsets carry over to the source text)
    flat = text[start:end].replace("\n", " ")
    starts, pos = [], 0
    for sentence in underthesea().sent_tokenize(flat):
        head = sentence.strip()[:20]
        found = flat.find(head, pos) if head else -1
        if found >= 0:
            starts.append(found)
            pos = found + len(head)
    if not starts:
        return [(start, end)]
    starts[0] = 0
    bounds = starts + [len(flat)]
    return [(start + a, start + a + len(flat[a:b].rstrip())) for a, b in zip(bounds, bounds[1:])]


def _split_clauses(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """A sentence longer than the limit (long ';' lists are common): cut after ';' or ','."""
    cuts = [start] + [start + m.end() for m in _CLAUSE_RE.finditer(text[start:end])] + [end]
    pieces = []
    for a, b in zip(cuts, cuts[1:]):
        while b - a > limit:  # a clause with no punctuation at all: cut at the last space
            cut = text.rfind(" ", a, a + limit)
            cut = cut + 1 if cut > a else a + limit
            pieces.append((a, cut))
            a = cut
        pieces.append((a, b))
    return [(a, a + len(text[a:b].rstrip())) for a, b in _pack(text, pieces, limit)]


def size(text: str) -> int:
    """A passage's size: characters with whitespace runs counted once, so that the same text
    wrapped or extracted differently (PDF, .docx, hard-wrapped .txt) is cut the same way."""
    return len(" ".join(text.split()))


def _pack(text: str, pieces: list[tuple[int, int]], limit: int) -> list[tuple[int, int]]:
    packed: list[list[int]] = []
    for s, e in pieces:
        if packed and size(text[packed[-1][0]:e]) <= limit:
            packed[-1][1] = e
        else:
            packed.append([s, e])
    return [(s, e) for s, e in packed]
