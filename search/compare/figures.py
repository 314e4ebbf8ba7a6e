"""Figures the documents state ("trên 97% dân số tham gia bảo hiểm y tế", "30 giường bệnh viện/vạn
dân", "trước ngày 25/11 hằng năm"), extracted from the passages a query retrieves, with the words
that say what each figure measures and the year it targets; and a per-document comparison table.

Reading rules (Vietnamese number conventions): "." groups thousands ("5.250" = 5250), "," is the
decimal mark ("2,5%" = 2.5). A figure's clause is the stretch between ";", ",", ":", a sentence
end or a line break; its measure is the clause's words before the figure, or after it when the
figure opens the clause ("Trên 97% dân số tham gia BHYT"). The target year comes from the clause,
its sentence, the section headings ("Đến năm 2030", "Mục tiêu cụ thể năm 2030"), or the passage.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from indexer.models import Passage


# -- patterns ------------------------------------------------------------------------------
_NUM = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_QUALIFIER_WORDS = ("tối thiểu", "ít nhất", "không dưới", "không quá", "tối đa", "trên", "dưới",
                    "khoảng", "hơn", "gần", "từ", "đạt", "chiếm", "bằng")
_QUAL = r"(?:(?:" + "|".join(_QUALIFIER_WORDS) + r")\s+){0,3}"
# Unit heads of a count, longest first; a count needs one of them right after its number.
_UNIT_HEADS = sorted([
    "căn hộ", "căn", "giường bệnh viện", "giường bệnh", "giường", "bác sĩ", "bác sỹ",
    "dược sĩ", "dược sỹ", "điều dưỡng viên", "điều dưỡng", "tháng tuổi", "tuổi", "năm", "tháng",
    "ngày", "người", "hộ gia đình", "hộ", "lao động", "học sinh", "sinh viên", "trẻ em", "bé trai",
    "thôn/xóm", "thôn", "xã", "huyện", "trường", "trạm", "cơ sở", "công trình", "nhà", "mô hình",
    "doanh nghiệp", "lượt người", "lượt", "triệu đồng", "tỷ đồng", "nghìn đồng", "đồng", "km2", "km",
    "ha", "m²", "m2", "di tích", "khu dân cư", "trung tâm", "cán bộ", "việc làm",
], key=len, reverse=True)
_POP = r"(?:\d{1,3}(?:\.\d{3})*|vạn|nghìn)\s?dân"
_UNIT_EXT = (r"(?:\s?/\s?(?:\d{1,3}(?:\.\d{3})*\s)?(?:vạn dân|nghìn dân|dân|bé gái|người|năm|tháng|hộ)"
             r"|\s+sàn/người|\s+trên\s+" + _POP + r")?")
_FIGURE_RE = re.compile(
    r"(?<![\w/.,-])(?P<qual>" + _QUAL + r")(?P<num>" + _NUM + r")"
    r"(?:\s?(?P<pct>%(?:/năm)?)|(?:\s?[-–]\s?|\s+đến\s+)(?P<num2>" + _NUM + r")\s(?P<rhead>tuổi|tháng tuổi|năm)"
    r"|\s?(?P<head>" + "|".join(re.escape(u) for u in _UNIT_HEADS) + r")(?![\w])(?P<ext>" + _UNIT_EXT + r"))",
    re.IGNORECASE)
_YEAR_RE = re.compile(r"(?<![\w/])(?P<qual>(?:đến|vào|tới|trước|trong|sau)\s+)?năm\s+(?P<year>(?:19|20)\d\d)(?![\w/-])",
                      re.IGNORECASE)
_DEADLINE_RE = re.compile(r"(?P<qual>trước|chậm nhất|trong)\s+ngày\s+(?P<day>\d{1,2})/(?P<month>\d{1,2})"
                          r"(?:/(?P<year>(?:19|20)\d\d))?(?P<every>\s+(?:hằng|hàng)\s+năm)?", re.IGNORECASE)
# Numbers that name something rather than measure it: document numbers, dates, labels.
_NOT_A_FIGURE_BEFORE = re.compile(r"(?:\bsố|\bkhóa|\bkhoá|\bngày|\btháng|\bđiều|\bkhoản|\bmục|\bphụ lục|"
                                  r"\bchương trình|\bquyết định|\bnghị quyết|\bnghị định|\bthông tư|\bluật|"
                                  r"\bkết luận|\bchỉ thị|\btrung ương|\bgiai đoạn)\s*$", re.IGNORECASE)
_TARGET_YEAR_RE = re.compile(r"(?:(?:đến|vào|tới|trong|cho)\s*)?năm\s++((?:19|20)\d\d)(?![\d/-])",
                             re.IGNORECASE)
_SPLIT_RE = re.compile(r";|,\s|:\s|\n+|(?<=[^\d\s])\.(?=\s|$)|\.\s+(?=[A-ZĐÀ-Ỹ])")
_MONTH_BEFORE_RE = re.compile(r"tháng\s+\d{1,2}\s*$", re.IGNORECASE)
_SENTENCE_RE = re.compile(r"\n+|(?<=[^\d\s])\.(?=\s|$)")
_FILLER = {"và", "phấn", "đấu", "phần", "đầu", "có", "bảo", "đảm", "đạt", "chiếm", "là", "được", "trong",
           "đó", "-", "+", "với", "duy", "trì", "xây", "dựng", "mức", "*", "khoảng", "trên", "dưới"}
_STRIP_CHARS = " \t-–+*•.,;:"
KINDS = ("percent", "count", "year", "deadline")
_CARRY_MAX = 160   # characters of figure-less clauses carried into the next clause's measure
_BLANKS_RE = re.compile(r"[^\S\n]+")
# How far back the checks of the words before a figure look ("số", "tháng 3", "trên"): a window,
# not the whole clause, so that a clause of many figures is read in linear time.
_BEFORE_WINDOW = 40
_MEASURE_MAX = 300  # characters of a description that runs on over several figures


@dataclass(frozen=True)
class Figure:
    """One figure a document states, with what it measures and where it is said."""

    doc: str
    value_text: str            # "trên 97%", "khoảng 33,2m² sàn/người", "trước ngày 25/11 hằng năm"
    number: float | None       # 97.0; 5250.0 for "5.250"; None for a deadline (a day, not a quantity)
    unit: str                  # "%", "căn hộ", "giường bệnh viện/vạn dân", "m² sàn/người", "năm", "ngày/tháng"
    qualifier: str             # "trên" | "dưới" | "khoảng" | "đạt" | "tối thiểu" | "ít nhất" | "từ" | ... | ""
    measure: str               # "dân số tham gia bảo hiểm y tế (BHYT)"
    target_year: int | None    # 2030
    citation: str = ""
    passage_id: int = -1
    document_label: str = ""
    kind: str = "percent"      # one of KINDS
    clause: str = ""           # the clause the figure was read from (for display)


# -- extraction ------------------------------------------------------------------------------
def parse_number(text: str) -> float:
    """Vietnamese convention: "5.250" -> 5250.0, "2,5" -> 2.5, "04" -> 4.0."""
    return float(text.replace(".", "").replace(",", "."))


def clean_text(text: str) -> str:
    """The passage as read by the extractor: no markdown emphasis or LaTeX dollars, "m^2" -> "m²",
    one space between words (line breaks kept: they end a clause)."""
    text = text.replace("**", "").replace("__", "").replace("$", "")
    text = re.sub(r"m\s?\^\s?\{?2\}?", "m²", text)
    text = _BLANKS_RE.sub(" ", text)   # every blank run (em spaces too): keeps each pattern linear
    return re.sub(r" ?\n[ \n]*+", "\n", text)


def _canonical_unit(pct: str | None, head: str | None, ext: str | None, rhead: str | None) -> str:
    if pct:
        return pct
    unit = ((head or rhead or "") + (ext or "")).lower()
    unit = re.sub(r"\bm2\b", "m²", unit)
    unit = re.sub(r"\s?/\s?", "/", unit)
    unit = re.sub(r"\s+trên\s+", "/", unit)
    return " ".join(unit.split())


def _best_qualifier(words: str) -> str:
    found = [w for w in _QUALIFIER_WORDS if re.search(rf"(?<!\w){w}(?!\w)", words.lower())]
    informative = [w for w in found if w not in ("đạt", "chiếm", "bằng")]
    return (informative or found or [""])[0]


def _segments(text: str):
    """(start, end) of each clause of text."""
    start = 0
    for m in _SPLIT_RE.finditer(text):
        yield start, m.start()
        start = m.end()
    yield start, len(text)


def _strip_filler(words: str) -> str:
    toks = words.strip(_STRIP_CHARS).split()
    while toks and toks[0].lower().strip(_STRIP_CHARS) in _FILLER:
        toks.pop(0)
    while toks and toks[-1].lower().strip(_STRIP_CHARS) in _FILLER:
        toks.pop()
    text = " ".join(toks).strip(" \t-–+*•.,;:")
    if text.startswith("(") and ")" not in text:
        text = text[1:]
    if text.endswith(")") and "(" not in text:
        text = text[:-1]
    return text.strip(" ,;:-")


def _raw_figures(seg: str):
    """(start, end, kind, value_text, number, unit, qualifier) for each figure in one clause."""
    found, covered = [], _Covered(len(seg))
    for m in _DEADLINE_RE.finditer(seg):
        value = " ".join(m.group(0).split())
        value = value[0].lower() + value[1:]
        found.append((m.start(), m.end(), "deadline", value, None, "ngày/tháng", m.group("qual").lower()))
        covered.add(m.start(), m.end())
    for m in _YEAR_RE.finditer(seg):
        if _MONTH_BEFORE_RE.search(_before(seg, m.start())) or covered.overlaps(m.start(), m.end()):
            continue
        qual = (m.group("qual") or "").strip().lower()
        value = f"{qual} năm {m.group('year')}".strip()
        found.append((m.start(), m.end(), "year", value, float(m.group("year")), "năm", qual))
        covered.add(m.start(), m.end())
    for m in _FIGURE_RE.finditer(seg):
        start, end = m.start(), m.end()
        num_start = m.start("num")
        if covered.overlaps(num_start, end) or _NOT_A_FIGURE_BEFORE.search(_before(seg, num_start)):
            continue
        if re.match(r"\s*+(?:/|-\s?\w++/)", seg[end:end + _BEFORE_WINDOW]) and not m.group("pct"):
            continue  # a document number or a date
        if not m.group("pct") and re.search(r"(?:^|\s)trên\s+$", _before(seg, num_start), re.IGNORECASE) \
                and re.match(r"\s?dân\b", seg[m.end("num"):m.end("num") + 8]):
            continue  # "trên 100 dân": a denominator, not a figure
        unit = _canonical_unit(m.group("pct"), m.group("head"), m.group("ext"), m.group("rhead"))
        qual_words = m.group("qual")
        qualifier = _best_qualifier(qual_words)
        number_text = seg[num_start:m.end("num")]
        if m.group("num2"):
            qualifier = "từ"
            number_text = f"{number_text} đến {m.group('num2')}"
        tail = seg[m.end("num"):end].strip()
        if m.group("num2"):
            tail = m.group("rhead")
        glue = "" if tail.startswith("%") or tail.lower().startswith(("m²", "m2")) and not seg[m.end("num"):end].startswith(" ") else " "
        value = f"{qualifier + ' ' if qualifier else ''}{number_text}{glue}{tail}"
        kind = "percent" if m.group("pct") else "count"
        found.append((start, end, kind, value, parse_number(m.group("num")), unit, qualifier))
        covered.add(start, end)
    return sorted(found)


def _before(text: str, end: int) -> str:
    """The few characters before end (blank runs are one space by now: clean_text)."""
    return text[max(0, end - _BEFORE_WINDOW):end]


class _Covered:
    """Which characters of a clause a figure already took (one check per character: a list of
    spans compared with every new match was quadratic in the number of figures)."""

    def __init__(self, size: int):
        self.mask = bytearray(size)

    def overlaps(self, start: int, end: int) -> bool:
        return any(self.mask[start:end])

    def add(self, start: int, end: int) -> None:
        self.mask[start:end] = b"\x01" * (end - start)


def _measures(seg: str, raw) -> list[str]:
    """What each figure of one clause measures: the words before it, or after it when it opens
    the clause; a figure that continues a description ("trẻ em dưới 5 tuổi bị suy dinh dưỡng
    dưới 15%") keeps the whole description."""
    out: list[str] = []
    took_after = False       # the previous figure's measure is the text after it: that text is used
    desc_start = None        # where the description of the previous "before" figure began
    for i, (start, end, kind, *_rest) in enumerate(raw):
        prev_end = raw[i - 1][1] if i else 0
        next_start = raw[i + 1][0] if i + 1 < len(raw) else len(seg)
        before = "" if took_after else _strip_filler(seg[prev_end:start])
        after = _strip_filler(seg[end:next_start])
        if before and (len(before.split()) >= 2 or not after):
            continues = desc_start is not None and not re.match(r"\s*(?:và|còn|,)\b", seg[prev_end:start], re.I)
            if continues:
                measure = _strip_filler(seg[max(desc_start, start - _MEASURE_MAX):start])
            else:
                measure, desc_start = before, prev_end
            took_after = False
        else:
            measure, desc_start, took_after = after, None, bool(after)
        out.append(measure)
    return out


def _year_in(text: str) -> int | None:
    for m in _TARGET_YEAR_RE.finditer(text):
        if not _MONTH_BEFORE_RE.search(_before(text, max(0, m.start(1) - 4))):
            return int(m.group(1))
    return None


def _heading_year(section: tuple[str, ...]) -> int | None:
    for heading in reversed(section):
        year = _year_in(heading)
        if year:
            return year
    return None


def extract_figures(text: str, doc: str = "", section: tuple[str, ...] = (), citation: str = "",
                    passage_id: int = -1, document_label: str = "") -> tuple[Figure, ...]:
    """Every figure stated in text, in reading order."""
    text = clean_text(text)
    heading_year = _heading_year(section)
    passage_year = None
    m = re.search(r"(?:đến|vào|tới)\s+năm\s+((?:19|20)\d\d)(?![\d/-])", text, re.IGNORECASE)
    if m:
        passage_year = int(m.group(1))
    figures: list[Figure] = []
    sentences = _Sentences(text)
    carried = ""   # a clause without a figure that a comma ties to the next one
    for s, e in _segments(text):
        seg = carried + text[s:e]
        raw = _raw_figures(seg)
        if not raw:
            # "tỷ lệ ... có bằng cấp, chứng chỉ đạt X%": the measure goes on
            # past the comma; a clause that states nothing is kept for the next one
            carried = seg + ", " if text[e:e + 2] == ", " and len(seg) < _CARRY_MAX else ""
            continue
        carried = ""
        sentence, sentence_year = sentences.at(s, seg)
        year = _year_in(seg) or sentence_year or heading_year or passage_year
        clause = " ".join(seg.split())
        for (start, end, kind, value, number, unit, qual), measure in zip(raw, _measures(seg, raw)):
            if kind == "year":
                target = int(number)
            elif kind == "deadline":
                target = int(re.search(r"(\d{4})$", value).group(1)) if re.search(r"/\d{4}$", value) else None
                measure = _deadline_measure(sentence, seg, start, end)
            else:
                target = year
            if not measure:
                measure = unit if kind == "count" else ""
            figures.append(Figure(doc, value, number, unit, qual, measure, target, citation, passage_id,
                                  document_label, kind, clause))
    return tuple(_share_rates(figures))


class _Sentences:
    """The sentences of a text, found by offset (bisect), each one's target year read once."""

    def __init__(self, text: str):
        self.text, self.spans, start = text, [], 0
        for m in _SENTENCE_RE.finditer(text):
            self.spans.append((start, m.end()))
            start = m.end()
        self.spans.append((start, len(text)))
        self.starts = [a for a, _ in self.spans]
        self.years: dict[int, int | None] = {}

    def at(self, offset: int, fallback: str) -> tuple[str, int | None]:
        """(the sentence holding offset, its target year)."""
        i = bisect.bisect_right(self.starts, offset) - 1
        if i < 0 or not self.spans[i][0] <= offset < self.spans[i][1]:
            return fallback, _year_in(fallback)
        if i not in self.years:
            self.years[i] = _year_in(self.text[self.spans[i][0]:self.spans[i][1]])
        return self.text[self.spans[i][0]:self.spans[i][1]], self.years[i]


def _deadline_measure(sentence: str, seg: str, start: int, end: int) -> str:
    """What a deadline is for: its sentence without it (a window of its clause when the
    sentence is long, so that many deadlines in one sentence stay linear)."""
    context = sentence if len(sentence) <= 2 * _MEASURE_MAX else seg[max(0, start - _MEASURE_MAX):end + _MEASURE_MAX]
    return _strip_filler(" ".join(context.replace(seg[start:end], " ").split()).replace(" ,", ","))


_RATE_RE = re.compile(r"/(?:\d{1,3}(?:\.\d{3})*|vạn|nghìn) ?dân$")


def _share_rates(figures: list[Figure]) -> list[Figure]:
    """"32 giường bệnh, 11 bác sĩ, 04 dược sĩ, 20 điều dưỡng viên trên 10.000 dân": the rate that
    closes a list of bare counts applies to each of them. A count above 100 per 10.000 people (1%)
    is not such a rate (a district's total number of beds written before a per-10.000 ratio) and is left as is."""
    out = list(figures)
    for i, f in enumerate(figures):
        rate = _RATE_RE.search(f.unit) if f.kind == "count" else None
        if not rate:
            continue
        j = i - 1
        while j >= 0 and out[j].kind == "count" and out[j].measure == out[j].unit and not _RATE_RE.search(out[j].unit) \
                and out[j].passage_id == f.passage_id and out[j].number is not None and out[j].number <= 100:
            g = out[j]
            unit = g.unit + rate.group(0)
            out[j] = Figure(g.doc, f"{g.value_text}{rate.group(0)}", g.number, unit, g.qualifier, g.measure,
                            g.target_year, g.citation, g.passage_id, g.document_label, g.kind, g.clause)
            j -= 1
    return out


@lru_cache(maxsize=4096)
def passage_figures(passage: Passage, passage_id: int = -1, document_label: str = "") -> tuple[Figure, ...]:
    return extract_figures(passage.text, passage.doc, passage.section, passage.citation, passage_id, document_label)
