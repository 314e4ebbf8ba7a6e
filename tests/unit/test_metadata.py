"""Metadata of the five real plans (values checked by reading the files), sidecars, citations."""
from __future__ import annotations

import json
import pathlib

import pytest

from indexer.structure.citation import format_citation, document_label
from indexer.read.metadata import apply_sidecar, extract_metadata, read_sidecar
from indexer.models import DocumentMetadata
from tests.paths import PLANS

CORPUS = PLANS

TITLE_000 = (
    "Thực hiện Nghị quyết số 42-NQ/TW của Ban Chấp hành Trung ương Đảng (khóa XIII), Chương "
    "trình hành động số 56-CTr/TU ngày 10/01/2024 của Ban Thường vụ Tỉnh ủy và Kế hoạch số "
    "68/KH-UBND ngày 08/3/2024 của UBND tỉnh Thanh Hóa về tiếp tục đổi mới, nâng cao chất lượng "
    "chính sách xã hội, đáp ứng yêu cầu sự nghiệp xây dựng và bảo vệ Tổ quốc trong giai đoạn mới "
    "trên địa bàn tỉnh Thanh Hóa")
TITLE_001 = (
    "Thực hiện Nghị quyết số 42-NQ/TW ngày 24/11/2023 của Ban Chấp hành Trung ương Đảng về "
    "“Tiếp tục đổi mới, nâng cao chất lượng chính sách xã hội, đáp ứng yêu cầu sự nghiệp xây "
    "dựng và bảo vệ Tổ quốc trong giai đoạn mới”")
TITLE_003 = (
    "Thực hiện Nghị quyết số 68/NQ-CP ngày 09/5/2024 của Chính phủ và Chương trình số "
    "78-CTr/TU ngày 16/5/2024 của Ban Thường vụ Tỉnh ủy về thực hiện Nghị quyết số 42-NQ/TW "
    "ngày 24/11/2023 của Hội nghị lần thứ tám Ban Chấp hành Trung ương Đảng khóa XIII về tiếp "
    "tục đổi mới, nâng cao chất lượng chính sách xã hội, đáp ứng yêu cầu sự nghiệp xây dựng và "
    "bảo vệ Tổ quốc trong giai đoạn mới")
TITLE_004 = (
    "TRIỂN KHAI, THỰC HIỆN CÁC CHÍNH SÁCH XÃ HỘI TRÊN ĐỊA BÀN TỈNH THANH HÓA, GIAI ĐOẠN "
    "2022-2025 THEO QUYẾT ĐỊNH SỐ 1983/QĐ-TTG NGÀY 24/11/2021 CỦA THỦ TƯỚNG CHÍNH PHỦ")
# The one "Căn cứ" line of the Party draft, as it stands (it runs on to "như sau:").
BASIS_001 = ('Nghị quyết số 42-NQ/TW ngày 24/11/2023 của Ban Chấp hành Trung ương Đảng về “Tiếp tục đổi '
             'mới, nâng cao chất lượng chính sách xã hội, đáp ứng yêu cầu sự nghiệp xây dựng và bảo vệ Tổ quốc trong giai đoạn mới” (viết tắt là Nghị quyết số 42-NQ/TW) và Chương trình số 225-CTr/TU ngày 12/01/2024 của Ban Chấp hành Đảng bộ tỉnh về thực hiện Nghị quyết số 42-NQ/TW (viết tắt là Chương trình số 225-CTr/TU), Ban Thường vụ Huyện ủy ban hành Kế hoạch thực hiện Nghị quyết số 42-NQ/TW trên địa bàn huyện như sau:')

EXPECTED = {
    # Commune draft without masthead agency lines: issuer read from "UBND xã ban hành Kế hoạch
    # ... trên địa bàn xã Tiền Nông"; the number and the day/month are left blank.
    "000_2cf1338897e214e5.txt": DocumentMetadata(
        number="", doc_type="Kế hoạch", issuer="UBND xã Tiền Nông", level="xã",
        province="Thanh Hóa", place="Tiền Nông", date="", year=2024, draft=False,
        title=TITLE_000, implements=("42-NQ/TW", "56-CTr/TU", "68/KH-UBND"),
        signer="Nguyễn Đình Toàn"),
    # Party draft: "Số          -KH/HU", "(Dự thảo)", tabs; no signature block.
    "001_691f499dba4cfbd2.txt": DocumentMetadata(
        number="", doc_type="Kế hoạch", issuer="Huyện ủy Phụng Hiệp", level="huyện",
        province="Hậu Giang", place="Phụng Hiệp", date="", year=2024, draft=True,
        title=TITLE_001, implements=("42-NQ/TW", "225-CTr/TU"), signer="",
        based_on=(BASIS_001,)),
    # Table pipes, no KẾ HOẠCH line (no title); the signer's name is missing from the page.
    "002_3b6299c3ae673933.txt": DocumentMetadata(
        number="743/KH-UBND", doc_type="Kế hoạch", issuer="UBND tỉnh Gia Lai", level="tỉnh",
        province="Gia Lai", place="Gia Lai", date="2025-03-28", year=2025, draft=False,
        title="", implements=("99-CTr/TU", "42-NQ/TW"), signer=""),
    # Markdown emphasis in the number and the date; no masthead agency lines.
    "003_52a6cda90ec74148.txt": DocumentMetadata(
        number="439/KH-UBND", doc_type="Kế hoạch", issuer="UBND tỉnh Đăk Nông", level="tỉnh",
        province="Đăk Nông", place="Đăk Nông", date="2024-07-03", year=2024, draft=False,
        title=TITLE_003, implements=("68/NQ-CP", "78-CTr/TU", "42-NQ/TW"),
        signer="Tôn Thị Ngọc Hạnh"),
    # A page saved from a legal portal: attribute table above, login boilerplate below.
    "004_8a98bc04649426ef.txt": DocumentMetadata(
        number="06/KH-UBND", doc_type="Kế hoạch", issuer="UBND tỉnh Thanh Hóa", level="tỉnh",
        province="Thanh Hóa", place="Thanh Hóa", date="2022-01-11", year=2022, draft=False,
        title=TITLE_004, implements=("1983/QĐ-TTg", "92-KL/TW"), signer="Đầu Thanh Tùng"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_plan_metadata(name):
    text = (CORPUS / name).read_text(encoding="utf-8")
    got = extract_metadata(text)
    assert got.to_dict() == EXPECTED[name].to_dict()


def test_corpus_has_exactly_the_five_plans():
    assert sorted(p.name for p in CORPUS.glob("*.txt")) == sorted(EXPECTED)


# --- synthetic headers -------------------------------------------------------------------------

COMMUNE_HEADER = """ỦY BAN NHÂN DÂN
XÃ AN BÌNH
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 12/KH-UBND
An Bình, ngày 05 tháng 02 năm 2024

KẾ HOẠCH
Phòng, chống thiên tai năm 2024

Căn cứ Quyết định số 1234/QĐ-UBND ngày 01/01/2024 của UBND huyện Phú Giáo, tỉnh Bình Dương;
Ủy ban nhân dân xã ban hành Kế hoạch như sau:

I. MỤC ĐÍCH, YÊU CẦU
Nội dung.

TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
(Đã ký)

Trần Văn Bình
"""


def test_commune_header_with_agency_lines():
    meta = extract_metadata(COMMUNE_HEADER)
    assert meta == DocumentMetadata(
        number="12/KH-UBND", doc_type="Kế hoạch", issuer="UBND xã An Bình", level="xã",
        province="Bình Dương", place="An Bình", date="2024-02-05", year=2024, draft=False,
        title="Phòng, chống thiên tai năm 2024", implements=("1234/QĐ-UBND",),
        signer="Trần Văn Bình",
        based_on=("Quyết định số 1234/QĐ-UBND ngày 01/01/2024 của UBND huyện Phú Giáo, tỉnh Bình Dương",))


@pytest.mark.parametrize("header, issuer, level, province", [
    # columns split by tabs; a city directly under the central government is province level
    ("UỶ BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTHÀNH PHỐ HÀ NỘI\tĐộc lập\n",
     "UBND thành phố Hà Nội", "tỉnh", "Hà Nội"),
    # a provincial city: the level is not stated, so it stays empty
    ("ỦY BAN NHÂN DÂN\nTHÀNH PHỐ THỦ DẦU MỘT\n", "UBND thành phố Thủ Dầu Một", "", ""),
    ("ĐẢNG BỘ HUYỆN PHÚ GIÁO\nĐẢNG ỦY XÃ AN LINH\n*\n", "Đảng ủy xã An Linh", "xã", ""),
    ("TỈNH ỦY LONG AN\n*\n", "Tỉnh ủy Long An", "tỉnh", "Long An"),
    ("HỘI ĐỒNG NHÂN DÂN TỈNH BẮC NINH\n", "HĐND tỉnh Bắc Ninh", "tỉnh", "Bắc Ninh"),
])
def test_agency_lines(header, issuer, level, province):
    meta = extract_metadata(header + "Số: 1/KH\nKẾ HOẠCH\nVề việc X\n\nI. MỤC ĐÍCH\n")
    assert (meta.issuer, meta.level, meta.province) == (issuer, level, province)


def test_draft_line_invalid_date_and_capitalised_signer():
    text = ("HỘI ĐỒNG NHÂN DÂN TỈNH BẮC NINH\nSố: /KH-HĐND\nBắc Ninh, ngày 31 tháng 2 năm 2024\n"
            "DỰ THẢO\nKẾ HOẠCH\nGiám sát\n\nI. MỤC ĐÍCH\nNội dung.\n"
            "TM. THƯỜNG TRỰC HĐND\nCHỦ TỊCH\n\nNGUYỄN VĂN AN\n")
    meta = extract_metadata(text)
    assert (meta.number, meta.date, meta.year, meta.draft) == ("", "", 2024, True)
    assert meta.signer == "Nguyễn Văn An"


def test_header_without_date_line():
    text = ("HUYỆN ỦY CHÂU THÀNH\nSố 05-KH/HU\n\nKẾ HOẠCH\nTuyên truyền năm 2025\n\n"
            "I. MỤC ĐÍCH\nNội dung.\n")
    meta = extract_metadata(text)
    assert (meta.date, meta.year, meta.place) == ("", None, "")
    assert (meta.number, meta.issuer, meta.level) == ("05-KH/HU", "Huyện ủy Châu Thành", "huyện")
    assert meta.title == "Tuyên truyền năm 2025"
    assert meta.signer == "" and meta.implements == () and not meta.draft


def test_empty_text_gives_empty_metadata():
    assert extract_metadata("") == DocumentMetadata()


def test_portal_table_fills_only_what_the_document_lacks():
    text = ("Số hiệu: 99/KH-UBND Loại văn bản: Kế hoạch\nNơi ban hành: Tỉnh X Người ký: Lê Văn A\n"
            "Ngày ban hành: 02/03/2023 Ngày hiệu lực: Đã biết\n\nKẾ HOẠCH\nVề việc Y\n\n"
            "I. MỤC ĐÍCH\nNội dung.\n")
    meta = extract_metadata(text)
    assert (meta.number, meta.signer, meta.date, meta.year) == (
        "99/KH-UBND", "Lê Văn A", "2023-03-02", 2023)
    own = "Số: 7/KH-UBND\nHà Nam, ngày 4 tháng 5 năm 2023\n" + text
    meta = extract_metadata(own)
    assert (meta.number, meta.date) == ("7/KH-UBND", "2023-05-04")


# --- sidecars ----------------------------------------------------------------------------------

def test_sidecar_overrides_named_fields(tmp_path):
    plan = tmp_path / "plan.txt"
    plan.write_text("KẾ HOẠCH\nVề việc Y\n", encoding="utf-8")
    (tmp_path / "plan.json").write_text(
        json.dumps({"number": "15/KH-UBND", "implements": ["42-NQ/TW"], "year": 2024}),
        encoding="utf-8")
    sidecar = read_sidecar(plan)
    meta = apply_sidecar(extract_metadata(plan.read_text(encoding="utf-8")), sidecar)
    assert (meta.number, meta.implements, meta.year) == ("15/KH-UBND", ("42-NQ/TW",), 2024)
    assert (meta.doc_type, meta.title) == ("Kế hoạch", "Về việc Y")


def test_no_sidecar_is_none(tmp_path):
    plan = tmp_path / "plan.txt"
    plan.write_text("x", encoding="utf-8")
    assert read_sidecar(plan) is None


def test_sidecar_unknown_key_is_named():
    with pytest.raises(ValueError, match="signatory"):
        apply_sidecar(DocumentMetadata(), {"signatory": "X"})


def test_sidecar_invalid_json(tmp_path):
    plan = tmp_path / "plan.txt"
    plan.write_text("x", encoding="utf-8")
    (tmp_path / "plan.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="plan.json is not valid JSON"):
        read_sidecar(plan)


def test_sidecar_wrong_type():
    with pytest.raises(ValueError, match="year"):
        apply_sidecar(DocumentMetadata(), {"year": "2024"})


# --- citations ---------------------------------------------------------------------------------

GIA_LAI = DocumentMetadata(number="743/KH-UBND", doc_type="Kế hoạch", issuer="UBND tỉnh Gia Lai",
                       date="2025-03-28", year=2025)


def test_citation_full():
    assert format_citation(GIA_LAI, ("III", "6")) == (
        "Kế hoạch số 743/KH-UBND ngày 28/3/2025 của UBND tỉnh Gia Lai, mục III.6")


def test_citation_drops_leading_zeros():
    meta = DocumentMetadata(number="439/KH-UBND", doc_type="Kế hoạch", issuer="UBND tỉnh Đăk Nông",
                        date="2024-07-03", year=2024)
    assert format_citation(meta, ("I",)) == (
        "Kế hoạch số 439/KH-UBND ngày 3/7/2024 của UBND tỉnh Đăk Nông, mục I")


def test_citation_missing_number():
    meta = DocumentMetadata(doc_type="Kế hoạch", issuer="UBND xã Tiền Nông", date="2024-05-10",
                        year=2024)
    assert format_citation(meta, ("II", "1")) == (
        "Kế hoạch ngày 10/5/2024 của UBND xã Tiền Nông, mục II.1")


def test_citation_draft_year_only():
    meta = DocumentMetadata(doc_type="Kế hoạch", issuer="Huyện ủy Phụng Hiệp", year=2024, draft=True)
    assert format_citation(meta, ("II", "2")) == (
        "Dự thảo Kế hoạch năm 2024 của Huyện ủy Phụng Hiệp, mục II.2")


def test_citation_without_sections():
    assert format_citation(GIA_LAI, ()) == (
        "Kế hoạch số 743/KH-UBND ngày 28/3/2025 của UBND tỉnh Gia Lai")
    assert format_citation(GIA_LAI, ("", "")) == format_citation(GIA_LAI, ())


def test_citation_letter_subsection_and_empty_labels():
    assert format_citation(GIA_LAI, ("III", "", "6", "a)")).endswith(", mục III.6.a")
    assert format_citation(GIA_LAI, ("II", "2", "2.1", "a")).endswith(", mục II.2.1.a")


def test_citation_of_real_plan():
    meta = extract_metadata((CORPUS / "001_691f499dba4cfbd2.txt").read_text(encoding="utf-8"))
    assert format_citation(meta, ("III", "1")) == (
        "Dự thảo Kế hoạch năm 2024 của Huyện ủy Phụng Hiệp, mục III.1")


def test_plan_label():
    assert document_label(GIA_LAI) == "UBND tỉnh Gia Lai — Kế hoạch số 743/KH-UBND (28/3/2025)"
    draft = DocumentMetadata(doc_type="Kế hoạch", issuer="Huyện ủy Phụng Hiệp", year=2024, draft=True)
    assert document_label(draft) == "Huyện ủy Phụng Hiệp — Dự thảo Kế hoạch (năm 2024)"
    bare = DocumentMetadata(doc_type="Kế hoạch", number="5/KH-UBND")
    assert document_label(bare) == "Kế hoạch số 5/KH-UBND"
