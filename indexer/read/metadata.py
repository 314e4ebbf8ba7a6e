"""A plan's metadata, read from its header (masthead, title, preamble) and its signature block.

Nothing is guessed: a field the text does not state stays empty. A JSON sidecar beside a corpus
file (same stem, ``.json``) overrides whatever fields it names.
"""
from __future__ import annotations

import dataclasses
import datetime
import itertools
import json
import pathlib
import re
import unicodedata

from indexer.models import PlanMetadata
from indexer.text import canonical_number, sentence_case, document_number_mentions, document_numbers

_UNITS = "thành phố|thị xã|thị trấn|tỉnh|huyện|quận|xã|phường"
_UNITS_UP = _UNITS.upper()
_LEVEL_OF_UNIT = {"tỉnh": "tỉnh", "huyện": "huyện", "quận": "huyện", "thị xã": "huyện",
                  "xã": "xã", "phường": "xã", "thị trấn": "xã"}
_PARTY_LEVEL = {"Tỉnh": "tỉnh", "Huyện": "huyện", "Quận": "huyện", "Thị": "huyện"}
# Cities directly under the central government: a "thành phố" issuer is province level only then.
_CENTRAL_CITIES = {"Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế"}
_DOC_TYPES = {"KẾ HOẠCH": "Kế hoạch", "CHƯƠNG TRÌNH": "Chương trình", "ĐỀ ÁN": "Đề án",
              "BÁO CÁO": "Báo cáo", "QUYẾT ĐỊNH": "Quyết định", "NGHỊ QUYẾT": "Nghị quyết",
              "CHỈ THỊ": "Chỉ thị", "HƯỚNG DẪN": "Hướng dẫn", "HIẾN PHÁP": "Hiến pháp",
              "BỘ LUẬT": "Bộ luật", "LUẬT": "Luật", "PHÁP LỆNH": "Pháp lệnh",
              "NGHỊ ĐỊNH": "Nghị định", "THÔNG TƯ": "Thông tư"}
# Central bodies named in a masthead, as a citation writes them.
_CENTRAL = {"QUỐC HỘI": "Quốc hội", "ỦY BAN THƯỜNG VỤ QUỐC HỘI": "Ủy ban Thường vụ Quốc hội",
            "CHÍNH PHỦ": "Chính phủ", "THỦ TƯỚNG CHÍNH PHỦ": "Thủ tướng Chính phủ",
            "CHỦ TỊCH NƯỚC": "Chủ tịch nước"}
_MINISTRY_RE = re.compile(r"^BỘ\s+(?P<name>[^\d:]{3,60})$")
CENTRAL_LEVEL = "trung ương"

_MARKUP_RE = re.compile(r"\*+|_{2,}|^#+\s*")
_CELL_SPLIT_RE = re.compile(r"\s*[|\t]\s*")
_HEADING_RE = re.compile(r"^(?:PHẦN\s+|Phần\s+)?(?:[IVXLC]+|1)\.\s+\S"
                         r"|^(?:Chương|CHƯƠNG)\s+(?:[IVXLC]+|\d+)\b|^Điều\s+\d+\.")
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
_MOTTO_RE = re.compile(r"^(?:CỘNG H[ÒO]A|CHỦ NGHĨA|ĐỘC LẬP|Độc lập|ĐẢNG CỘNG SẢN)|^[-–—_*=.\s]+$")
_AGENCY_UP_RE = re.compile(r"^(?P<agency>(?:ỦY|UỶ) BAN NHÂN DÂN|UBND|HỘI ĐỒNG NHÂN DÂN|HĐND)"
                           r"(?:\s+(?P<unit>%s)\s+(?P<name>.+))?$" % _UNITS_UP)
_UNIT_LINE_RE = re.compile(r"^(?P<unit>%s)\s+(?P<name>[^\d]+)$" % _UNITS_UP)
_PARTY_UP_RE = re.compile(
    r"(?:^|\s)(?P<kind>HUYỆN|TỈNH|THÀNH|THỊ|QUẬN) (?:ỦY|UỶ)\s+(?P<name>[^\d]+)$")
_COMMUNE_PARTY_UP_RE = re.compile(
    r"ĐẢNG (?:ỦY|UỶ)\s+(?P<unit>XÃ|PHƯỜNG|THỊ TRẤN)\s+(?P<name>[^\d]+)$")
_PARENT_PARTY_UP_RE = re.compile(r"ĐẢNG BỘ (?:TỈNH|THÀNH PHỐ)\s+(?P<name>.+?)"
                                 r"(?=\s+(?:HUYỆN|TỈNH|THÀNH|THỊ|QUẬN|ĐẢNG) (?:ỦY|UỶ)\b|$)")
_NAME = r"(?P<name>(?:\s+[^\W\d_]+){0,4}?)"
_PREAMBLE_STATE_RE = re.compile(
    r"(?P<agency>UBND|HĐND|[ỦU][yỷ] ban nhân dân|Hội đồng nhân dân)\s+(?P<unit>%s)%s"
    r"\s+ban\s+hành\s+(?:Kế|kế)\s+hoạch" % (_UNITS, _NAME))
_PREAMBLE_PARTY_RE = re.compile(r"(?P<kind>Huyện|Tỉnh|Thành|Thị|Quận) [uủ][ỷy]%s"
                                r"\s+ban\s+hành\s+(?:Kế|kế)\s+hoạch" % _NAME)
_LOCALITY_RE = re.compile(r"trên địa bàn (?P<unit>%s)(?P<name>(?:\s+[^\W\d_]+){1,4})" % _UNITS)
_PROVINCE_MENTION_RE = re.compile(r"(?:\btỉnh|Tỉnh [uủ][ỷy])(?P<name>(?:\s+[^\W\d_]+){1,4})")
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
    return _MARKUP_RE.sub("", line.replace("\xa0", " ")).strip()


def _cells(lines: list[str]) -> list[str]:
    """Masthead lines split into their table columns (pipes, tabs)."""
    return [c for line in lines for c in _CELL_SPLIT_RE.split(line) if c.strip()]


def _title_case(name: str) -> str:
    """ "THANH HÓA" -> "Thanh Hóa"; a run of blanks starts another column, not the name."""
    return " ".join(w.capitalize() for w in re.split(r"\s{2,}", name.strip())[0].split())


def _capitalised_prefix(words: str) -> str:
    """The leading capitalised words of a phrase: " Gia Lai với các" -> "Gia Lai"."""
    return " ".join(itertools.takewhile(lambda w: w[0].isupper(), words.split()))


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
    """The plan's number; "" when the number line is left blank; None when there is no line."""
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


def _masthead_issuer(cells: list[str]) -> tuple[str, str, str, str]:
    """(agency, unit, name, parent province) from agency lines such as "ỦY BAN NHÂN DÂN" /
    "TỈNH THANH HÓA" or "ĐẢNG BỘ TỈNH HẬU GIANG HUYỆN ỦY PHỤNG HIỆP"; "" where not stated."""
    cells = [c for c in cells if not _MOTTO_RE.match(c)]
    parent = next((_title_case(m.group("name")) for c in cells
                   if (m := _PARENT_PARTY_UP_RE.search(c))), "")
    for i, cell in enumerate(cells):
        if m := _COMMUNE_PARTY_UP_RE.search(cell):
            return "Đảng ủy", m.group("unit").lower(), _title_case(m.group("name")), parent
        if m := _PARTY_UP_RE.search(cell):
            return f"{m.group('kind').capitalize()} ủy", "", _title_case(m.group("name")), parent
        if m := _AGENCY_UP_RE.match(cell):
            agency = "HĐND" if m.group("agency") in ("HỘI ĐỒNG NHÂN DÂN", "HĐND") else "UBND"
            if m.group("unit"):
                return agency, m.group("unit").lower(), _title_case(m.group("name")), parent
            nxt = _UNIT_LINE_RE.match(cells[i + 1]) if i + 1 < len(cells) else None
            if nxt and cells[i + 1].isupper():
                return agency, nxt.group("unit").lower(), _title_case(nxt.group("name")), parent
            return agency, "", "", parent
    return "", "", "", parent


def _preamble_issuer(text: str) -> tuple[str, str, str]:
    """(agency, unit, name) from "Ủy ban nhân dân tỉnh ban hành Kế hoạch ..." in the preamble."""
    if m := _PREAMBLE_STATE_RE.search(text):
        agency = "HĐND" if m.group("agency") in ("HĐND", "Hội đồng nhân dân") else "UBND"
        return agency, m.group("unit"), _capitalised_prefix(m.group("name"))
    if m := _PREAMBLE_PARTY_RE.search(text):
        return f"{m.group('kind')} ủy", "", _capitalised_prefix(m.group("name"))
    return "", "", ""


def _issuer_parts(cells: list[str], text: str, place: str) -> tuple[str, str, str, str]:
    """(agency, unit, name, parent province): the masthead first, then the preamble."""
    agency, unit, name, parent = _masthead_issuer(cells)
    if not (agency and (unit or agency.endswith("ủy")) and name):
        p_agency, p_unit, p_name = _preamble_issuer(text)
        if p_agency and (not agency or agency == p_agency):
            agency, unit, name = p_agency, unit or p_unit, name or p_name
    if agency and not name:
        local = [(m.group("unit"), n) for m in _LOCALITY_RE.finditer(text)
                 if (n := _capitalised_prefix(m.group("name"))) and unit in ("", m.group("unit"))]
        unit, name = local[0] if local else (unit, "")
        if unit or agency.endswith("ủy"):
            # Otherwise the place of issue: by Decree 30/2020/NĐ-CP it is the name of the
            # administrative unit where the issuing body sits ("Đăk Nông, ngày ...").
            name = name or place
    return agency, unit, name, parent


def _central_issuer(cells: list[str]) -> str:
    """ "Quốc hội", "Chính phủ", "Bộ Tài chính" when the masthead names a central body."""
    for cell in cells:
        if cell in _CENTRAL:
            return _CENTRAL[cell]
        if (m := _MINISTRY_RE.match(cell)) and cell.isupper():
            return "Bộ " + sentence_case(m.group("name").strip())
    return ""


def _issuer(cells: list[str], text: str, place: str) -> tuple[str, str, str]:
    """(issuer, level, province) of the document."""
    if central := _central_issuer([c for c in cells if not _MOTTO_RE.match(c)]):
        return central, CENTRAL_LEVEL, ""
    agency, unit, name, parent = _issuer_parts(cells, text, place)
    if not agency or not name:
        return "", "", _province("", parent, text)
    if agency.endswith("ủy") and not unit:
        kind = agency.split()[0]
        central = kind == "Thành" and name in _CENTRAL_CITIES
        level = "tỉnh" if central else _PARTY_LEVEL.get(kind, "")
    else:
        level = _LEVEL_OF_UNIT.get(unit, "")
        if unit == "thành phố":
            level = "tỉnh" if name in _CENTRAL_CITIES else ("huyện" if parent else "")
    issuer = " ".join(p for p in (agency, unit, name) if p)
    return issuer, level, _province(name if level == "tỉnh" else "", parent, text)


def _province(own: str, parent: str, text: str) -> str:
    """A province-level issuer's own name, else the parent named in the masthead
    ("ĐẢNG BỘ TỈNH HẬU GIANG"), else the first province the title or preamble names."""
    if own or parent:
        return own or parent
    for m in _PROVINCE_MENTION_RE.finditer(text):
        if name := _capitalised_prefix(m.group("name")):
            return name
    return ""


def _implements(text: str, own: str) -> tuple[str, ...]:
    """Document numbers cited in the title and preamble, first appearance first, without the
    plan's own number; spellings of one number ("42-NQ/TW", "42-NQ-TW") count once, the first
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
            return _title_case(line) if line.isupper() else line
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


def extract_metadata(text: str) -> PlanMetadata:
    """Read what the header and signature block of one plan say about it."""
    lines = [_clean(line) for line in unicodedata.normalize("NFC", text).splitlines()]
    header = lines[:next((i for i, l in enumerate(lines) if _HEADING_RE.match(l)), 60)]
    masthead, doc_type, title, preamble = _split_header(header)
    cells = _cells(masthead)
    lead = " ".join([title, *preamble])
    number = _number(cells)
    place, date, year = _date_line(cells)
    issuer, level, province = _issuer(cells, lead, place)
    signer = _signer(lines)
    if not doc_type and (_PREAMBLE_STATE_RE.search(lead) or _PREAMBLE_PARTY_RE.search(lead)):
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
    return PlanMetadata(
        number=number, doc_type=doc_type, issuer=issuer, level=level,
        province=province, place=place, date=date, year=year,
        draft=any(_DRAFT_RE.search(c) for c in cells) or any(map(_DRAFT_LINE_RE.match, header)),
        title=title, implements=_implements(lead, number), signer=signer,
        based_on=tuple(m.group("what") for line in preamble if (m := _BASIS_RE.match(line))))


_FIELD_TYPES = {"year": (int, type(None)), "draft": (bool,), "implements": (list, tuple),
                "based_on": (list, tuple)}


def apply_sidecar(meta: PlanMetadata, sidecar: dict) -> PlanMetadata:
    """meta with every field the sidecar names replaced; an unknown key is an error."""
    known = {f.name for f in dataclasses.fields(PlanMetadata)}
    for key, value in sidecar.items():
        if key not in known:
            raise ValueError(f"unknown metadata field {key!r} in sidecar "
                             f"(known fields: {', '.join(sorted(known))})")
        types = _FIELD_TYPES.get(key, (str,))
        if not isinstance(value, types) or (key == "year" and isinstance(value, bool)):
            raise ValueError(f"sidecar field {key!r} has a value of the wrong type: {value!r}")
    changes = dict(sidecar)
    for key in ("implements", "based_on"):
        if key in changes:
            changes[key] = tuple(str(v) for v in changes[key])
    return dataclasses.replace(meta, **changes)


def read_sidecar(path: pathlib.Path) -> dict | None:
    """The parsed <stem>.json beside a corpus file, or None when there is none."""
    path = pathlib.Path(path)
    side = path.with_suffix(".json")
    if side == path or not side.is_file():
        return None
    try:
        data = json.loads(side.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise ValueError(f"metadata sidecar {side.name} is not valid JSON: {e.msg} "
                         f"(line {e.lineno}, column {e.colno})") from e
    except UnicodeDecodeError as e:
        raise ValueError(f"metadata sidecar {side.name} is not UTF-8 text") from e
    if not isinstance(data, dict):
        raise ValueError(f"metadata sidecar {side.name} must hold a JSON object, "
                         f"not {type(data).__name__}")
    return data
