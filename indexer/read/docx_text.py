"""The text of a .docx, read from its XML in document order: body paragraphs and tables, and
what python-docx's paragraph API leaves out — content controls (w:sdt), text boxes
(w:txbxContent, read once although Word stores a fallback copy), tracked insertions — then the
headers, footers, footnotes and endnotes that carry sentences (page numbers are left out)."""
from __future__ import annotations

import re

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CONTAINERS = ("sdt", "sdtContent", "customXml", "ins", "moveTo", "smartTag", "hyperlink")
_NOTE_PARTS = ("/word/footnotes.xml", "/word/endnotes.xml")
_WORD = re.compile(r"\w+")
_SENTENCE_WORDS = 3   # side text with fewer words is a page number or a label, not a sentence


def docx_lines(document) -> list[str]:
    """Every line of a python-docx Document: the body, then side text that reads as text."""
    lines = list(_blocks(document.element.body, in_cell=False))
    seen = {line.strip() for line in lines}
    for element in _side_parts(document):
        for line in _blocks(element, in_cell=True):
            if _is_sentence(line) and line.strip() not in seen:
                seen.add(line.strip())
                lines.append(line)
    return lines


def _is_sentence(line: str) -> bool:
    """At least three words (counted in one linear pass: a pattern that tried every way of
    cutting a long word took 12 s on a 16 KB footnote)."""
    words = 0
    for _ in _WORD.finditer(line):
        words += 1
        if words >= _SENTENCE_WORDS:
            return True
    return False


def _local(element) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _blocks(container, in_cell: bool):
    """Lines of a body, cell, text box or note, in order; empty lines only outside cells."""
    for child in container:
        tag = _local(child)
        if tag == "p":
            text, boxes = _paragraph(child)
            if text.strip() or not in_cell:
                yield text
            for box in boxes:
                yield from _blocks(box, in_cell=True)
        elif tag == "tbl":
            for cell in _cells(child):
                yield from _blocks(cell, in_cell=True)
        elif tag in _CONTAINERS or tag in ("footnote", "endnote") and not child.get(W + "type"):
            yield from _blocks(child, in_cell)


def _cells(element):
    """The cells of a table in row order (rows and cells may sit inside content controls)."""
    for child in element:
        tag = _local(child)
        if tag == "tc":
            yield child
        elif tag in ("tr",) + _CONTAINERS:
            yield from _cells(child)


def _paragraph(p) -> tuple[str, list]:
    """(the paragraph's text, the text boxes anchored in it)."""
    parts: list[str] = []
    boxes: list = []
    _runs(p, parts, boxes)
    return "".join(parts), boxes


def _runs(element, parts: list[str], boxes: list) -> None:
    for child in element:
        tag = _local(child)
        if tag == "t":
            parts.append(child.text or "")
        elif tag in ("tab", "ptab"):
            parts.append("\t")
        elif tag in ("br", "cr"):
            parts.append("\n")
        elif tag == "noBreakHyphen":
            parts.append("-")
        elif tag == "txbxContent":
            boxes.append(child)
        elif tag not in ("pPr", "rPr", "Fallback", "del", "moveFrom", "instrText", "delText"):
            _runs(child, parts, boxes)


def _side_parts(document) -> list:
    """Root elements of the headers and footers (each once) and of the note parts."""
    out, seen = [], set()
    for section in document.sections:
        for part in (section.header, section.first_page_header, section.even_page_header,
                     section.footer, section.first_page_footer, section.even_page_footer):
            if not part.is_linked_to_previous and id(part._element) not in seen:
                seen.add(id(part._element))
                out.append(part._element)
    for part in document.part.package.iter_parts():
        if str(part.partname) in _NOTE_PARTS:
            out.append(_element_of(part))
    return [e for e in out if e is not None]


def _element_of(part):
    element = getattr(part, "element", None)
    if element is not None:
        return element
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(part.blob, parser)
