"""The index folder on disk: plain files (JSON, JSONL, npy without pickle, FAISS), a manifest
with a checksum per file, written atomically.

Layout: index/CURRENT names the live version folder index/v-<id>/. A build writes a new version
folder (temp name, fsync, rename), then replaces CURRENT in one os.replace: a reader sees either
the old index or the new one, never a mix, and a killed build leaves the old one in place.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from indexer.digest import sha256_file
from indexer.index.manifest import shape_problems
from indexer.models import DocumentMetadata, Passage

FORMAT_VERSION = 4   # 2: the manifest has its own checksum file; every file is listed; 3: documents.json;
                     # 4: each passage record carries its resolved references
BUILD_COMMAND = "python -m indexer"
REBUILD_COMMAND = "python -m indexer --rebuild"
GRACE_SECONDS = 600  # a superseded version stays this long for readers still loading it

# The files of a version folder (the lexical and dense parts name their own, in lexical.py and
# dense.py); no code outside indexer/index/ knows any of these names.
POINTER = "CURRENT"
MANIFEST = "manifest.json"
MANIFEST_SUM = "manifest.sha256"   # sha256 of manifest.json: a tampered manifest is refused
PASSAGES = "passages.jsonl"
DOCUMENTS = "documents.json"   # each document's metadata, by corpus file name
VECTORS = "vectors.npy"


class IndexProblem(Exception):
    """The index cannot be used. str() names the problem and what to run; `problem` and
    `command` hold the two parts for a page that shows them separately."""

    def __init__(self, problem: str, command: str = REBUILD_COMMAND):
        super().__init__(f"{problem}; run: {command}")
        self.problem = problem
        self.command = command


class IndexMissing(IndexProblem):
    pass


class IndexDamaged(IndexProblem):
    pass


class IndexMismatch(IndexProblem):
    pass


class IndexUnwritable(IndexProblem):
    """A new version cannot be written (read-only folder, full disk, no permission); the live
    version, if any, is intact and still answers."""

    def __init__(self, index_dir: Path, error: OSError):
        reason = error.strerror or str(error) or error.__class__.__name__
        super().__init__(f"cannot write a new index in {index_dir} ({reason})",
                         f"free disk space or make {index_dir} writable, then {BUILD_COMMAND}")
        self.errno = error.errno


@dataclass(frozen=True)
class StoredIndex:
    folder: Path
    manifest: dict
    passages: tuple[Passage, ...]
    documents: dict[str, DocumentMetadata]


def read_pointer(index_dir: Path) -> str | None:
    """What CURRENT says now (None when unreadable): tells a concurrent switch from damage."""
    try:
        return _pointer_text(index_dir / POINTER)
    except (OSError, UnicodeDecodeError):
        return None


def _pointer_text(path: Path) -> str:
    """CURRENT's text: a small regular file (a FIFO or a device there would hang or flood)."""
    if path.exists() and not path.is_file():
        raise OSError(0, "not a regular file", str(path))
    with open(path, "rb") as f:
        return f.read(4096).decode("utf-8").strip()


def current_folder(index_dir: Path) -> Path | None:
    try:
        name = _pointer_text(index_dir / POINTER)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except (OSError, UnicodeDecodeError) as e:
        raise IndexDamaged(f"{index_dir / POINTER} cannot be read ({getattr(e, 'strerror', None) or e})") from e
    if not name.startswith("v-") or "/" in name or not (index_dir / name).is_dir():
        raise IndexDamaged(f"{index_dir / POINTER} names no index version ({name[:40]!r})")
    if (index_dir / name).is_symlink():
        raise IndexDamaged(f"index version {index_dir / name} is a symbolic link, not a folder")
    return index_dir / name


def new_version_folder(index_dir: Path) -> Path:
    """A fresh temp folder inside index_dir to write a version into (named after this process,
    so that the next build can tell a killed build's leftovers from a live build's folder and
    remove them first: on a full disk they may be what fills it)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    remove_abandoned(index_dir)
    tmp = index_dir / f"tmp-{os.getpid()}-{uuid.uuid4().hex[:12]}"
    tmp.mkdir()
    return tmp


def remove_abandoned(index_dir: Path) -> None:
    """Remove the temp folders of builds whose process is gone (on this machine)."""
    for tmp in index_dir.glob("tmp-*-*"):
        pid = tmp.name.split("-")[1]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(tmp, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True   # another user's process, or not a pid: leave it to the one-hour rule
    return True


def write_records(folder: Path, passages: list[Passage], documents: dict[str, DocumentMetadata],
                  vectors: np.ndarray) -> None:
    with open(folder / PASSAGES, "w", encoding="utf-8") as f:
        for p in passages:
            f.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")
    (folder / DOCUMENTS).write_text(
        json.dumps({k: v.to_dict() for k, v in documents.items()}, ensure_ascii=False, indent=1),
        encoding="utf-8")
    np.save(folder / VECTORS, vectors.astype(np.float32), allow_pickle=False)


def commit_version(index_dir: Path, tmp: Path, manifest: dict) -> Path:
    """Checksum every file, write the manifest, fsync, rename into place, switch CURRENT."""
    files = sorted(p for p in tmp.rglob("*") if p.is_file())
    manifest = dict(manifest, format_version=FORMAT_VERSION,
                    files={p.relative_to(tmp).as_posix(): sha256_file(p) for p in files})
    data = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
    (tmp / MANIFEST).write_bytes(data)
    (tmp / MANIFEST_SUM).write_text(hashlib.sha256(data).hexdigest() + "\n", encoding="ascii")
    for p in list(tmp.rglob("*")):
        _fsync(p)
    _fsync(tmp)
    version = index_dir / f"v-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
    os.rename(tmp, version)
    pointer = index_dir / f"{POINTER}.{uuid.uuid4().hex[:8]}.tmp"
    try:
        pointer.write_text(version.name + "\n", encoding="utf-8")
        _fsync(pointer)
        os.replace(pointer, index_dir / POINTER)
    except BaseException:
        pointer.unlink(missing_ok=True)
        if read_pointer(index_dir) != version.name:   # never became live: nobody reads it
            discard(version)
        raise
    _fsync(index_dir)
    _remove_old_versions(index_dir, keep={version.name})
    return version


def discard(tmp: Path) -> None:
    """Remove what a failed build wrote (best effort: the disk may be the problem)."""
    shutil.rmtree(tmp, ignore_errors=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_old_versions(index_dir: Path, keep: set[str], keep_previous: int = 1) -> None:
    """Keep the live version, the one before it, and any version that stopped being live less
    than GRACE_SECONDS ago (a reader that read CURRENT just before the switch may still be
    loading it); remove the rest, and leftovers of abandoned builds."""
    now = time.time()
    versions = sorted((p for p in index_dir.glob("v-*") if p.is_dir()), key=lambda p: p.name)
    for older, newer in zip(versions, versions[1:]):
        superseded_for = now - _mtime(newer)
        if older.name in keep or older in versions[-1 - keep_previous:] or superseded_for < GRACE_SECONDS:
            continue
        shutil.rmtree(older, ignore_errors=True)
    for leftover in list(index_dir.glob("tmp-*")) + list(index_dir.glob(f"{POINTER}.*.tmp")):
        if now - _mtime(leftover) > 3600:  # an abandoned build (a live one is younger)
            shutil.rmtree(leftover, ignore_errors=True) if leftover.is_dir() else leftover.unlink(missing_ok=True)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def read_manifest(index_dir: Path) -> tuple[Path, dict]:
    """The live version's manifest, checked against its checksum file and for its shape."""
    folder = current_folder(index_dir)
    if folder is None:
        raise IndexMissing(f"no index in {index_dir}", BUILD_COMMAND)
    path = folder / MANIFEST
    try:
        data = _regular_bytes(path)
        digest = _regular_bytes(folder / MANIFEST_SUM).decode("ascii", "replace").strip()
    except OSError as e:
        raise IndexDamaged(f"{e.filename or path} cannot be read ({e.strerror or e.__class__.__name__})") from e
    if hashlib.sha256(data).hexdigest() != digest:
        raise IndexDamaged(f"{path} is damaged or was edited (it does not match {MANIFEST_SUM})")
    try:
        manifest = json.loads(data.decode("utf-8"))
    except ValueError as e:
        raise IndexDamaged(f"{path} is damaged ({e.__class__.__name__})") from e
    problems = shape_problems(manifest, FORMAT_VERSION, (PASSAGES, DOCUMENTS, VECTORS))
    if problems:
        kind = IndexMismatch if "index format" in problems[0] else IndexDamaged
        raise kind(f"{path} {problems[0]}")
    return folder, manifest


def _regular_bytes(path: Path) -> bytes:
    """A file's bytes, refusing a symbolic link or anything that is not a regular file."""
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise OSError(0, "not a regular file", str(path))
    return path.read_bytes()


def verify_files(folder: Path, manifest: dict) -> None:
    """The folder holds exactly the files the manifest lists (no link, nothing extra, nothing
    missing), each with its checksum."""
    listed = set(manifest["files"]) | {MANIFEST, MANIFEST_SUM}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                raise IndexDamaged(f"index file {path} is a symbolic link")
            if name in filenames and rel not in listed:
                raise IndexDamaged(f"index folder {folder} holds a file the manifest does not list ({rel})")
    for rel, digest in manifest["files"].items():
        path = folder / rel
        if not path.is_file():
            raise IndexDamaged(f"index file {path} is missing or not a regular file")
        if sha256_file(path) != digest:
            raise IndexDamaged(f"index file {path} is damaged (checksum mismatch)")


def load_records(index_dir: Path, verify: bool = True) -> StoredIndex:
    folder, manifest = read_manifest(index_dir)
    if verify:
        verify_files(folder, manifest)
    try:
        with open(folder / PASSAGES, encoding="utf-8") as f:
            passages = tuple(Passage.from_dict(json.loads(line)) for line in f if line.strip())
        raw = json.loads((folder / DOCUMENTS).read_text(encoding="utf-8"))
        documents = {k: DocumentMetadata.from_dict(v) for k, v in raw.items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as e:
        raise IndexDamaged(f"index records in {folder} cannot be read ({e.__class__.__name__})") from e
    stray = next((p.doc for p in passages if p.doc not in documents), None)
    if stray is not None:
        raise IndexDamaged(f"index records in {folder} disagree: {folder / PASSAGES} has passages of "
                           f"{str(stray)[:80]!r}, which {folder / DOCUMENTS} does not list")
    return StoredIndex(folder, manifest, passages, documents)


def load_vectors(folder: Path, expected_rows: int, dim: int, mmap: bool = False) -> np.ndarray:
    try:
        vectors = np.load(folder / VECTORS, allow_pickle=False, mmap_mode="r" if mmap else None)
    except (OSError, ValueError) as e:
        raise IndexDamaged(f"{folder / VECTORS} cannot be read ({e})") from e
    if vectors.shape != (expected_rows, dim):
        raise IndexDamaged(f"{folder / VECTORS} has shape {vectors.shape}, expected "
                           f"({expected_rows}, {dim})")
    return vectors


def copy_live_version(src: Path, dst: Path) -> bool:
    """Copy the live version of the index src into dst (a fresh index folder) so that it loads
    there; False when src has no readable live version."""
    try:
        folder = current_folder(src)
        if folder is None:
            return False
        shutil.copytree(folder, dst / folder.name)
    except (IndexProblem, OSError):
        return False
    (dst / POINTER).write_text(folder.name + "\n", encoding="utf-8")
    try:
        load_records(dst)
    except IndexProblem:
        return False
    return True
