"""Text a .docx keeps outside plain body paragraphs is read: content controls (block and
inline), text boxes (once, although Word stores a fallback copy), tracked insertions, headers
and footnotes that carry sentences; page numbers and deleted text are not."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from indexer.read.formats import read_text

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
NS = (W + ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
      ' xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
      ' xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
      ' xmlns:v="urn:schemas-microsoft-com:vml"')


def p(text: str) -> str:
    return f"<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"


BODY = (
    p("KẾ HOẠCH Thực hiện chính sách xã hội")
    + "<w:sdt><w:sdtPr/><w:sdtContent>" + p("Đoạn trong điều khiển nội dung cấp khối") + "</w:sdtContent></w:sdt>"
    + "<w:p><w:r><w:t>Trước </w:t></w:r><w:sdt><w:sdtContent><w:r><w:t>chữ trong ô nhập</w:t></w:r>"
      "</w:sdtContent></w:sdt><w:r><w:t> sau.</w:t></w:r></w:p>"
    + "<w:p><w:r><w:t>Neo hộp:</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\">"
      "<wps:txbx><w:txbxContent>" + p("Chỉ tiêu trong hộp văn bản đạt 95%") + "</w:txbxContent></wps:txbx>"
      "</mc:Choice><mc:Fallback><v:textbox><w:txbxContent>" + p("Chỉ tiêu trong hộp văn bản đạt 95%")
    + "</w:txbxContent></v:textbox></mc:Fallback></mc:AlternateContent></w:r></w:p>"
    + "<w:p><w:ins><w:r><w:t>Câu được chèn khi theo dõi thay đổi.</w:t></w:r></w:ins>"
      "<w:del><w:r><w:delText>Câu đã xóa.</w:delText></w:r></w:del></w:p>"
    + "<w:tbl><w:tr><w:sdt><w:sdtContent><w:tc>" + p("Ô bảng trong điều khiển") + "</w:tc></w:sdtContent></w:sdt>"
      "<w:tc>" + p("Ô thường") + "</w:tc></w:tr></w:tbl>"
    + "<w:p><w:r><w:t>Có chú thích</w:t></w:r><w:r><w:footnoteReference w:id=\"1\"/></w:r></w:p>"
    + "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rIdH\"/></w:sectPr>")

FILES = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        '<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>'
        '<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>'
        '</Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
        '</Relationships>'),
    "word/_rels/document.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rIdH" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>'
        '<Relationship Id="rIdF" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>'
        '</Relationships>'),
    "word/document.xml": f'<?xml version="1.0" encoding="UTF-8"?><w:document {NS}><w:body>{BODY}</w:body></w:document>',
    "word/header1.xml": (f'<?xml version="1.0" encoding="UTF-8"?><w:hdr {NS}>' + p("Ủy ban nhân dân tỉnh Gia Lai")
                         + p("7") + "</w:hdr>"),
    "word/footnotes.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><w:footnotes {NS}>'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:id="1">' + p("Theo Nghị quyết số 42-NQ/TW của Ban Chấp hành Trung ương") + "</w:footnote>"
        "</w:footnotes>"),
}


def make(path: Path) -> Path:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in FILES.items():
            z.writestr(name, text)
    path.write_bytes(buf.getvalue())
    return path


def test_hidden_text_is_read_once_in_document_order(tmp_path):
    lines = read_text(make(tmp_path / "plan.docx")).split("\n")
    assert lines[:2] == ["KẾ HOẠCH Thực hiện chính sách xã hội", "Đoạn trong điều khiển nội dung cấp khối"]
    assert "Trước chữ trong ô nhập sau." in lines
    assert lines.count("Chỉ tiêu trong hộp văn bản đạt 95%") == 1
    assert lines.index("Chỉ tiêu trong hộp văn bản đạt 95%") == lines.index("Neo hộp:") + 1
    assert "Câu được chèn khi theo dõi thay đổi." in lines and "Câu đã xóa." not in "\n".join(lines)
    assert lines.index("Ô bảng trong điều khiển") + 1 == lines.index("Ô thường")


def test_headers_and_footnotes_with_sentences_come_after_the_body(tmp_path):
    lines = read_text(make(tmp_path / "plan.docx")).split("\n")
    assert lines[-2:] == ["Ủy ban nhân dân tỉnh Gia Lai",
                          "Theo Nghị quyết số 42-NQ/TW của Ban Chấp hành Trung ương"]
    assert "7" not in lines                      # a page number is not text
