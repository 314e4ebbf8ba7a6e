"""Text bytes to text: UTF-8 (BOM or not), UTF-16/32, legacy Vietnamese code pages; a binary
file is refused. Shared by the plain-text and HTML readers."""
from __future__ import annotations

import codecs
import re

_VIETNAMESE = re.compile("[ăâđêôơưĂÂĐÊÔƠƯ\u0300\u0301\u0303\u0309\u0323]")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f\ufffd]")


class UnreadableFile(Exception):
    """A file that cannot be read; str(exc) is a short reason a person understands."""


def decode_text(data: bytes) -> str:
    """Decode text bytes: UTF-8 (BOM or not), UTF-16/32 (BOM or NUL pattern), else legacy."""
    if not data.strip():
        raise UnreadableFile("empty file")
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                       (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return _checked(data.decode(codec, errors="replace"))
    utf16 = _bomless_utf16(data)
    if utf16:
        return _checked(data.decode(utf16, errors="replace"))
    # a NUL byte or two (a stray byte of an editor or a transfer) is not a binary file: the
    # share of control characters decides (_checked), and NULs are dropped from the text
    try:
        return _checked(data.decode("utf-8"))
    except UnicodeDecodeError:
        return _checked(_legacy(data))


def _bomless_utf16(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NULs sit at alternating positions (mostly-ASCII UTF-16)."""
    sample = data[:4096]
    half = len(sample) // 2
    if half < 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _legacy(data: bytes) -> str:
    """Windows-1258 when it yields Vietnamese, else charset-normalizer's best guess."""
    try:
        text = data.decode("cp1258")
        if _VIETNAMESE.search(text):
            return text
    except UnicodeDecodeError:
        text = None
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        return str(best)
    if text is None:
        raise UnreadableFile("binary file, not text")
    return text


def _checked(text: str) -> str:
    """Refuse decoded text that is mostly control characters (a binary file); drop NULs (a NUL
    ends a C string: the embedding of a passage stopped at it)."""
    if len(_CONTROL.findall(text)) > max(2, 0.02 * len(text)):
        raise UnreadableFile("binary file, not text")
    return text.replace("\x00", "")
