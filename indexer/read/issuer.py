"""Who issued a document, at which level and in which province: from the masthead's agency lines
("ỦY BAN NHÂN DÂN" / "TỈNH THANH HÓA", "HUYỆN ỦY PHỤNG HIỆP", "QUỐC HỘI", "BỘ TÀI CHÍNH"), else
from the preamble ("Ủy ban nhân dân tỉnh ban hành Kế hoạch ..."). Nothing is guessed."""
from __future__ import annotations

import itertools
import re

from indexer.text import sentence_case

_UNITS = "thành phố|thị xã|thị trấn|tỉnh|huyện|quận|xã|phường"
_UNITS_UP = _UNITS.upper()
_LEVEL_OF_UNIT = {"tỉnh": "tỉnh", "huyện": "huyện", "quận": "huyện", "thị xã": "huyện",
                  "xã": "xã", "phường": "xã", "thị trấn": "xã"}
_PARTY_LEVEL = {"Tỉnh": "tỉnh", "Huyện": "huyện", "Quận": "huyện", "Thị": "huyện"}
# Cities directly under the central government: a "thành phố" issuer is province level only then.
_CENTRAL_CITIES = {"Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế"}

_CENTRAL = {"QUỐC HỘI": "Quốc hội", "ỦY BAN THƯỜNG VỤ QUỐC HỘI": "Ủy ban Thường vụ Quốc hội",
            "CHÍNH PHỦ": "Chính phủ", "THỦ TƯỚNG CHÍNH PHỦ": "Thủ tướng Chính phủ",
            "CHỦ TỊCH NƯỚC": "Chủ tịch nước"}
_MINISTRY_RE = re.compile(r"^BỘ\s+(?P<name>[^\d:]{3,60})$")
CENTRAL_LEVEL = "trung ương"


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

def title_case(name: str) -> str:
    """ "THANH HÓA" -> "Thanh Hóa"; a run of blanks starts another column, not the name."""
    return " ".join(w.capitalize() for w in re.split(r"\s{2,}", name.strip())[0].split())


def _capitalised_prefix(words: str) -> str:
    """The leading capitalised words of a phrase: " Gia Lai với các" -> "Gia Lai"."""
    return " ".join(itertools.takewhile(lambda w: w[0].isupper(), words.split()))



def _masthead_issuer(cells: list[str]) -> tuple[str, str, str, str]:
    """(agency, unit, name, parent province) from agency lines such as "ỦY BAN NHÂN DÂN" /
    "TỈNH THANH HÓA" or "ĐẢNG BỘ TỈNH HẬU GIANG HUYỆN ỦY PHỤNG HIỆP"; "" where not stated."""
    cells = [c for c in cells if not _MOTTO_RE.match(c)]
    parent = next((title_case(m.group("name")) for c in cells
                   if (m := _PARENT_PARTY_UP_RE.search(c))), "")
    for i, cell in enumerate(cells):
        if m := _COMMUNE_PARTY_UP_RE.search(cell):
            return "Đảng ủy", m.group("unit").lower(), title_case(m.group("name")), parent
        if m := _PARTY_UP_RE.search(cell):
            return f"{m.group('kind').capitalize()} ủy", "", title_case(m.group("name")), parent
        if m := _AGENCY_UP_RE.match(cell):
            agency = "HĐND" if m.group("agency") in ("HỘI ĐỒNG NHÂN DÂN", "HĐND") else "UBND"
            if m.group("unit"):
                return agency, m.group("unit").lower(), title_case(m.group("name")), parent
            nxt = _UNIT_LINE_RE.match(cells[i + 1]) if i + 1 < len(cells) else None
            if nxt and cells[i + 1].isupper():
                return agency, nxt.group("unit").lower(), title_case(nxt.group("name")), parent
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


def issuer(cells: list[str], text: str, place: str) -> tuple[str, str, str]:
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



def announces_plan(text: str) -> bool:
    """The preamble says "... ban hành Kế hoạch ..."."""
    return bool(_PREAMBLE_STATE_RE.search(text) or _PREAMBLE_PARTY_RE.search(text))
