"""Read a corpus folder: every supported file, recursively, into Documents; every file that
cannot be read is reported once with its reason, and the rest is still read."""
from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from typing import Callable, Iterable

from indexer.read.metadata import apply_sidecar, extract_metadata, read_sidecar
from indexer.models import CorpusReading, Document, Skipped
from indexer.read.formats import UnreadableFile, read_text

log = logging.getLogger(__name__)


def corpus_files(root: Path) -> list[Path]:
    """Candidate files under root in a stable order; sidecars (.json beside a document) and
    hidden files are not candidates."""
    if not root.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {root}")
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or name.lower().endswith(".json"):
                continue
            files.append(Path(dirpath) / name)
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


def read_document(path: Path, root: Path) -> Document:
    """One file -> Document, or UnreadableFile with the reason."""
    name = path.relative_to(root).as_posix()
    text = read_text(path)  # checks the type first
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError as e:
        raise UnreadableFile("file disappeared while reading") from e
    except PermissionError as e:
        raise UnreadableFile("permission denied") from e
    metadata = extract_metadata(text)
    try:
        sidecar = read_sidecar(path)
    except ValueError as e:
        raise UnreadableFile(str(e)) from e
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
    for path in progress(list(files) if files is not None else corpus_files(root)):
        try:
            doc = read_document(path, root)
        except (UnreadableFile, ValueError) as e:
            name = path.relative_to(root).as_posix()
            skipped.append(Skipped(name, str(e)))
            log.warning("skipped %s: %s", name, e)
            continue
        if doc.content_hash in seen:
            duplicates.append((doc.name, seen[doc.content_hash]))
            log.warning("duplicate %s: same content as %s, indexed once", doc.name, seen[doc.content_hash])
            continue
        seen[doc.content_hash] = doc.name
        documents.append(doc)
    return CorpusReading(tuple(documents), tuple(skipped), tuple(duplicates))
