"""Every reader and query pattern a crafted file or query reaches runs in linear time: its CPU
time on a 4x input stays under LINEAR_LIMIT (6) times its time on the 1x input (a quadratic
pattern gives 16), or, where the work can be counted, the steps are counted."""
from __future__ import annotations

from types import SimpleNamespace

from indexer.read.formats import read_text
from indexer.read.metadata import extract_metadata
from indexer.structure.sections import Line, _with_continuation
from indexer.text import is_boilerplate_line
from search.compare import figure_table
from search.compare.figures import extract_figures
from tests.unit import test_docx_hidden_text as docx_fixture
from tools.growth import LINEAR_LIMIT, growth
from tools.trials_slow import pdf_with_stream


def assert_linear(make, call, n):
    t1, t4, ratio = growth(make, call, n)
    assert ratio <= LINEAR_LIMIT, f"{t1:.4f}s at 1x, {t4:.4f}s at 4x: x{ratio:.1f}"


def test_masthead_padded_with_spaces_is_read_in_linear_time():
    # 8-17 s at 16,384 spaces before: the cell split and the date line tried every split of the run
    assert_linear(lambda n: "ỦY BAN NHÂN DÂN" + " " * n + "x\nKẾ HOẠCH\n", extract_metadata, 16384)
    assert_linear(lambda n: "ỦY BAN NHÂN DÂN" + "\u2003" * n + "x\nKẾ HOẠCH\n", extract_metadata, 16384)
    assert_linear(lambda n: "UBND\nGia Lai" + " " * n + ", ngày 1 tháng 2 năm 2025\nKẾ HOẠCH\n",
                  extract_metadata, 16384)


def test_padded_masthead_reads_as_with_a_few_spaces():
    def masthead(pad):
        return ("ỦY BAN NHÂN DÂN" + pad + "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTỈNH GIA LAI\nSố: 12/KH-UBND"
                + pad + "Gia Lai, ngày 28 tháng 3 năm 2025\nKẾ HOẠCH\nThực hiện chính sách\n")
    meta = extract_metadata(masthead(" " * 500))
    assert meta == extract_metadata(masthead("   "))
    assert (meta.number, meta.date, meta.title) == ("12/KH-UBND", "2025-03-28", "Thực hiện chính sách")


def test_line_of_dots_is_checked_in_linear_time():
    # 3.3 s at 16k dots before
    assert_linear(lambda n: "1" + "." * n + "a", is_boilerplate_line, 8192)
    assert is_boilerplate_line("1.2.3") and not is_boilerplate_line("1" + "." * 50 + "a")


def test_long_word_in_a_docx_footnote_is_read_in_linear_time(tmp_path):
    def make(n):
        files = dict(docx_fixture.FILES)
        files["word/footnotes.xml"] = files["word/footnotes.xml"].replace(
            "Theo Nghị quyết số 42-NQ/TW của Ban Chấp hành Trung ương", "a" * n)   # one word, no sentence
        path = tmp_path / f"note{n}.docx"
        docx_fixture.FILES, saved = files, docx_fixture.FILES
        try:
            return docx_fixture.make(path)
        finally:
            docx_fixture.FILES = saved
    # 12 s for a 16 KB word before
    assert_linear(make, read_text, 16384)
    from indexer.read.docx_text import _is_sentence

    assert _is_sentence("Theo Nghị quyết số") and not _is_sentence("Trang 7") and not _is_sentence("a" * 99)


def test_continued_heading_lines_are_joined_without_copying_the_rest():
    class Counting(list):
        touched = 0

        def __getitem__(self, key):
            got = super().__getitem__(key)
            Counting.touched += len(got) if isinstance(key, slice) else 1
            return got

    n = 20000
    lines = Counting(Line(i + 1, 0, 0, "Câu một.") for i in range(n))
    continued = frozenset({3, 4})
    assert _with_continuation(lines, 1, continued) == "Câu một. Câu một. Câu một."
    Counting.touched = 0
    for i in range(n):
        _with_continuation(lines, i, continued)
    assert Counting.touched <= 3 * n    # 200 million before (the rest of the list, for every line)


def test_figures_on_a_line_of_em_spaces_are_read_in_linear_time():
    # 15-66 s per figures search before, for a 32k em-space line in a passage
    assert_linear(lambda n: ("Tỷ lệ 95%" + "\u2003" * 50) * (n // 50), extract_figures, 8192)
    assert_linear(lambda n: "tỷ lệ " + "1% " * (n // 3), extract_figures, 4096)
    assert_linear(lambda n: "trẻ em " + "dưới 5 tuổi bị suy dinh dưỡng dưới 15% " * (n // 40),
                  extract_figures, 8192)
    assert_linear(lambda n: "hoàn thành " + "trước ngày 25/11 hằng năm " * (n // 25), extract_figures, 8192)
    f = extract_figures("Đến năm 2030,\u2003\u2003tỷ lệ\u2003dân số tham gia BHYT đạt 95%.")
    assert (f[-1].value_text, f[-1].measure, f[-1].target_year) == ("đạt 95%", "tỷ lệ dân số tham gia BHYT", 2030)


def test_the_figures_query_is_cut_like_every_search():
    seen = []

    class Searcher:
        def search(self, query, **kw):
            seen.append(query)
            return SimpleNamespace(groups=(), query=SimpleNamespace(kind="topic", text=query), weak=False)

    figure_table.figure_table(Searcher(), "nhà ở xã hội " * 5000)
    assert seen and len(seen[0]) <= 1000


def test_pdf_page_with_a_huge_content_stream_is_refused_unparsed(tmp_path):
    import time

    import pytest

    from indexer.read.formats import UnreadableFile

    path = tmp_path / "map.pdf"
    path.write_bytes(pdf_with_stream(1_200_000))   # 122 s for 8 MB before, read to the end
    start = time.process_time()
    with pytest.raises(UnreadableFile, match="page 1 has 1.1 MB"):
        read_text(path)
    assert time.process_time() - start < 2


def test_pdf_time_bound_holds_inside_a_page(tmp_path, monkeypatch):
    import pytest

    from indexer.read import formats

    path = tmp_path / "slow.pdf"
    path.write_bytes(pdf_with_stream(60_000))
    monkeypatch.setattr(formats, "MAX_SECONDS", 0.0)   # past the bound once the page has started
    monkeypatch.setattr(formats.time, "monotonic", iter([0.0, 0.0] + [1.0] * 10**6).__next__)
    with pytest.raises(formats.UnreadableFile, match="too long to read .* in page 1"):
        read_text(path)


def test_docx_whose_xml_unpacks_past_the_cap_is_refused_unread(tmp_path):
    import io
    import time
    import zipfile

    import pytest

    from indexer.read.formats import MAX_UNPACKED_XML, UnreadableFile

    para = "<w:p><w:r><w:t>Câu một hai ba.</w:t></w:r></w:p>"
    files = dict(docx_fixture.FILES)
    files["word/document.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?><w:document {docx_fixture.NS}><w:body>'
                                  + para * (MAX_UNPACKED_XML // len(para) + 1000) + "</w:body></w:document>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text)
    path = tmp_path / "bomb.docx"
    path.write_bytes(buf.getvalue())
    assert path.stat().st_size < 100_000     # 373 s to check a 54 KB .docx of 15 MB XML before
    start = time.process_time()
    with pytest.raises(UnreadableFile, match="MB of XML"):
        read_text(path)
    assert time.process_time() - start < 2
