"""Cut each section of a plan into passages: whole paragraphs packed up to MAX_CHARS, a long
paragraph split at sentence boundaries (underthesea), never across a section boundary.
Every passage is a verbatim slice of the source text with its line range and offsets."""
from __future__ import annotations

import bisect
import re

from indexer.text import underthesea
from indexer.structure.citation import citation_numbers, format_citation
from indexer.models import Document, Passage
from indexer.structure.sections import Section, paragraphs, parse_heading, parse_sections

MAX_CHARS = 1200
CHUNKER_VERSION = 2  # bump when sections or passages are cut differently: indexes rebuild
# A paragraph piece leaves room for a short heading line packed before it.
_HEADING_ROOM = 120
_CLAUSE_RE = re.compile(r"(?<=[;,])\s+")


def passages_for(document: Document, max_chars: int = MAX_CHARS) -> list[Passage]:
    text = document.text
    line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    out: list[Passage] = []
    for section in parse_sections(text):
        titles = tuple(h.title for h in section.path)
        labels = tuple(h.label for h in section.path)
        citation = format_citation(document.metadata, citation_numbers(labels))
        for start, end in _chunks(text, section, max_chars):
            out.append(Passage(
                doc=document.name, text=text[start:end], section=titles, section_numbers=labels,
                line_start=bisect.bisect_right(line_starts, start),
                line_end=bisect.bisect_right(line_starts, end - 1),
                char_start=start, char_end=end, citation=citation))
    return out


def _chunks(text: str, section: Section, max_chars: int) -> list[tuple[int, int]]:
    units = []
    for first, last in paragraphs(section):
        units.extend(_split_long(text, first.start, last.end, max_chars - _HEADING_ROOM))
    if not units or _only_heading(text, units, section):
        return []
    return [_trim(text, s, e) for s, e in _pack(text, units, max_chars)]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    piece = text[start:end]
    return start + len(piece) - len(piece.lstrip()), start + len(piece.rstrip())


def _only_heading(text: str, units: list[tuple[int, int]], section: Section) -> bool:
    """A section whose only text is a short heading line gives no passage (its title lives on in
    the section path of the passages below it)."""
    if len(units) != 1:
        return False
    heading = parse_heading(text[units[0][0]:units[0][1]])
    return heading is not None and not heading.inline_body and section.path[-1].rank > 0


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
