"""One line -> the heading it is, in either scheme a Vietnamese document uses:

- a plan (Kế hoạch, Chương trình): "I.", "1.", "1.1.", "a)", "Về ...:" lead-ins;
- a legal document (Luật, Nghị định, Quyết định, Thông tư ...): Phần, Chương, Mục, Tiểu mục,
  "Điều N." (the article), inside an article khoản "1." and điểm "a)", and after the signature
  block Phụ lục.

Which scheme a part of a document uses is read from its own lines (legal_scheme), never from its
file name.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.text import strip_markup

PLAN, LEGAL = "plan", "legal"
# Kinds of heading; the plan scheme's kinds are its ranks' names.
PREAMBLE, APPENDIX = "preamble", "appendix"
ATTACHMENT = "attachment"   # a document issued with this one ("Ban hành kèm theo Quyết định số ...")
PART, CHAPTER, SECTION, SUBSECTION, ARTICLE = "part", "chapter", "section", "subsection", "article"
LEGAL_RANKS = {PART: 1, CHAPTER: 2, SECTION: 3, SUBSECTION: 4, ARTICLE: 5}
DIVISIONS = (PART, CHAPTER, SECTION, SUBSECTION)   # what groups articles: a heading and a title

_ROMAN_RE = re.compile(r"^(?P<label>[IVX]{1,5})\.\s*(?P<title>[^\W\d_].*)$")
_NUMBER_RE = re.compile(r"^(?P<label>\d{1,2}(?:\.\d{1,2}){0,3})\.(?!\d)\s*(?P<title>[^\W\d_].*)$"
                        r"|^(?P<label2>\d{1,2}(?:\.\d{1,2}){1,3})\s+(?P<title2>[^\W\d_].*)$")
_LETTER_RE = re.compile(r"^(?P<label>[a-zđ])\)\s*(?P<title>\S.*)$")
_LEADIN_RE = re.compile(r"^(?:[-–+•]\s*)?(?P<title>Về [^:.;]{2,60}):")
_ROMAN_VALUES = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8,
                 "IX": 9, "X": 10, "XI": 11, "XII": 12}
_TITLE_MAX = 90
_SENTENCE_END_RE = re.compile(r"[.;:!?…][)”\"'’»]*$")
_ARTICLE_TITLE_MAX = 250

_NUMERAL = r"(?P<label>[IVXLC]+|\d{1,3})(?![\w])"
_LEGAL_RES = (
    (PART, re.compile(r"^(?:PHẦN|Phần)\s+(?P<label>[IVXLC]+|\d{1,3}|THỨ\s+\w+|thứ\s+\w+)(?![\w])"
                      r"[.:]?\s*(?P<title>.*)$")),
    (CHAPTER, re.compile(r"^(?:CHƯƠNG|Chương)\s+" + _NUMERAL + r"[.:]?\s*(?P<title>.*)$")),
    (SUBSECTION, re.compile(r"^(?:TIỂU MỤC|Tiểu mục)\s+" + _NUMERAL + r"[.:]?\s*(?P<title>.*)$")),
    (SECTION, re.compile(r"^(?:MỤC|Mục)\s+" + _NUMERAL + r"[.:]?\s*(?P<title>.*)$")),
)
ARTICLE_RE = re.compile(r"^Điều\s+(?P<label>\d{1,3}[a-zđ]?)\.\s*(?P<title>.*)$")
CLAUSE_RE = re.compile(r"^(?P<label>\d{1,2})\.\s+\S")
POINT_RE = re.compile(r"^(?P<label>[a-zđ])\)\s+\S")
_APPENDIX_RE = re.compile(r"^(?:PHỤ LỤC|Phụ lục)(?:\s+(?P<label>[IVXLC]+|\d{1,2}|[A-Z]))?"
                          r"(?![\w])\s*[.:]?\s*(?P<title>.*)$")


@dataclass(frozen=True)
class Heading:
    rank: int        # plan: 1 = I., 2 = 1., 3 = 1.1., 4 = 1.1.1., 5 = 1.1.1.1., 6 = a), 7 = "Về ...:";
                     # legal: 1 = Phần, 2 = Chương, 3 = Mục, 4 = Tiểu mục, 5 = Điều; 0 = preamble, Phụ lục
    label: str       # "III", "6", "6.3", "a", "32"; "" for a lead-in or the preamble
    title: str       # "III. NHIỆM VỤ VÀ GIẢI PHÁP", "6.3. Về văn hoá", "Điều 32. Đối tượng ..."
    inline_body: bool  # the heading line carries text of its own after the title
    kind: str = ""   # PREAMBLE, APPENDIX, a legal kind (ARTICLE, ...) or "" for a plan heading


def legal_scheme(lines: list[str]) -> bool:
    """True when these lines are laid out as articles: two lines or more start "Điều N.", or one
    does before any plan heading (a one-article text). One stray "Điều 5." line after a plan's
    "I." or "1." does not turn the plan into articles."""
    articles, plan_first = 0, False
    for line in lines:
        if ARTICLE_RE.match(strip_markup(line)):
            articles += 1
            if articles >= 2:
                return True
        elif not articles and not plan_first:
            heading = parse_plan_heading(line)
            plan_first = heading is not None and heading.rank <= 2
    return articles == 1 and not plan_first


def parse_heading(raw: str, scheme: str = PLAN) -> Heading | None:
    """The heading this line is in the given scheme, or None."""
    if scheme == LEGAL:
        return parse_legal_heading(raw)
    return parse_plan_heading(raw)


def any_heading(raw: str) -> bool:
    """True when the line is a heading in either scheme (a wrapped text never continues into it)."""
    return parse_plan_heading(raw) is not None or parse_legal_heading(raw) is not None


def parse_legal_heading(raw: str) -> Heading | None:
    """Phần, Chương, Mục, Tiểu mục or Điều; khoản and điểm are parts of an article, not headings."""
    line = strip_markup(raw)
    m = ARTICLE_RE.match(line)
    if m:
        # "Điều 3. Quyết định này có hiệu lực ...": an article that starts with its text
        sentence = len(m.group("title")) > _TITLE_MAX and _SENTENCE_END_RE.search(line)
        limit = m.start("title") + _TITLE_MAX if sentence else _ARTICLE_TITLE_MAX
        return Heading(LEGAL_RANKS[ARTICLE], m.group("label"), _cut(line, limit), bool(sentence), ARTICLE)
    for kind, regex in _LEGAL_RES:
        m = regex.match(line)
        if m and (not m.group("title") or m.group("title")[:1].isupper()) and len(line) <= _TITLE_MAX * 2:
            return Heading(LEGAL_RANKS[kind], (m.group("label") or "").strip(), line, False, kind)
    return None


_ATTACHED_TYPES = ("KẾ HOẠCH", "CHƯƠNG TRÌNH", "ĐỀ ÁN", "QUY CHẾ", "QUY ĐỊNH", "ĐIỀU LỆ", "QUY TRÌNH",
                   "HƯỚNG DẪN", "PHƯƠNG ÁN", "DANH MỤC", "CHIẾN LƯỢC", "QUY HOẠCH")
_ATTACHED_TYPE_RE = re.compile(r"^(?P<type>%s)(?:\s|$)" % "|".join(_ATTACHED_TYPES))
_ISSUED_WITH_RE = re.compile(r"^[(\[]?\s*(?:được\s+)?ban\s+hành\s+kèm\s+theo\s+(?:quyết\s+định|nghị\s+quyết"
                             r"|nghị\s+định|thông\s+tư|chỉ\s+thị)\b", re.IGNORECASE)


def attachment_type(raw: str) -> str:
    """ "Kế hoạch" for a line "KẾ HOẠCH ..." that can open a document issued with another; "" if not."""
    m = _ATTACHED_TYPE_RE.match(strip_markup(raw))
    return m.group("type").capitalize() if m else ""


def issued_with(raw: str) -> bool:
    """ "(Ban hành kèm theo Quyết định số ... )": the line under an attached document's title."""
    line = strip_markup(raw)
    return len(line) <= 300 and bool(_ISSUED_WITH_RE.match(line))


def parse_appendix(raw: str) -> Heading | None:
    """ "PHỤ LỤC", "PHỤ LỤC II", "Phụ lục 1. ..." as the first line of an appendix."""
    line = strip_markup(raw)
    m = _APPENDIX_RE.match(line)
    if not m or len(line) > _TITLE_MAX or (not line.startswith("PHỤ") and not m.group("label")):
        return None
    return Heading(0, m.group("label") or "", line, False, APPENDIX)


def parse_plan_heading(raw: str) -> Heading | None:
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
        title = _cut(title, _TITLE_MAX)
    return Heading(rank, label, (prefix.strip() + " " + title.strip()).strip(), inline)


def _cut(title: str, limit: int) -> str:
    if len(title) <= limit:
        return title
    return title[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def roman(n: int) -> str:
    """1 -> "I", 4 -> "IV" (the top sections of a plan)."""
    out = ""
    for value, digits in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + digits, n - value
    return out


def roman_value(label: str) -> int:
    """ "IV" -> 4; 0 for a label that is not a Roman numeral."""
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    if not label or any(ch not in values for ch in label):
        return 0
    total = 0
    for a, b in zip(label, label[1:] + " "):
        total += -values[a] if values.get(b, 0) > values[a] else values[a]
    return total
