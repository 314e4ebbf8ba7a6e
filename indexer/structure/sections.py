"""The layout of a document: where the header ends, where the signature block starts, the
appendices after it, and the heading hierarchy in between, in the scheme the document's own lines
use (headings.py): a plan's I., 1., 2.1., a), "Về ...:" or a legal text's Phần, Chương, Mục, Điều.

Works on the source text's lines and returns character offsets into that very text, so that
everything built on it stays a verbatim slice of the source.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from indexer.structure.headings import (APPENDIX, ATTACHMENT, DIVISIONS, LEGAL, PLAN, PREAMBLE, Heading,
                                        any_heading, attachment_type, issued_with, legal_scheme,
                                        parse_appendix, parse_heading, roman, roman_value)
from indexer.text import is_blank_line, is_boilerplate_line, strip_markup

PREAMBLE_TITLE = "Phần mở đầu"
UNTITLED = "(mục không có tiêu đề)"

_HEADER_MARK_RE = re.compile(
    r"^(số\s*[:\d]|số\s+-|(?:luật|bộ luật|nghị quyết|pháp lệnh)\s+số\s*[:\d]"
    r"|.{2,40},\s*ngày\b.*\bnăm\b|kế hoạch$|cộng hòa xã hội|cộng hoà xã hội"
    r"|độc lập\s*-|đảng cộng sản việt nam|\(?dự thảo\)?$)", re.IGNORECASE)
# A title line in capitals that names the document's type: "LUẬT PHÒNG, CHỐNG MA TÚY", "NGHỊ ĐỊNH".
_TYPE_LINE_RE = re.compile(r"^(?:LUẬT|BỘ LUẬT|HIẾN PHÁP|NGHỊ ĐỊNH|QUYẾT ĐỊNH|THÔNG TƯ|CHỈ THỊ"
                           r"|NGHỊ QUYẾT|CHƯƠNG TRÌNH|KẾ HOẠCH|PHÁP LỆNH)(?:\s|$)")
_TAIL_MARK_RE = re.compile(
    r"^(nơi nhận\b|tm\.|t/m\b|kt\.|k/t\b|chủ tịch$|phó chủ tịch$|bí thư$|phó bí thư$"
    r"|chủ tịch quốc hội$|thủ tướng$|bộ trưởng$|ý kiến bạn đọc|văn bản này chưa cập nhật)",
    re.IGNORECASE)
_BLOCK_START_RE = re.compile(r"[-–+•*]\s")  # a bullet opens a new paragraph
_FINAL_END_RE = re.compile(r"[.!?…][)”\"'’»]*$")  # ";" and ":" may end a wrapped line mid-sentence
_WRAP_MIN_LINES = 20     # too few lines to tell a wrapped text from a short one
_WRAP_MAX_WIDTH = 200    # lines longer than this are paragraphs, not a wrapped column
_WRAP_SLACK = 0.9        # a PDF wraps by glyph width, not by characters
_HEADER_LINE_MAX = 90


@dataclass(frozen=True)
class Line:
    number: int      # 1-based
    start: int       # offset of the first character in the source text
    end: int         # offset just past the last character (newline excluded)
    text: str


@dataclass(frozen=True)
class Section:
    path: tuple[Heading, ...]  # from the top heading down to this one
    lines: tuple[Line, ...]    # the heading line first, then the body up to the next heading
    continued: frozenset[int] = frozenset()  # numbers of lines that go on from the line before
    scheme: str = PLAN         # PLAN or LEGAL: how the lines inside are read


@dataclass(frozen=True)
class Part:
    """A run of lines read in one scheme: the main body, or one appendix."""

    start: int       # index into lines of the first line
    end: int         # index just past the last line
    scheme: str
    appendix: Heading | None = None


def split_lines(text: str) -> list[Line]:
    lines, pos = [], 0
    for i, raw in enumerate(text.split("\n"), start=1):
        lines.append(Line(i, pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return lines


def body_bounds(lines: list[Line], continued: frozenset[int] = frozenset(),
                scheme: str = PLAN) -> tuple[int, int, int]:
    """(preamble start, first heading, tail start) as indexes into lines."""
    first = next((i for i, ln in enumerate(lines)
                  if ln.number not in continued and _is_top_heading(ln.text, scheme)), len(lines))
    header_end = 0
    for i in range(first):
        line = strip_markup(lines[i].text)
        in_paragraph = lines[i].number in continued or (i + 1 < len(lines) and lines[i + 1].number in continued)
        if len(line) <= _HEADER_LINE_MAX and not in_paragraph and (
                _HEADER_MARK_RE.match(line) or (line.isupper() and _TYPE_LINE_RE.match(line))):
            header_end = i + 1
    if first == len(lines):   # no heading at all (a letter): the body ends at the signature block
        first = _tail(lines, header_end, len(lines))
    return header_end, first, _tail(lines, first, len(lines))


def _tail(lines: list[Line], start: int, end: int) -> int:
    return next((i for i in range(start, end) if _TAIL_MARK_RE.match(strip_markup(lines[i].text))), end)


def _is_top_heading(raw: str, scheme: str) -> bool:
    h = parse_heading(raw, scheme)
    return h is not None and (scheme == LEGAL or h.rank <= 2)


def document_parts(lines: list[Line], continued: frozenset[int]) -> tuple[int, list[Part]]:
    """(header end, parts): the main body from its first heading to the signature block, then
    each document issued with it ("KẾ HOẠCH ... (Ban hành kèm theo Quyết định số ...)") and each
    appendix ("PHỤ LỤC ..."), up to the next one; each part is read in the scheme of its own lines."""
    starts = [(i, h) for i, ln in enumerate(lines) if (h := parse_appendix(ln.text)) is not None]
    starts = sorted(starts + _attachments(lines, starts[0][0] if starts else len(lines)), key=lambda s: s[0])
    main_end = starts[0][0] if starts else len(lines)
    scheme = LEGAL if legal_scheme([ln.text for ln in lines[:main_end]]) else PLAN
    header_end, first, tail = body_bounds(lines[:main_end], continued, scheme)
    parts = [Part(first, tail, scheme)]
    for (a, heading), (b, _) in zip(starts, starts[1:] + [(len(lines), None)]):
        end = _tail(lines, a + 1, b) if heading.kind == APPENDIX else _attachment_end(lines, a + 1, b)
        scheme = LEGAL if legal_scheme([ln.text for ln in lines[a:end]]) else PLAN
        parts.append(Part(a + 1, end, scheme, heading))
    return header_end, parts


def _attachments(lines: list[Line], end: int) -> list[tuple[int, Heading]]:
    """(index of its type line, its heading) of each document issued with this one: a type line
    in capitals ("KẾ HOẠCH") a few lines above "(Ban hành kèm theo Quyết định số ...)", after the
    issuing document's own body (a plan that says so under its own title is not attached)."""
    found: list[tuple[int, Heading]] = []
    seen_heading = False
    for i in range(end):
        text = lines[i].text
        if issued_with(text) and seen_heading:
            at = next((k for k in range(i - 1, max(-1, i - 6), -1) if attachment_type(lines[k].text)), None)
            if at is not None and (not found or at > found[-1][0]):
                title = " ".join(strip_markup(ln.text) for ln in lines[at:i] if not is_blank_line(ln.text))
                found.append((at, Heading(0, "", title[:_HEADER_LINE_MAX * 2], False, ATTACHMENT)))
        seen_heading = seen_heading or parse_heading(text, LEGAL) is not None or parse_heading(text) is not None
    return found


def _attachment_end(lines: list[Line], start: int, end: int) -> int:
    """Where an attached document ends: at its own signature block, looked for after its first
    heading (its title lines may hold words of one)."""
    first = next((i for i in range(start, end) if any_heading(lines[i].text)), start)
    return _tail(lines, first, end)


def parse_sections(text: str) -> list[Section]:
    """Sections in document order: the preamble (if any), then one per heading, then each
    appendix (its first line, then one section per heading inside it)."""
    lines = split_lines(text)
    continued = continuation_lines(lines)
    header_end, parts = document_parts(lines, continued)
    sections: list[Section] = []
    preamble = tuple(ln for ln in lines[header_end:parts[0].start] if not is_boilerplate_line(ln.text))
    if any(not is_blank_line(ln.text) for ln in preamble):
        sections.append(Section((Heading(0, "", PREAMBLE_TITLE, True, PREAMBLE),), preamble, continued))
    for part in parts:
        sections.extend(_part_sections(lines, part, continued))
    return sections


def _part_sections(lines: list[Line], part: Part, continued: frozenset[int]) -> list[Section]:
    body = lines[part.start:part.end]
    uses_roman = part.scheme == PLAN and any(
        (h := parse_heading(ln.text)) is not None and h.rank == 1 for ln in body)
    stack: list[Heading] = [part.appendix] if part.appendix else []
    current: list[Line] = [lines[part.start - 1]] if part.appendix else []
    sections: list[Section] = []
    for i, ln in enumerate(body, start=part.start):
        heading = None if ln.number in continued else parse_heading(
            _with_continuation(lines, i, continued), part.scheme)
        if heading is not None:
            if current:
                sections.append(Section(tuple(stack), tuple(current), continued, part.scheme))
            stack = _push(stack, _titled(heading, lines, i), uses_roman)
            current = [ln]
        elif not is_boilerplate_line(ln.text):
            current.append(ln)
    if current:
        sections.append(Section(tuple(stack), tuple(current), continued, part.scheme))
    return sections


def _titled(heading: Heading, lines: list[Line], i: int) -> Heading:
    """ "Chương II" whose title stands on the next line in capitals: the title joins it."""
    if heading.kind not in DIVISIONS or not heading.title.rstrip(".:").endswith(" " + heading.label):
        return heading
    nxt = next((strip_markup(ln.text) for ln in itertools.islice(lines, i + 1, None)
                if not is_blank_line(ln.text)), "")
    if nxt.isupper() and not any_heading(nxt):
        return Heading(heading.rank, heading.label, f"{heading.title} {nxt}", False, heading.kind)
    return heading


def _with_continuation(lines: list[Line], i: int, continued: frozenset[int]) -> str:
    """Line i joined with the lines that continue it (a heading wrapped over several lines)."""
    parts = [lines[i].text]
    j = i + 1   # walked by index: a slice copied the rest of the document for every line
    while j < len(lines) and lines[j].number in continued:
        parts.append(lines[j].text.strip())
        j += 1
    return " ".join(parts)


def _push(stack: list[Heading], heading: Heading, uses_roman: bool) -> list[Heading]:
    """The path after this heading. "1." after "3." with no top heading between them means the
    source lost a top heading (I., II., ...): open an untitled top section instead of nesting;
    it is labelled by its place among the top sections (the second one is "II")."""
    if heading.kind == APPENDIX:
        return [heading]
    previous = next((h for h in reversed(stack) if h.rank == heading.rank), None)
    restarts = (heading.kind == "" and heading.rank == 2 and previous is not None
                and heading.label.isdigit() and previous.label.isdigit()
                and int(heading.label) <= int(previous.label))
    kept = [h for h in stack if h.rank < heading.rank]
    if restarts or (heading.kind == "" and heading.rank == 2 and uses_roman
                    and not any(h.rank >= 1 for h in kept)):
        top = next((h for h in stack if h.rank == 1), None)
        place = roman_value(top.label) + 1 if top else (2 if restarts else 1)
        kept = [h for h in kept if h.rank < 1] + [Heading(1, roman(place), UNTITLED, False)]
    return kept + [heading]


def wrap_width(lines: list[Line]) -> int | None:
    """The column at which a hard-wrapped text (copied from a PDF or a portal, or saved by a tool
    that wraps) breaks its lines; None when lines are whole paragraphs."""
    lengths = sorted(len(ln.text.rstrip()) for ln in lines if not is_blank_line(ln.text))
    if len(lengths) < _WRAP_MIN_LINES:
        return None
    width = lengths[int(0.9 * (len(lengths) - 1))]
    near = sum(1 for n in lengths if 0.6 * width <= n <= width + 2) / len(lengths)
    return width if width <= _WRAP_MAX_WIDTH and near >= 0.5 else None


def continuation_lines(lines: list[Line]) -> frozenset[int]:
    """Numbers of the lines that continue the sentence of the line before them: a line that goes
    on in lowercase after one that stops mid-sentence (also across a blank line, as at a PDF page
    break), or, in a hard-wrapped text, a line after one that was full (its next word would not
    have fitted) and stops mid-sentence."""
    width = wrap_width(lines)
    out, prev, gap = set(), None, False
    for ln in lines:
        if is_blank_line(ln.text):
            gap = True
            continue
        if prev is not None:
            body = strip_markup(ln.text)
            open_end = not _FINAL_END_RE.search(strip_markup(prev.text))
            # "a) ..." starts in lowercase but is a heading
            lowercase = open_end and (body[0].islower() or body[0] in "(,;") and not any_heading(ln.text)
            # in a wrapped text a full line that stops mid-sentence goes on, unless the next line
            # opens a block or the full line is a heading
            full = (width is not None and not gap and open_end and _fills_line(prev.text, body, width)
                    and not _BLOCK_START_RE.match(body) and not any_heading(ln.text)
                    and parse_heading(prev.text) is None)
            if lowercase or full:
                out.add(ln.number)
        prev, gap = ln, False
    return frozenset(out)


def _fills_line(prev: str, next_body: str, width: int) -> bool:
    first_word = next_body.split(" ", 1)[0]
    return len(prev.rstrip()) + 1 + len(first_word) > _WRAP_SLACK * width


def paragraphs(section: Section) -> list[tuple[Line, Line]]:
    """(first line, last line) of each paragraph of a section, hard-wrapped lines joined."""
    paras: list[list[Line]] = []
    for ln in section.lines:
        if is_blank_line(ln.text):
            continue
        if paras and ln.number in section.continued:
            paras[-1].append(ln)
        else:
            paras.append([ln])
    return [(p[0], p[-1]) for p in paras]
