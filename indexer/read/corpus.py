"""Read a corpus folder: every supported file, recursively, into Documents; every file that
cannot be read is reported once with its reason, and the rest is still read."""
from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from typing import Callable, Iterable

from indexer.read.metadata import extract_metadata
from indexer.read.sidecar import SidecarError, apply_sidecar, checked_sidecar
from indexer.models import CorpusReading, Document, Skipped
from indexer.read.formats import UnreadableFile, read_text_and_digest
from indexer.text import printable

log = logging.getLogger(__name__)


def corpus_files(root: Path, specials: list[Skipped] | None = None) -> list[Path]:
    """Regular files under root in a stable order; sidecars (.json beside a document) and
    hidden files are not candidates. Anything else with a file's place (a FIFO, a device, a
    socket, a link to one of those or to nothing) is never opened: it goes to `specials`."""
    if not root.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {root}")
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or name.lower().endswith(".json"):
                continue
            path = Path(dirpath) / name
            rel = os.path.relpath(os.path.join(dirpath, name), root).replace(os.sep, "/")
            kind = _bad_name(rel) or special_kind(path)
            if kind is None:
                files.append((rel, path))
            elif specials is not None:
                shown = rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
                specials.append(Skipped(shown, kind))
    return [path for _, path in sorted(files, key=lambda pair: pair[0])]


def _bad_name(rel: str) -> str | None:
    """A name the index, the JSON output and the page cannot carry (bytes that are not UTF-8)."""
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        return "its name is not valid UTF-8: rename it"
    return None


def special_kind(path: Path) -> str | None:
    """None for a regular file (or a link to one); else what it is, in words."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return "a link to nothing (broken symbolic link)" if path.is_symlink() else None
    if stat.S_ISREG(mode):
        return None
    kinds = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a device"),
             (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))
    what = next((words for test, words in kinds if test(mode)), "not a file")
    link = " (through a symbolic link)" if path.is_symlink() else ""
    return f"{what}{link}, not a regular file: never read"


def read_document(path: Path, root: Path, notes: list[Skipped] | None = None) -> Document:
    """One file -> Document, or UnreadableFile with the reason. A sidecar that cannot be used
    is left out with its reason (appended to notes) and the document is read with its header."""
    name = path.relative_to(root).as_posix()
    text, digest = read_text_and_digest(path)  # checks the type first
    metadata = extract_metadata(text)
    try:
        sidecar = checked_sidecar(path)
    except SidecarError as e:
        sidecar = None
        side = path.with_suffix(".json").relative_to(root).as_posix()
        if notes is not None:
            notes.append(Skipped(side, f"{e}; {name} is read without it"))
    if sidecar:
        metadata = apply_sidecar(metadata, sidecar)
    return Document(name=name, text=text, metadata=metadata, content_hash=digest)


def read_corpus(root: Path, files: Iterable[Path] | None = None,
                progress: Callable[[Iterable[Path]], Iterable[Path]] = lambda it: it) -> CorpusReading:
    """Read every file; skipped files and duplicate copies are reported (logged once each)."""
    documents: list[Document] = []
    skipped: list[Skipped] = []
    duplicates: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    specials: list[Skipped] = []
    for path in progress(list(files) if files is not None else corpus_files(root, specials)):
        try:
            notes: list[Skipped] = []
            doc = read_document(path, root, notes)
            for note in notes:
                skipped.append(note)
                log.warning("skipped %s: %s", printable(note.name), printable(note.reason))
        except (UnreadableFile, ValueError) as e:
            name = path.relative_to(root).as_posix()
            skipped.append(Skipped(name, str(e)))
            log.warning("skipped %s: %s", printable(name), printable(e))
            continue
        if doc.content_hash in seen:
            duplicates.append((doc.name, seen[doc.content_hash]))
            log.warning("duplicate %s: same content as %s, indexed once", printable(doc.name),
                        printable(seen[doc.content_hash]))
            continue
        seen[doc.content_hash] = doc.name
        documents.append(doc)
    for s in specials:
        log.warning("skipped %s: %s", printable(s.name), printable(s.reason))
    return CorpusReading(tuple(documents), tuple(specials + skipped), tuple(duplicates))
