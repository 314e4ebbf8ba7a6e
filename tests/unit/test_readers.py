"""Tests for indexer.read.formats: every fixture is built here, in tmp_path, with the real libraries."""
from __future__ import annotations

import os
import pathlib
import re
import unicodedata

import pytest

from indexer.read import formats as readers
from indexer.read.formats import UnreadableFile, read_text
from tests.paths import PLANS

ROOT = pathlib.Path(__file__).resolve().parents[2]
SAMPLE_FILE = PLANS / "003_52a6cda90ec74148.txt"
FONT = pathlib.Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
CP1258_TONES = "\u0300\u0301\u0303\u0309\u0323"  # the combining marks Windows-1258 has


@pytest.fixture(scope="module")
def sample() -> str:
    """The first 40 lines of a real plan, NFC, "\n" line breaks."""
    lines = SAMPLE_FILE.read_text(encoding="utf-8").splitlines(keepends=True)[:40]
    text = unicodedata.normalize("NFC", "".join(lines))
    assert "ệ" in text or "ư" in text  # really Vietnamese
    return text


def words(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def write(tmp_path: pathlib.Path, name: str, data: bytes) -> pathlib.Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def reason(path: pathlib.Path) -> str:
    with pytest.raises(UnreadableFile) as info:
        read_text(path)
    return str(info.value)


def to_cp1258(text: str) -> bytes:
    """Windows-1258 bytes: base letters precomposed (â, ơ, ...), tone marks as combining marks."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in CP1258_TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in CP1258_TONES))
        out.append((base + tones).encode("cp1258"))
    return b"".join(out)


# ---- plain text encodings ----------------------------------------------------------------

@pytest.mark.parametrize("encode", [
    lambda s: s.encode("utf-8"),
    lambda s: s.encode("utf-8-sig"),
    lambda s: b"\xff\xfe" + s.encode("utf-16-le"),
    lambda s: b"\xfe\xff" + s.encode("utf-16-be"),
    lambda s: s.encode("utf-16-le"),  # no BOM: found by the NUL pattern
    lambda s: s.replace("\n", "\r\n").encode("utf-8"),
    to_cp1258,
], ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le-nobom", "crlf", "cp1258"])
def test_text_encodings_give_back_the_same_nfc_text(tmp_path, sample, encode):
    path = write(tmp_path, "plan.txt", encode(sample))
    assert read_text(path) == sample


def test_cp1258_fixture_really_uses_combining_tone_marks(sample):
    decoded = to_cp1258(sample).decode("cp1258")
    assert decoded != sample and any(c in decoded for c in CP1258_TONES)
    assert unicodedata.normalize("NFC", decoded) == sample


def test_old_mac_line_breaks_become_newlines(tmp_path):
    path = write(tmp_path, "a.md", "Dòng một\rDòng hai\r\n  thụt lề  \n".encode())
    assert read_text(path) == "Dòng một\nDòng hai\n  thụt lề  \n"


@pytest.mark.parametrize("data", [b"", b"  \n\t\r\n  ", "  \n ".encode("utf-16")])
def test_empty_or_whitespace_file(tmp_path, data):
    assert reason(write(tmp_path, "e.txt", data)) == "empty file"


def test_binary_file(tmp_path):
    data = bytes(range(256)) * 8 + os.urandom(2000) + b"\x00\x00\x01\x02"
    assert reason(write(tmp_path, "b.txt", data)) == "binary file, not text"


def test_binary_without_nul_bytes(tmp_path):
    data = bytes(b for b in os.urandom(6000) if b) + bytes(range(1, 32)) * 20
    assert reason(write(tmp_path, "b.txt", data)) == "binary file, not text"


def test_unsupported_extension(tmp_path):
    path = write(tmp_path, "plan.xyz", b"hello")
    assert reason(path) == "unsupported file type .xyz"


# ---- .docx -----------------------------------------------------------------------------

def make_docx(path: pathlib.Path) -> pathlib.Path:
    import docx

    document = docx.Document()
    document.add_paragraph("KẾ HOẠCH Triển khai chuyển đổi số")
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).text = "Nhiệm vụ"
    table.cell(0, 1).text = "Cơ quan chủ trì"
    table.cell(0, 2).text = "Thời gian"
    table.cell(1, 0).text = "Xây dựng cơ sở dữ liệu"
    merged = table.cell(1, 1).merge(table.cell(1, 2))
    merged.text = "Sở Khoa học và Công nghệ"
    document.add_paragraph("III. TỔ CHỨC THỰC HIỆN")
    document.save(path)
    return path


def test_docx_paragraphs_and_table_in_document_order(tmp_path):
    text = read_text(make_docx(tmp_path / "plan.docx"))
    assert text.split("\n") == [
        "KẾ HOẠCH Triển khai chuyển đổi số",
        "Nhiệm vụ", "Cơ quan chủ trì", "Thời gian",
        "Xây dựng cơ sở dữ liệu", "Sở Khoa học và Công nghệ",  # merged cell only once
        "III. TỔ CHỨC THỰC HIỆN",
    ]


def test_truncated_docx(tmp_path):
    data = make_docx(tmp_path / "full.docx").read_bytes()
    path = write(tmp_path, "half.docx", data[: len(data) // 2])
    assert "truncated or damaged .docx" in reason(path)


def test_docx_that_is_really_plain_text(tmp_path):
    path = write(tmp_path, "plan.docx", "Kế hoạch số 12/KH-UBND\nnội dung".encode())
    assert read_text(path) == "Kế hoạch số 12/KH-UBND\nnội dung"


def test_docx_that_is_really_binary(tmp_path):
    path = write(tmp_path, "plan.docx", b"\x01\x02\x00\x00" + os.urandom(500))
    assert reason(path) == "truncated or damaged .docx (not a zip archive)"


# ---- .pdf ------------------------------------------------------------------------------

PDF_LINES = ["KẾ HOẠCH Thực hiện Nghị quyết số 57-NQ/TW",
             "Phát triển khoa học, công nghệ, đổi mới sáng tạo",
             "và chuyển đổi số quốc gia năm 2025"]


def make_pdf(path: pathlib.Path, lines=PDF_LINES) -> pathlib.Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    if lines:
        pdf.add_font("DejaVu", fname=str(FONT))
        pdf.set_font("DejaVu", size=12)
        for line in lines:
            pdf.cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.rect(20, 20, 100, 50)  # a drawing and no text, like a scanned page
    pdf.output(str(path))
    return path


def test_pdf_vietnamese_text(tmp_path):
    text = read_text(make_pdf(tmp_path / "plan.pdf"))
    assert words(text) == words(" ".join(PDF_LINES))


def test_pdf_without_text_layer(tmp_path):
    path = make_pdf(tmp_path / "scan.pdf", lines=[])
    assert reason(path) == "PDF has no text layer (scanned image?)"


def test_encrypted_pdf(tmp_path):
    import pypdf

    writer = pypdf.PdfWriter(clone_from=str(make_pdf(tmp_path / "plain.pdf")))
    writer.encrypt("secret")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as f:
        writer.write(f)
    assert reason(path).startswith("encrypted PDF")


def test_damaged_pdf(tmp_path):
    data = make_pdf(tmp_path / "full.pdf").read_bytes()
    path = write(tmp_path, "bad.pdf", data[:200])
    assert reason(path).startswith(("damaged PDF", "PDF has no text layer"))


def test_txt_that_is_really_a_pdf(tmp_path):
    data = make_pdf(tmp_path / "plan.pdf").read_bytes()
    path = write(tmp_path, "plan.txt", data)
    assert words(read_text(path)) == words(" ".join(PDF_LINES))


def test_txt_that_is_really_a_docx(tmp_path):
    data = make_docx(tmp_path / "plan.docx").read_bytes()
    assert read_text(write(tmp_path, "plan.txt", data)).startswith("KẾ HOẠCH Triển khai")


# ---- .html -----------------------------------------------------------------------------

PAGE = """<!DOCTYPE html><html><head><meta charset="{charset}">
<title>Thư viện pháp luật</title><style>.x {{color: red}}</style></head>
<body><form id="aspnetForm">
<header><div class="logo">Trang chủ THƯ VIỆN</div></header>
<nav><ul><li>Văn bản mới</li><li>Menu tra cứu</li></ul></nav>
<script>var tracking = "ga-analytics";</script>
<div class="content1">
  <div class="toanvan">
    <p align="center"><b>KẾ HOẠCH</b><br>Triển khai   công tác
       chuyển đổi số năm 2025</p>
    <table><tr><td>UBND TỈNH GIA LAI</td><td>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</td></tr></table>
    <p>I. MỤC&nbsp;ĐÍCH, YÊU CẦU</p>
    <ul><li>Nâng cao nhận thức</li><li>Bảo đảm an toàn</li></ul>
  </div>
</div>
<div class="sidebar-box"><form><input name="q"> Tìm kiếm nhanh</form></div>
<footer>Bản quyền DMCA protected</footer>
</form></body></html>"""


def test_html_main_text_only(tmp_path):
    path = write(tmp_path, "plan.html", PAGE.format(charset="utf-8").encode("utf-8"))
    assert read_text(path).split("\n") == [
        "KẾ HOẠCH", "Triển khai công tác chuyển đổi số năm 2025",
        "UBND TỈNH GIA LAI", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "I. MỤC ĐÍCH, YÊU CẦU", "Nâng cao nhận thức", "Bảo đảm an toàn",
    ]


def test_html_without_content_element_uses_body(tmp_path):
    page = re.sub(r'class="content1"', 'class="main"', PAGE.format(charset="utf-8"))
    text = read_text(write(tmp_path, "plan.htm", page.encode("utf-8")))
    assert "I. MỤC ĐÍCH, YÊU CẦU" in text and "Nâng cao nhận thức" in text
    for noise in ("DMCA", "Menu tra cứu", "tracking", "Trang chủ", "color", "Tìm kiếm"):
        assert noise not in text


def test_html_in_bomless_utf16(tmp_path):
    page = PAGE.format(charset="utf-16")
    text = read_text(write(tmp_path, "plan.html", page.encode("utf-16-le")))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "DMCA" not in text


# ---- OS errors and limits ------------------------------------------------------------------

def test_missing_file(tmp_path):
    assert reason(tmp_path / "gone.txt") == "file disappeared while reading"


def test_permission_denied(tmp_path, monkeypatch):
    path = write(tmp_path, "secret.txt", b"text")

    def refuse(file, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(file))

    monkeypatch.setattr(readers.os, "open", refuse)
    assert reason(path) == "permission denied"


def test_file_too_large(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_BYTES", 2 * 1024 * 1024)
    path = write(tmp_path, "big.txt", b"a" * (3 * 1024 * 1024))
    assert reason(path) == "file too large (3 MB > 2 MB)"


def test_real_corpus_file_reads_verbatim():
    assert read_text(SAMPLE_FILE) == SAMPLE_FILE.read_text(encoding="utf-8")


def test_html_meta_charset_windows_1258(tmp_path):
    page = PAGE.format(charset="windows-1258")
    text = read_text(write(tmp_path, "plan.html", to_cp1258(page)))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "DMCA" not in text
