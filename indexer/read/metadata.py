"""A document's metadata, read from its header (masthead, title, preamble) and its signature block.

Nothing is guessed: a field the text does not state stays empty. A JSON sidecar beside a corpus
file (same stem, ``.json``) overrides whatever fields it names.
"""
from __future__ import annotations

import datetime
import re
import unicodedata

from indexer.models import DocumentMetadata
from indexer.read.sidecar import apply_sidecar, read_sidecar  # noqa: F401  re-exported: sidecar.py holds them
from indexer.read.issuer import announces_plan, issuer as issuer_of, title_case
from indexer.text import canonical_number, document_number_mentions, document_numbers

_DOC_TYPES = {"KẾ HOẠCH": "Kế hoạch", "CHƯƠNG TRÌNH": "Chương trình", "ĐỀ ÁN": "Đề án",
              "BÁO CÁO": "Báo cáo", "QUYẾT ĐỊNH": "Quyết định", "NGHỊ QUYẾT": "Nghị quyết",
              "CHỈ THỊ": "Chỉ thị", "HƯỚNG DẪN": "Hướng dẫn", "HIẾN PHÁP": "Hiến pháp",
              "BỘ LUẬT": "Bộ luật", "LUẬT": "Luật", "PHÁP LỆNH": "Pháp lệnh",
              "NGHỊ ĐỊNH": "Nghị định", "THÔNG TƯ": "Thông tư"}
# Central bodies named in a masthead, as a citation writes them.
_MARKUP_RE = re.compile(r"\*+|_{2,}|^#+\s*")
_CELL_SPLIT_RE = re.compile(r"[|\t]")
# A run of blanks inside a line (columns padded with spaces): kept as two, so that patterns that
# look for "two blanks or more" (a new column) stay linear in the line's length.
_BLANK_RUN_RE = re.compile(r"[^\S\t\n]{3,}")
_HEADING_RE = re.compile(r"^(?:PHẦN\s+|Phần\s+)?(?:[IVXLC]+|1)\.\s+\S"
                         r"|^(?:Chương|CHƯƠNG)\s+(?:[IVXLC]+|\d+)\b|^Điều\s+\d{1,3}[a-zđ]?\.")
_DOC_TYPE_RE = re.compile(r"^(%s)(?:\s+(?P<rest>.*))?$" % "|".join(_DOC_TYPES))
_NUMBER_LINE_RE = re.compile(r"^(?:(?:Luật|Bộ luật|Nghị quyết|Pháp lệnh)\s+số|Số)\s*[:.]?\s*(?P<val>(?:\d[\w.]*\s*)?[/-]\S*)")
_DATE_LINE_RE = re.compile(
    r"(?:^|\s{2,})(?P<place>[^\W\d_][^\s,]*(?: [^\s,\d]+){0,5})\s*,\s*ngày\s*"
    r"(?:(?P<d>\d{1,2})?\s*tháng\s*(?P<m>\d{1,2})?\s*năm\s*"
    r"|(?P<d2>\d{1,2})[/.-](?P<m2>\d{1,2})[/.-])"
    r"(?P<y>\d{4})\s*$")
_DRAFT_RE = re.compile(r"\(\s*dự\s+thảo[^)]*\)|^dự\s+thảo\b", re.IGNORECASE)
_DRAFT_LINE_RE = re.compile(r"^\(?\s*dự\s+thảo\b[^)]*\)?$", re.IGNORECASE)
_PREAMBLE_START_RE = re.compile(r"^(?:Căn cứ|Xét)\b|:$")
_BASIS_RE = re.compile(r"^Căn cứ\s+(?P<what>.+?)[\s;,.]*$")
_SUBJECT_RE = re.compile(r"^V/v\.?\s*(?P<what>.+)$")
_SEPARATOR_RE = re.compile(r"^[-–—_*=.\s]+$")
_SIGNATURE_RE = re.compile(
    r"^(?:(?:TM|T\.M|KT|TL|TUQ|Q)\.|T/M|K/T)\s*\S"
    r"|^(?:PHÓ\s+)?(?:CHỦ TỊCH(?: QUỐC HỘI| NƯỚC)?|BÍ THƯ|THỦ TƯỚNG|BỘ TRƯỞNG)$")
_SIGNED_RE = re.compile(r"^[(\[]?\s*đã\s+ký\b", re.IGNORECASE)
_BLOCK_WORDS = set("ỦY UỶ BAN NHÂN DÂN HỘI ĐỒNG CHỦ TỊCH PHÓ BÍ THƯ THƯỜNG TRỰC VỤ HUYỆN TỈNH "
                   "XÃ ĐẢNG HĐND UBND GIÁM ĐỐC TRƯỞNG QUỐC CHÍNH PHỦ THỦ TƯỚNG BỘ NƯỚC".split())
_PORTAL_LABELS = ("Số hiệu", "Loại văn bản", "Nơi ban hành", "Người ký", "Ngày ban hành",
                  "Ngày hiệu lực", "Ngày công báo", "Số công báo", "Tình trạng")
_PORTAL_RE = re.compile(r"(?P<label>%s):\s*(?P<value>.*?)\s*(?=(?:%s):|$)"
                        % ("|".join(_PORTAL_LABELS), "|".join(_PORTAL_LABELS)))
_PORTAL_DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _clean(line: str) -> str:
    """One line without markdown emphasis, non-breaking spaces or surrounding blanks."""
    return _BLANK_RUN_RE.sub("  ", _MARKUP_RE.sub("", line.replace("\xa0", " "))).strip()


def _cells(lines: list[str]) -> list[str]:
    """Masthead lines split into their table columns (pipes, tabs)."""
    return [c.strip() for line in lines for c in _CELL_SPLIT_RE.split(line) if c.strip()]


def _split_header(header: list[str]) -> tuple[list[str], str, str, list[str]]:
    """(masthead lines, doc type, title, preamble lines) of the header, the lines before the
    first section heading."""
    doc_at = next((i for i, l in enumerate(header) if _DOC_TYPE_RE.match(l)), None)
    if doc_at is None:
        marks = [i for i, l in enumerate(header) for c in _cells([l])
                 if _NUMBER_LINE_RE.match(c) or _DATE_LINE_RE.search(c)]
        top = max(marks) + 1 if marks else next(
            (i for i, l in enumerate(header) if len(l) > 100), 0)
        return header[:top], "", "", header[top:]
    m = _DOC_TYPE_RE.match(header[doc_at])
    title, rest_at = _title(header, doc_at + 1, m.group("rest") or "")
    return header[:doc_at], _DOC_TYPES[m.group(1)], title, header[rest_at:]


def _title(header: list[str], i: int, first: str) -> tuple[str, int]:
    """The title lines after the doc-type line; a new capitalised paragraph ("Căn cứ ...",
    "Thực hiện ...") or a separator ends it. Returns (title, index after it)."""
    parts = [first] if first else []
    for i in range(i, len(header)):
        line = header[i]
        if not line or _DRAFT_RE.search(line) or (_SEPARATOR_RE.match(line) and not parts):
            continue
        if _SEPARATOR_RE.match(line):
            return " ".join(parts), i + 1
        if not parts and _PREAMBLE_START_RE.search(line):
            return "", i
        if parts and line[0].isupper() and not (line.isupper() and " ".join(parts).isupper()):
            return " ".join(parts), i
        parts.append(line)
    return " ".join(parts), len(header)


def _number(cells: list[str]) -> str | None:
    """The document's number; "" when the number line is left blank; None when there is no line."""
    val = next((m.group("val") for c in cells if (m := _NUMBER_LINE_RE.match(c))), None)
    return None if val is None else (re.sub(r"\s+", "", val) if val[0].isdigit() else "")


def _date_line(cells: list[str]) -> tuple[str, str, int | None]:
    """(place, ISO date or "", year) from "Gia Lai, ngày 28 tháng 3 năm 2025"."""
    m = next((m for c in cells if (m := _DATE_LINE_RE.search(c))), None)
    if not m:
        return "", "", None
    year = int(m.group("y"))
    day, month = m.group("d") or m.group("d2"), m.group("m") or m.group("m2")
    return m.group("place"), _iso(day, month, year), year


def _iso(day: str | None, month: str | None, year: int) -> str:
    if not day or not month:
        return ""
    try:
        return datetime.date(year, int(month), int(day)).isoformat()
    except ValueError:
        return ""


def _implements(text: str, own: str) -> tuple[str, ...]:
    """Document numbers cited in the title and preamble, first appearance first, without the
    document's own number; spellings of one number ("42-NQ/TW", "42-NQ-TW") count once, the first
    kept, except that an all-capitals spelling ("QĐ-TTG" in a capitalised title) gives way to
    the ordinary one when both occur."""
    found: dict[str, str] = {}
    mine = document_numbers(own)
    for m in document_number_mentions(text):
        key, num = canonical_number(m), m.group()
        if key in mine:
            continue
        if key not in found or (found[key].isupper() and not num.isupper()):
            found[key] = num
    return tuple(found.values())


def _is_name(line: str) -> bool:
    """ "Đầu Thanh Tùng", "NGUYỄN VĂN A": 2-6 capitalised words, none a signature-block word."""
    words = line.split()
    return (2 <= len(words) <= 6 and all(w.isalpha() and w[0].isupper() for w in words)
            and not (line.isupper() and _BLOCK_WORDS.intersection(words)))


def _signer(lines: list[str]) -> str:
    """The name under the last signature block ("TM. ỦY BAN NHÂN DÂN" / "CHỦ TỊCH" / ...)."""
    marks = [i for i, line in enumerate(lines) if _SIGNATURE_RE.match(line)]
    if not marks:
        return ""
    for line in lines[marks[-1] + 1:]:
        if not line or _SIGNATURE_RE.match(line) or _SIGNED_RE.match(line):
            continue
        if _is_name(line):
            return title_case(line) if line.isupper() else line
        if not line.isupper():   # portal boilerplate or body text: no name follows the block
            return ""
    return ""


def _portal(lines: list[str]) -> dict[str, str]:
    """The attribute table a legal portal puts above a saved page ("Số hiệu: ... Người ký: ...")."""
    fields: dict[str, str] = {}
    for line in lines:
        for m in _PORTAL_RE.finditer(line):
            fields.setdefault(m.group("label"), m.group("value"))
    return fields


def extract_metadata(text: str) -> DocumentMetadata:
    """Read what the header and signature block of one document say about it."""
    lines = [_clean(line) for line in unicodedata.normalize("NFC", text).splitlines()]
    header = lines[:next((i for i, l in enumerate(lines) if _HEADING_RE.match(l)), 60)]
    masthead, doc_type, title, preamble = _split_header(header)
    cells = _cells(masthead)
    lead = " ".join([title, *preamble])
    number = _number(cells)
    place, date, year = _date_line(cells)
    issuer, level, province = issuer_of(cells, lead, place)
    signer = _signer(lines)
    if not doc_type and announces_plan(lead):
        doc_type = "Kế hoạch"   # the preamble says "... ban hành Kế hoạch ..."
    subject = next((m.group("what") for c in cells if (m := _SUBJECT_RE.match(c))), "")
    if not doc_type and subject:
        doc_type, title = "Công văn", title or subject   # "V/v ..." under the number: a letter
    # The portal's record of the page is used only for what the document itself does not state.
    portal = _portal(lines[:len(masthead)])
    if number is None:
        number = portal.get("Số hiệu", "")
    doc_type = doc_type or portal.get("Loại văn bản", "")
    signer = signer or portal.get("Người ký", "")
    if year is None and (m := _PORTAL_DATE_RE.match(portal.get("Ngày ban hành", ""))):
        date, year = _iso(m.group(1), m.group(2), int(m.group(3))), int(m.group(3))
    return DocumentMetadata(
        number=number, doc_type=doc_type, issuer=issuer, level=level,
        province=province, place=place, date=date, year=year,
        draft=any(_DRAFT_RE.search(c) for c in cells) or any(map(_DRAFT_LINE_RE.match, header)),
        title=title, implements=_implements(lead, number), signer=signer,
        based_on=tuple(m.group("what") for line in preamble if (m := _BASIS_RE.match(line))))
