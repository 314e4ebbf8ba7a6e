"""Read one corpus file (.txt, .md, .docx, .pdf, .html) into text, or say in words why not.

The returned text is NFC with "\n" line breaks; otherwise plain-text files come back as written,
so passages can be verbatim slices of it. Heavy libraries are imported only when needed.
"""
from __future__ import annotations

import hashlib
import io
import os
import pathlib
import stat
import time
import unicodedata

from indexer.read.decode import UnreadableFile, decode_text

MAX_BYTES = 50 * 1024 * 1024
MAX_UNPACKED = 64 * 1024 * 1024    # a .docx's parts, unpacked (pictures included)
# A .docx's XML, unpacked: 10 MB of Word XML is about 3 MB of text (a thousand pages); more is
# a crafted file (a 54 KB .docx unpacking to 15 MB of XML took 373 s to check).
MAX_UNPACKED_XML = 10 * 1024 * 1024
MAX_SECONDS = 60.0                 # reading one PDF stops when it passes this, inside a page too
MAX_PAGE_CONTENT = 1 * 1024 * 1024  # a PDF page's content stream (decoded): more is a drawing
SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")

def read_text(path: pathlib.Path) -> str:
    """Return the document's text, or raise UnreadableFile(reason)."""
    return read_text_and_digest(path)[0]


def read_text_and_digest(path: pathlib.Path) -> tuple[str, str]:
    """(the document's text, sha256 of the bytes it was read from): one read of the file."""
    path = pathlib.Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnreadableFile(f"unsupported file type {suffix or '(no extension)'}")
    data = _read_bytes(path)
    if not data.strip():
        raise UnreadableFile("empty file")
    kind = _sniff(data)
    if kind is None and suffix in (".docx", ".pdf"):
        text = _misnamed(data, suffix)
    else:
        text = _extract(data, kind or suffix)
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        raise UnreadableFile("PDF has no text layer (scanned image?)" if kind == ".pdf" else "empty file")
    return text, hashlib.sha256(data).hexdigest()


def _extract(data: bytes, kind: str) -> str:
    """Text of the bytes read as the given type (a suffix)."""
    if kind == ".pdf":
        return _pdf_text(data)
    if kind == ".docx":
        return _docx_text(data)
    if kind in (".html", ".htm"):
        from indexer.read.html_text import html_text

        return html_text(data)
    return decode_text(data)


def _read_bytes(path: pathlib.Path) -> bytes:
    """The file's bytes; size limit and OS errors become UnreadableFile. Opened without
    blocking and checked to be a regular file before any read: a FIFO or a device put in
    place of a file (or a link to one) is refused instead of hanging or reading forever."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except PermissionError:
        raise UnreadableFile("permission denied") from None
    except FileNotFoundError:
        raise UnreadableFile("file disappeared while reading") from None
    except IsADirectoryError:
        raise UnreadableFile("a folder, not a file") from None
    except OSError as e:
        raise UnreadableFile(f"cannot read the file ({e.strerror or e})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile("a folder, not a file" if stat.S_ISDIR(info.st_mode)
                                 else "not a regular file (a FIFO, a device or a socket): never read")
        if info.st_size > MAX_BYTES:
            raise UnreadableFile(f"file too large ({info.st_size // 2**20} MB > {MAX_BYTES // 2**20} MB)")
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(MAX_BYTES + 1)
    except IsADirectoryError:
        raise UnreadableFile("a folder, not a file") from None
    except OSError as e:
        raise UnreadableFile(f"cannot read the file ({e.strerror or e})") from None
    finally:
        os.close(fd)
    if len(data) > MAX_BYTES:  # grew after stat
        raise UnreadableFile(f"file too large (> {MAX_BYTES // 2**20} MB)")
    return data


def _sniff(data: bytes) -> str | None:
    """The content type the magic bytes reveal, whatever the file's suffix says."""
    if data[:1024].lstrip().startswith(b"%PDF"):
        return ".pdf"
    if data.startswith(b"PK\x03\x04"):
        return ".docx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile("old Word .doc (or other OLE) format, not .docx: save it as .docx")
    return None


def _misnamed(data: bytes, suffix: str) -> str:
    """A .docx or .pdf without its signature: plain text under the wrong name, or damaged."""
    try:
        return decode_text(data)
    except UnreadableFile:
        if suffix == ".pdf":
            raise UnreadableFile("damaged PDF: no %PDF header") from None
        raise UnreadableFile("truncated or damaged .docx (not a zip archive)") from None


# ---- .docx ---------------------------------------------------------------------------------

def _docx_text(data: bytes) -> str:
    """Body paragraphs and tables in document order, one paragraph per line, with content
    controls, text boxes, and side text (headers, footnotes) that carries sentences."""
    import docx

    from indexer.read.docx_text import docx_lines

    try:
        _check_unpacked_size(data)
        document = docx.Document(io.BytesIO(data))
        return "\n".join(docx_lines(document))
    except UnreadableFile:
        raise
    except KeyError:
        raise UnreadableFile("zip archive, not a .docx (no word/document.xml)") from None
    except Exception as e:  # zipfile.BadZipFile, lxml errors, python-docx ValueError
        raise UnreadableFile(f"truncated or damaged .docx ({type(e).__name__})") from None


def _check_unpacked_size(data: bytes) -> None:
    """Refuse a zip bomb: the parts of a .docx unpack to at most MAX_UNPACKED bytes, its XML
    parts to at most MAX_UNPACKED_XML."""
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
    unpacked = sum(info.file_size for info in infos)
    xml = sum(info.file_size for info in infos if info.filename.lower().endswith((".xml", ".rels")))
    if unpacked > MAX_UNPACKED:
        raise UnreadableFile(f".docx unpacks to {unpacked // 2**20} MB (> {MAX_UNPACKED // 2**20} MB)")
    if xml > MAX_UNPACKED_XML:
        raise UnreadableFile(f".docx text parts unpack to {xml / 2**20:.1f} MB of XML "
                             f"(> {MAX_UNPACKED_XML // 2**20} MB)")


# ---- .pdf ----------------------------------------------------------------------------------

def _pdf_text(data: bytes) -> str:
    """The text layer of every page, pages joined by a line break."""
    import pypdf
    from pypdf.errors import DependencyError

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except DependencyError:
                raise UnreadableFile("encrypted PDF (needs the cryptography package)") from None
            if not opened:
                raise UnreadableFile("encrypted PDF")
        return "\n".join(_pdf_pages(reader, time.monotonic() + MAX_SECONDS))
    except UnreadableFile:
        raise
    except Exception as e:  # pypdf raises many kinds on damaged files
        raise UnreadableFile(f"damaged PDF: {e or type(e).__name__}") from None


class _TooSlow(Exception):
    pass


def _pdf_pages(reader, deadline: float):
    """Each page's text; the time bound is checked between pages and, through pypdf's operator
    visitor, inside a page, and a page's content stream is capped (its parsing cannot be
    interrupted): one page with an 8 MB stream took 122 s past a bound checked between pages."""
    def check(*_):
        if time.monotonic() > deadline:
            raise _TooSlow

    for number, page in enumerate(reader.pages, 1):
        if time.monotonic() > deadline:
            raise UnreadableFile(f"PDF takes too long to read (over {MAX_SECONDS:.0f} s by page {number})")
        contents = page.get_contents()
        size = len(contents.get_data()) if contents is not None else 0
        if size > MAX_PAGE_CONTENT:
            raise UnreadableFile(f"PDF page {number} has {size / 2**20:.1f} MB of drawing instructions "
                                 f"(> {MAX_PAGE_CONTENT // 2**20} MB): not a text page")
        try:
            yield page.extract_text(visitor_operand_before=check) or ""
        except _TooSlow:
            raise UnreadableFile(f"PDF takes too long to read (over {MAX_SECONDS:.0f} s in page {number})") from None
