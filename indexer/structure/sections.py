"""The layout of a plan: where the header ends, where the signature block starts, and the
heading hierarchy in between (I., 1., 2.1., a), "Về nhà ở:" lead-ins).

Works on the source text's lines and returns character offsets into that very text, so that
everything built on it stays a verbatim slice of the source.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.text import is_blank_line, is_boilerplate_line, strip_markup

PREAMBLE_TITLE = "Phần mở đầu"

_ROMAN_RE = re.compile(r"^(?P<label>[IVX]{1,5})\.\s*(?P<title>[^\W\d_].*)$")
_NUMBER_RE = re.compile(r"^(?P<label>\d{1,2}(?:\.\d{1,2}){0,3})\.(?!\d)\s*(?P<title>[^\W\d_].*)$"
                        r"|^(?P<label2>\d{1,2}(?:\.\d{1,2}){1,3})\s+(?P<title2>[^\W\d_].*)$")
_LETTER_RE = re.compile(r"^(?P<label>[a-zđ])\)\s*(?P<title>\S.*)$")
_LEADIN_RE = re.compile(r"^(?:[-–+•]\s*)?(?P<title>Về [^:.;]{2,60}):")
_ROMAN_VALUES = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8,
                 "IX": 9, "X": 10, "XI": 11, "XII": 12}

_HEADER_MARK_RE = re.compile(
    r"^(số\s*[:\d]|số\s+-|.{2,40},\s*ngày\b.*\bnăm\b|kế hoạch$|cộng hòa xã hội|cộng hoà xã hội"
    r"|độc lập\s*-|đảng cộng sản việt nam|\(?dự thảo\)?$)", re.IGNORECASE)
_TAIL_MARK_RE = re.compile(
    r"^(nơi nhận\b|tm\.|t/m\b|kt\.|k/t\b|chủ tịch$|phó chủ tịch$|bí thư$|phó bí thư$"
    r"|ý kiến bạn đọc|văn bản này chưa cập nhật)", re.IGNORECASE)
_BLOCK_START_RE = re.compile(r"[-–+•*]\s")  # a bullet opens a new paragraph
_FINAL_END_RE = re.compile(r"[.!?…][)”\"'’»]*$")  # ";" and ":" may end a wrapped line mid-sentence
_TITLE_MAX = 90
_WRAP_MIN_LINES = 20     # too few lines to tell a wrapped text from a short one
_WRAP_MAX_WIDTH = 200    # lines longer than this are paragraphs, not a wrapped column
_WRAP_SLACK = 0.9        # a PDF wraps by glyph width, not by characters
_HEADER_LINE_MAX = 90
UNTITLED = "(mục không có tiêu đề)"


@dataclass(frozen=True)
class Line:
    number: int      # 1-based
    start: int       # offset of the first character in the source text
    end: int         # offset just past the last character (newline excluded)
    text: str


@dataclass(frozen=True)
class Heading:
    rank: int        # 1 = I., 2 = 1., 3 = 1.1., 4 = 1.1.1., 5 = 1.1.1.1., 6 = a), 7 = "Về ...:"
    label: str       # "III", "6", "6.3", "a", "" for a lead-in or the preamble
    title: str       # "III. NHIỆM VỤ VÀ GIẢI PHÁP", "6.3. Về văn hoá", "Về nhà ở"
    inline_body: bool  # the heading line carries text of its own after the title


@dataclass(frozen=True)
class Section:
    path: tuple[Heading, ...]  # from the top heading down to this one
    lines: tuple[Line, ...]    # the heading line first, then the body up to the next heading
    continued: frozenset[int] = frozenset()  # numbers of lines that go on from the line before


def split_lines(text: str) -> list[Line]:
    lines, pos = [], 0
    for i, raw in enumerate(text.split("\n"), start=1):
        lines.append(Line(i, pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return lines


def parse_heading(raw: str) -> Heading | None:
    line = strip_markup(raw)
    if not line:
        return None
    for regex, kind in ((_ROMAN_RE, "roman"), (_NUMBER_RE, "number"), (_LETTER_RE, "letter")):
        m = regex.match(line)
        if not m:
            continue
        label = m.group("label") or m.group("label2") if kind == "number" else m.group("label")
        title = (m.group("title") or m.group("title2")) if kind == "number" else m.group("title")
        if kind == "roman" and (label not in _ROMAN_VALUES or not title[:1].isupper()):
            continue
        if kind == "number" and not title[:1].isupper():
            continue
        rank = {"roman": 1, "letter": 6}.get(kind) or 2 + label.count(".")
        return _heading(rank, label, line[: m.start("title" if m.group("title") else "title2")], title)
    m = _LEADIN_RE.match(line)
    if m:
        return Heading(7, "", m.group("title").strip(), len(line) > m.end() + 1)
    return None


def _heading(rank: int, label: str, prefix: str, title: str) -> Heading:
    """Short title for the section path; a long heading line is a paragraph with a number."""
    lead = _LEADIN_RE.match(title)
    inline = False
    if lead:
        inline = len(title) > lead.end() + 1
        title = lead.group("title").strip()
    elif len(title) > _TITLE_MAX:
        inline = True
        cut = title[:_TITLE_MAX].rsplit(" ", 1)[0]
        title = cut.rstrip(",;:") + "…"
    return Heading(rank, label, (prefix.strip() + " " + title.strip()).strip(), inline)


def body_bounds(lines: list[Line], continued: frozenset[int] = frozenset()) -> tuple[int, int, int]:
    """(preamble start, first heading, tail start) as indexes into lines."""
    first = next((i for i, ln in enumerate(lines)
                  if ln.number not in continued and _is_top_heading(ln.text)), len(lines))
    header_end = 0
    for i in range(first):
        line = strip_markup(lines[i].text)
        in_paragraph = lines[i].number in continued or (i + 1 < len(lines) and lines[i + 1].number in continued)
        if len(line) <= _HEADER_LINE_MAX and not in_paragraph and _HEADER_MARK_RE.match(line):
            header_end = i + 1
    tail = len(lines)
    for i in range(first, len(lines)):
        if _TAIL_MARK_RE.match(strip_markup(lines[i].text)):
            tail = i
            break
    return header_end, first, tail


def _is_top_heading(raw: str) -> bool:
    h = parse_heading(raw)
    return h is not None and h.rank <= 2


def parse_sections(text: str) -> list[Section]:
    """Sections in document order: the preamble (if any), then one per heading."""
    lines = split_lines(text)
    continued = continuation_lines(lines)
    header_end, first, tail = body_bounds(lines, continued)
    sections: list[Section] = []
    preamble = tuple(ln for ln in lines[header_end:first] if not is_boilerplate_line(ln.text))
    if any(not is_blank_line(ln.text) for ln in preamble):
        sections.append(Section((Heading(0, "", PREAMBLE_TITLE, True),), preamble, continued))
    uses_roman = any((h := parse_heading(ln.text)) is not None and h.rank == 1 for ln in lines)
    stack: list[Heading] = []
    current: list[Line] = []
    for i, ln in enumerate(lines[first:tail], start=first):
        heading = None if ln.number in continued else parse_heading(_with_continuation(lines, i, continued))
        if heading is not None:
            if current:
                sections.append(Section(tuple(stack), tuple(current), continued))
            stack = _push(stack, heading, uses_roman)
            current = [ln]
        elif not is_boilerplate_line(ln.text):
            current.append(ln)
    if current:
        sections.append(Section(tuple(stack), tuple(current), continued))
    return sections


def _with_continuation(lines: list[Line], i: int, continued: frozenset[int]) -> str:
    """Line i joined with the lines that continue it (a heading wrapped over several lines)."""
    parts = [lines[i].text]
    for ln in lines[i + 1:]:
        if ln.number not in continued:
            break
        parts.append(ln.text.strip())
    return " ".join(parts)


def _push(stack: list[Heading], heading: Heading, uses_roman: bool) -> list[Heading]:
    """The path after this heading. "1." after "3." with no top heading between them means the
    source lost a top heading (I., II., ...): open an untitled top section instead of nesting."""
    previous = next((h for h in reversed(stack) if h.rank == heading.rank), None)
    restarts = (heading.rank == 2 and previous is not None and heading.label.isdigit()
                and previous.label.isdigit() and int(heading.label) <= int(previous.label))
    stack = [h for h in stack if h.rank < heading.rank]
    if restarts or (heading.rank == 2 and not stack and uses_roman):
        stack = [Heading(1, "", UNTITLED, False)]
    return stack + [heading]


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
            lowercase = open_end and (body[0].islower() or body[0] in "(,;") and parse_heading(ln.text) is None
            # in a wrapped text a full line that stops mid-sentence goes on, unless the next line
            # opens a block or the full line is a heading
            full = (width is not None and not gap and open_end and _fills_line(prev.text, body, width)
                    and not _BLOCK_START_RE.match(body) and parse_heading(ln.text) is None
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
