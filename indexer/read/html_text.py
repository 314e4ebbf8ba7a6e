"""The main text of a saved web page (legal portals): the content element if one is marked,
else the body, a line per block element. One parse and two passes over the tree, each linear in
its size, without recursion: deep nesting costs no more than its bytes."""
from __future__ import annotations

import codecs
import re

from bs4 import BeautifulSoup, CData, NavigableString   # this module is imported only for HTML

from indexer.read.decode import decode_text

_CONTENT_NAMES = ("content1", "toanvancontent", "vbnoidung", "noidung", "fulltext")
_NEVER_TEXT = ("script", "style", "noscript", "template", "head", "iframe", "svg")
_CHROME = ("nav", "header", "footer", "aside", "form")
_BLOCKS = ("p", "div", "li", "tr", "td", "th", "table", "h1", "h2", "h3", "h4", "h5", "h6",
           "ul", "ol", "section", "article", "blockquote", "pre", "center", "dd", "dt")


def html_text(data: bytes) -> str:
    """Main text of a saved web page: the content element if one is marked, else the body.
    One parse and two passes over the tree, each linear in its size (deep nesting included)."""
    soup = BeautifulSoup(_html_decode(data), "html.parser")
    lengths = _text_lengths(soup)
    root = _content_root(soup, lengths)
    return _flatten(root, lengths)


def _html_decode(data: bytes) -> str:
    """Decode by BOM, then the meta charset, then like a text file."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_text(data)
    meta = re.search(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", data[:4096], re.I)
    if meta:
        try:
            return data.decode(meta.group(1).decode("ascii"), errors="replace")
        except LookupError:
            pass
    return decode_text(data)


def _text_lengths(soup) -> dict[int, tuple[int, int]]:
    """id(tag) -> (length of its text, of its text with each string stripped), leaving out
    what is never text; computed bottom-up without recursion."""
    lengths: dict[int, tuple[int, int]] = {}
    stack = [(soup, False)]
    while stack:
        node, done = stack.pop()
        if done:
            raw = stripped = 0
            for child in node.contents:
                if _is_text(child):
                    raw, stripped = raw + len(child), stripped + len(child.strip())
                elif id(child) in lengths:
                    raw, stripped = raw + lengths[id(child)][0], stripped + lengths[id(child)][1]
            lengths[id(node)] = (raw, stripped)
            continue
        stack.append((node, True))
        stack.extend((c, False) for c in node.contents if _is_tag(c) and c.name not in _NEVER_TEXT)
    return lengths


def _is_tag(node) -> bool:
    return getattr(node, "contents", None) is not None and getattr(node, "name", None) is not None


def _is_text(node) -> bool:
    return type(node) in (NavigableString, CData)


def _content_root(soup, lengths):
    """The largest element whose id/class names the document content, else body or page."""
    def named(tag, names):
        marks = " ".join([tag.get("id") or ""] + list(tag.get("class") or [])).lower()
        return any(n in marks for n in names)

    for names in (_CONTENT_NAMES, ("content",)):
        found = [t for t in soup.find_all(lambda t: named(t, names)) if id(t) in lengths]
        if found:
            return max(found, key=lambda t: lengths[id(t)][1])
    return soup.body or soup


def _flatten(root, lengths: dict[int, tuple[int, int]]) -> str:
    """Text with a line per block element; runs of spaces in a line collapsed, no blank lines.
    Never-text elements and comments are left out, and so is page chrome (nav, header, ...;
    ASP.NET portals wrap the whole page in one <form>: a form holding most text is kept)."""
    half = lengths[id(root)][0] / 2
    parts: list[str] = []
    stack: list = [(root, 0)]
    while stack:
        node, pre = stack.pop()
        if type(node) is _Marker:            # pushed below: a block's closing break
            parts.append(node)
        elif _is_text(node):
            parts.append(node if pre or type(node) is not NavigableString else re.sub(r"\s+", " ", node))
        elif _is_tag(node) and _kept(node, lengths, half):
            if node.name == "br":
                parts.append("\n")
                continue
            block = "\n" if node.name in _BLOCKS else ""
            parts.append(block)
            stack.append((_Marker(block), pre))
            inner = pre + (node.name == "pre")
            stack.extend((child, inner) for child in reversed(node.contents))
    lines = (re.sub(r"[ \t\xa0]+", " ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


class _Marker(str):
    """Text the flattening walk emits after an element's children (a block's closing break)."""


def _kept(tag, lengths: dict[int, tuple[int, int]], half: float) -> bool:
    if tag.name in _NEVER_TEXT:
        return False
    if tag.name in _CHROME:
        return tag.name == "form" and lengths.get(id(tag), (0, 0))[0] >= half
    return True
