"""The layout of a plan: where the header ends, where the signature block starts, and the
heading hierarchy in between (I., 1., 2.1., a), "Về nhà ở:" lead-ins).

Works on the source text's lines and returns character offsets into that very text, so that
everything built on it stays a verbatim slice of the source.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .textnorm import is_blank_line, is_boilerplate_line, strip_markup

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
_SENTENCE_END = tuple(".;:!?…)”\"'")
_TITLE_MAX = 90
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


def body_bounds(lines: list[Line]) -> tuple[int, int, int]:
    """(preamble start, first heading, tail start) as indexes into lines."""
    first = next((i for i, ln in enumerate(lines) if _is_top_heading(ln.text)), len(lines))
    header_end = 0
    for i in range(first):
        line = strip_markup(lines[i].text)
        if len(line) <= _HEADER_LINE_MAX and _HEADER_MARK_RE.match(line):
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
    header_end, first, tail = body_bounds(lines)
    sections: list[Section] = []
    preamble = tuple(ln for ln in lines[header_end:first] if not is_boilerplate_line(ln.text))
    if any(not is_blank_line(ln.text) for ln in preamble):
        sections.append(Section((Heading(0, "", PREAMBLE_TITLE, True),), preamble))
    uses_roman = any((h := parse_heading(ln.text)) is not None and h.rank == 1 for ln in lines)
    stack: list[Heading] = []
    current: list[Line] = []
    for ln in lines[first:tail]:
        heading = parse_heading(ln.text)
        if heading is not None:
            if current:
                sections.append(Section(tuple(stack), tuple(current)))
            stack = _push(stack, heading, uses_roman)
            current = [ln]
        elif not is_boilerplate_line(ln.text):
            current.append(ln)
    if current:
        sections.append(Section(tuple(stack), tuple(current)))
    return sections


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


def ends_sentence(text: str) -> bool:
    return strip_markup(text).rstrip().endswith(_SENTENCE_END)


def continues_previous(prev: str, line: str) -> bool:
    """A hard-wrapped line: the previous one stops mid-sentence and this one goes on in lowercase."""
    body = strip_markup(line)
    return bool(body) and not ends_sentence(prev) and (body[0].islower() or body[0] in "(,;")


def paragraphs(lines: tuple[Line, ...]) -> list[tuple[Line, Line]]:
    """(first line, last line) of each paragraph, joining hard-wrapped lines (also across a blank
    line, as at a PDF page break)."""
    paras: list[list[Line]] = []
    for ln in lines:
        if is_blank_line(ln.text):
            continue
        if paras and continues_previous(paras[-1][-1].text, ln.text):
            paras[-1].append(ln)
        else:
            paras.append([ln])
    return [(p[0], p[-1]) for p in paras]
