"""The "slow patterns" family of python -m tools.reliability: every reader and query path, fed a
crafted input at 1x and 4x its size, must take at most LINEAR_LIMIT (6) times as much CPU time at
4x (a quadratic path takes 16 times as much). Inputs are the shapes that were slow once: blank
runs, dot leaders, long words, many short lines, em spaces, many figures, long queries."""
from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Callable

from tools.growth import LINEAR_LIMIT, growth
from tools.trials import Outcome


def _docx(path: Path, body: list[str], header: str = "") -> Path:
    import docx

    document = docx.Document()
    for line in body:
        document.add_paragraph(line)
    if header:
        document.sections[0].header.paragraphs[0].text = header
    document.save(str(path))
    return path


def pdf_with_stream(nbytes: int) -> bytes:
    """One page whose content stream draws the same line of text over and over."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(612, 792)
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})})
    op = b"BT /F1 12 Tf 72 700 Td (Ke hoach so 1) Tj ET\n"
    stream = DecodedStreamObject()
    stream.set_data(op * (nbytes // len(op)))
    page[NameObject("/Contents")] = writer._add_object(stream)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _file_reader(folder: Path, suffix: str, make_bytes: Callable[[int], bytes]) -> Callable[[int], Path]:
    def make(n: int) -> Path:
        path = folder / f"input-{n}{suffix}"
        path.write_bytes(make_bytes(n))
        return path
    return make


def _reader_cases(folder: Path) -> list[tuple[str, Callable, Callable, int]]:
    from indexer.models import Document
    from indexer.read.formats import read_text
    from indexer.read.html_text import html_text
    from indexer.read.metadata import extract_metadata
    from indexer.structure.passages import passages_for
    from indexer.text import is_boilerplate_line

    def passages(text: str):
        return passages_for(Document("x.txt", text, extract_metadata(text), "x"))

    def docx_with(n: int, header: str = "", body: list[str] | None = None) -> Path:
        return _docx(folder / f"d{n}-{len(header)}.docx", body or ["KẾ HOẠCH", "Nội dung."], header)

    return [
        ("masthead padded with spaces", lambda n: "ỦY BAN NHÂN DÂN" + " " * n + "x\nKẾ HOẠCH\n", extract_metadata, 16384),
        ("masthead padded with em spaces", lambda n: "UBND" + "\u2003" * n + "x\nKẾ HOẠCH\n", extract_metadata, 16384),
        ("date line after a blank run", lambda n: "UBND\nGia Lai" + " " * n + ", ngày 1 tháng 2 năm 2025\n",
         extract_metadata, 16384),
        ("line of dots ending in a letter", lambda n: "1" + "." * n + "a", is_boilerplate_line, 8192),
        ("many short lines", lambda n: "KẾ HOẠCH\nI. MỤC TIÊU\n" + "Câu một.\n" * (n // 9), passages, 36000),
        ("a line of em spaces", lambda n: "KẾ HOẠCH\nI. MỤC TIÊU\nTỷ lệ 95%" + "\u2003" * n + "x.\n", passages, 8192),
        (".txt with long lines", _file_reader(folder, ".txt", lambda n: ("Dòng " + "chữ " * n + "\n").encode() * 4),
         read_text, 8192),
        (".html with many paragraphs", lambda n: ("<html><body>" + "<p>Đoạn văn bản.</p>" * (n // 20)
                                                   + "</body></html>").encode(), html_text, 40000),
        (".docx with a long word in its header", lambda n: docx_with(n, header="a" * n), read_text, 16384),
        (".docx with many paragraphs", lambda n: docx_with(n, body=["Câu một hai ba."] * (n // 16)),
         read_text, 16384),
        (".pdf with a long content stream", _file_reader(folder, ".pdf", pdf_with_stream), read_text, 30000),
    ]


def _query_cases(searcher) -> list[tuple[str, Callable, Callable, int]]:
    from search.compare.figure_table import figures_for
    from search.compare.figures import extract_figures
    from search.query import analyze_query

    return [
        ("figures on em spaces", lambda n: ("Tỷ lệ 95%" + "\u2003" * 50) * (n // 50), extract_figures, 8192),
        ("many figures in one clause", lambda n: "tỷ lệ " + "1% " * (n // 3), extract_figures, 4096),
        ("many deadlines in one sentence", lambda n: "hoàn thành " + "trước ngày 25/11 hằng năm " * (n // 25),
         extract_figures, 8192),
        ("a long query (analysis)", lambda n: "nhà ở xã hội " * (n // 13), lambda q: analyze_query(q, ()), 4096),
        ("a long query (search)", lambda n: "nhà ở xã hội " * (n // 13), lambda q: searcher.search(q, k=10), 4096),
        ("a long figures query", lambda n: "tỷ lệ bao phủ bảo hiểm y tế " * (n // 28),
         lambda q: figures_for(searcher.search(q, k=10), q, searcher), 4096),
    ]


def _measure(name: str, make, call, n: int) -> Outcome:
    try:
        t1, t4, ratio = growth(make, call, n)
    except Exception as e:   # a reader refusing its input is fine only when it does so at both sizes
        return Outcome(name, False, f"{type(e).__name__}: {e}")
    return Outcome(name, ratio <= LINEAR_LIMIT, f"{t1 * 1000:.1f} ms at 1x, {t4 * 1000:.1f} ms at 4x: x{ratio:.1f}")


def slow_pattern_trials(searcher) -> list[Outcome]:
    """Every case at 1x and 4x; searcher: a Searcher for the query paths (a fake-embedded one)."""
    with tempfile.TemporaryDirectory(prefix="slow-patterns-") as tmp:
        cases = _reader_cases(Path(tmp)) + _query_cases(searcher)
        return [_measure(name, make, call, n) for name, make, call, n in cases]
