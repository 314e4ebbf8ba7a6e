"""Intake of a new document (the page's upload, `python -m indexer --add`): the bytes are checked
(type by content, size cap, readable text, not already in the corpus), what the indexer will learn
from them is shown, and they are saved into the corpus under a name made here (never the
client's). Only documents added this way (their names start with UPLOAD_PREFIX) can be removed
again: the operator's own corpus files are not the visitors' to delete."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from indexer.models import Document, DocumentMetadata
from indexer.read.corpus import corpus_files
from indexer.read.formats import UnreadableFile, read_text
from indexer.read.metadata import extract_metadata
from indexer.read.sidecar import SidecarError, check_field
from indexer.structure.passages import passages_for
from indexer.text import fold_accents, printable

MAX_UPLOAD_BYTES = 20 * 2**20
MAX_FILES = 10
UPLOAD_PREFIX = "upload-"
UPLOAD_NAME_RE = re.compile(r"^upload-[a-z0-9-]{0,80}-[0-9a-f]{12}\.(?:pdf|docx|txt|html)$")
# The fields a person may correct before adding (and later): DocumentMetadata names.
EDITABLE = ("doc_type", "number", "issuer", "date", "year", "province", "level", "title")
# Problems, by code; the page shows its own Vietnamese text for each code.
PROBLEMS = {"too_large": "file too large", "empty": "empty file", "unreadable": "cannot be read",
            "duplicate": "already in the corpus", "no_passages": "no searchable text",
            "too_many": "too many files at once"}


@dataclass(frozen=True)
class Checked:
    """One uploaded file as checked: what was found, or the problem (a PROBLEMS code) and why."""

    data: bytes
    sha256: str
    kind: str = ""                 # ".pdf", ".docx", ".html", ".txt": from the content
    metadata: DocumentMetadata = DocumentMetadata()
    passages: int = 0
    sections: int = 0              # distinct section paths of the passages
    articles: int = 0              # distinct "Điều N." headings (a legal text)
    problem: str = ""
    detail: str = ""               # the reader's reason, the duplicate's name, the size
    name: str = ""                 # the safe corpus file name it would be saved as

    @property
    def ok(self) -> bool:
        return not self.problem


def sniff_kind(data: bytes) -> str:
    """The file type the content shows, whatever its name says."""
    head = data[:2048].lstrip()
    if head.startswith(b"%PDF") or b"%PDF" in data[:1024]:
        return ".pdf"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        return ".docx"   # a zip (or an old .doc), read and refused by the .docx reader if not one
    lower = head.lower()
    if lower.startswith(b"<!doctype html") or b"<html" in lower or b"<body" in lower:
        return ".html"
    return ".txt"


def read_bytes_text(data: bytes, kind: str) -> str:
    """The text the corpus reader gets from these bytes as this kind (UnreadableFile if none)."""
    with tempfile.TemporaryDirectory(prefix="plansearch-intake-") as tmp:
        path = Path(tmp) / f"upload{kind}"
        path.write_bytes(data)
        return read_text(path)


def corpus_hashes(corpus: Path) -> dict[str, str]:
    """sha256 of every document of the corpus -> its name."""
    out = {}
    for path in corpus_files(corpus):
        try:
            out[hashlib.sha256(path.read_bytes()).hexdigest()] = path.relative_to(corpus).as_posix()
        except OSError:
            continue
    return out


def check(data: bytes, corpus: Path, known: dict[str, str] | None = None) -> Checked:
    """Every check on one file's bytes; known (sha256 -> name) defaults to the corpus' hashes."""
    digest = hashlib.sha256(data).hexdigest()
    if len(data) > MAX_UPLOAD_BYTES:
        return Checked(data, digest, problem="too_large", detail=f"{len(data) / 2**20:.1f} MB")
    if not data.strip():
        return Checked(data, digest, problem="empty")
    known = corpus_hashes(corpus) if known is None else known
    if digest in known:
        return Checked(data, digest, problem="duplicate", detail=known[digest])
    kind = sniff_kind(data)
    try:
        text = read_bytes_text(data, kind)
    except UnreadableFile as e:
        return Checked(data, digest, kind, problem="empty" if str(e) == "empty file" else "unreadable",
                       detail=str(e))
    return learned(data, digest, kind, text)


def learned(data: bytes, digest: str, kind: str, text: str) -> Checked:
    """What the indexer will learn from a readable file: metadata, sections, passages."""
    meta = extract_metadata(text)
    name = safe_name(meta, digest, kind)
    passages = passages_for(Document(name, text, meta, digest))
    if not passages:
        return Checked(data, digest, kind, meta, problem="no_passages", name=name)
    paths = {p.section for p in passages if p.section}
    articles = {h for p in passages for h in p.section if re.match(r"Điều \d+", h)}
    return Checked(data, digest, kind, meta, len(passages), len(paths), len(articles), name=name)


def safe_name(meta: DocumentMetadata, digest: str, kind: str) -> str:
    """ "upload-ke-hoach-743-kh-ubnd-2cf1338897e2.pdf": type and number (or title) of the document,
    in lower-case ASCII, and its hash; nothing the client sent."""
    words = " ".join(x for x in (meta.doc_type, meta.number or meta.title) if x)
    slug = re.sub(r"[^a-z0-9]+", "-", fold_accents(words).lower().replace("đ", "d")).strip("-")[:60].strip("-")
    return f"{UPLOAD_PREFIX}{slug}-{digest[:12]}{kind}"


def corrections(meta: DocumentMetadata, fields: dict[str, str]) -> dict:
    """The sidecar for the fields a person corrected (only those that differ); ValueError names a
    field whose value is not valid (the sidecar's rules: type, length, a real date, a level)."""
    out: dict = {}
    for key in EDITABLE:
        if key not in fields:
            continue
        value = str(fields[key]).strip()
        if key == "year":
            if value and not re.fullmatch(r"(19|20)\d\d", value):
                raise ValueError("year")
            value = int(value) if value else None
        try:
            check_field(key, value)
        except SidecarError:
            raise ValueError(key) from None
        if value != getattr(meta, key):
            out[key] = value
    return out


def save(checked: Checked, corpus: Path, sidecar: dict | None = None) -> Path:
    """Write the checked file (and its sidecar first, so the indexer never sees one without the
    other) into the corpus; atomic, and never over an existing file."""
    if not checked.ok or not UPLOAD_NAME_RE.match(checked.name):
        raise ValueError(f"not a checked upload: {checked.problem or checked.name}")
    target = corpus / checked.name
    if target.exists():
        raise FileExistsError(checked.name)
    if sidecar:
        _atomic_write(target.with_suffix(".json"), json.dumps(sidecar, ensure_ascii=False, indent=1).encode())
    _atomic_write(target, checked.data)
    return target


def save_sidecar(name: str, corpus: Path, sidecar: dict) -> None:
    """Replace the corrections of a document added by upload (none left: no sidecar)."""
    path = uploaded_path(name, corpus)
    if sidecar:
        _atomic_write(path.with_suffix(".json"), json.dumps(sidecar, ensure_ascii=False, indent=1).encode())
    else:
        path.with_suffix(".json").unlink(missing_ok=True)


def uploaded_metadata(name: str, corpus: Path) -> DocumentMetadata:
    """What the header of a document added by upload says, before its corrections."""
    return extract_metadata(read_text(uploaded_path(name, corpus)))


def remove(name: str, corpus: Path) -> None:
    """Delete a document added by upload, and its sidecar."""
    path = uploaded_path(name, corpus)
    path.unlink()
    path.with_suffix(".json").unlink(missing_ok=True)


def uploaded_path(name: str, corpus: Path) -> Path:
    """The corpus path of a document added by upload; ValueError for any other name."""
    if not UPLOAD_NAME_RE.match(name) or not (corpus / name).is_file():
        raise ValueError(f"not a document added by upload: {name}")
    return corpus / name


def uploaded(corpus: Path) -> list[str]:
    """Names of the documents added by upload, in name order."""
    return sorted(p.name for p in corpus.iterdir() if p.is_file() and UPLOAD_NAME_RE.match(p.name))


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")   # hidden: never read as a document
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def describe(checked: Checked, label: str) -> str:
    """One line for the command line: what was learned, or why the file is refused."""
    if not checked.ok:
        reason = PROBLEMS[checked.problem] + (f" ({checked.detail})" if checked.detail else "")
        return f"refused {printable(label)}: {printable(reason)}"
    m = checked.metadata
    facts = dataclasses.asdict(m)
    shown = ", ".join(f"{k}={facts[k]!r}" for k in EDITABLE if facts[k])
    return (f"added {printable(label)} as {checked.name}: {checked.kind[1:]}, {checked.passages} passages, "
            f"{checked.sections} sections, {checked.articles} articles; {shown}")


def add_files(files: list[Path], corpus: Path, out=print) -> int:
    """`python -m indexer --add FILE...`: check and save each file, one line each; 0 when at least
    one was added (the index is then updated), 1 when every file was refused."""
    known = corpus_hashes(corpus)
    added = 0
    for path in files:
        try:
            data = Path(path).read_bytes()
        except OSError as e:
            out(f"refused {printable(path)}: {PROBLEMS['unreadable']} ({printable(e.strerror or e)})")
            continue
        checked = check(data, corpus, known)
        if checked.ok:
            save(checked, corpus)
            known[checked.sha256] = checked.name
            added += 1
        out(describe(checked, str(path)))
    return 0 if added else 1
