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

from .models import Passage, PlanMetadata

FORMAT_VERSION = 1
REBUILD_HINT = "run: python -m indexer --rebuild"
GRACE_SECONDS = 600  # a superseded version stays this long for readers still loading it


class IndexProblem(Exception):
    """The index cannot be used; the message names the problem and what to run."""


class IndexMissing(IndexProblem):
    pass


class IndexDamaged(IndexProblem):
    pass


class IndexMismatch(IndexProblem):
    pass


@dataclass(frozen=True)
class StoredIndex:
    folder: Path
    manifest: dict
    passages: tuple[Passage, ...]
    plans: dict[str, PlanMetadata]


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def current_folder(index_dir: Path) -> Path | None:
    try:
        name = (index_dir / "CURRENT").read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except (OSError, UnicodeDecodeError) as e:
        raise IndexDamaged(f"{index_dir / 'CURRENT'} cannot be read ({e}); {REBUILD_HINT}") from e
    if not name.startswith("v-") or "/" in name or not (index_dir / name).is_dir():
        raise IndexDamaged(f"{index_dir / 'CURRENT'} names no index version ({name[:40]!r}); {REBUILD_HINT}")
    return index_dir / name


def new_version_folder(index_dir: Path) -> Path:
    """A fresh temp folder inside index_dir to write a version into."""
    index_dir.mkdir(parents=True, exist_ok=True)
    tmp = index_dir / f"tmp-{uuid.uuid4().hex[:12]}"
    tmp.mkdir()
    return tmp


def write_records(folder: Path, passages: list[Passage], plans: dict[str, PlanMetadata],
                  vectors: np.ndarray) -> None:
    with open(folder / "passages.jsonl", "w", encoding="utf-8") as f:
        for p in passages:
            f.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")
    (folder / "plans.json").write_text(
        json.dumps({k: v.to_dict() for k, v in plans.items()}, ensure_ascii=False, indent=1),
        encoding="utf-8")
    np.save(folder / "vectors.npy", vectors.astype(np.float32), allow_pickle=False)


def commit_version(index_dir: Path, tmp: Path, manifest: dict) -> Path:
    """Checksum every file, write the manifest, fsync, rename into place, switch CURRENT."""
    files = sorted(p for p in tmp.rglob("*") if p.is_file())
    manifest = dict(manifest, format_version=FORMAT_VERSION,
                    files={p.relative_to(tmp).as_posix(): sha256_file(p) for p in files})
    (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    for p in list(tmp.rglob("*")):
        _fsync(p)
    _fsync(tmp)
    version = index_dir / f"v-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
    os.rename(tmp, version)
    pointer = index_dir / f"CURRENT.{uuid.uuid4().hex[:8]}.tmp"
    pointer.write_text(version.name + "\n", encoding="utf-8")
    _fsync(pointer)
    os.replace(pointer, index_dir / "CURRENT")
    _fsync(index_dir)
    _remove_old_versions(index_dir, keep={version.name})
    return version


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
    for leftover in list(index_dir.glob("tmp-*")) + list(index_dir.glob("CURRENT.*.tmp")):
        if now - _mtime(leftover) > 3600:  # an abandoned build (a live one is younger)
            shutil.rmtree(leftover, ignore_errors=True) if leftover.is_dir() else leftover.unlink(missing_ok=True)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def read_manifest(index_dir: Path) -> tuple[Path, dict]:
    folder = current_folder(index_dir)
    if folder is None:
        raise IndexMissing(f"no index in {index_dir}; run: python -m indexer")
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise IndexDamaged(f"{folder / 'manifest.json'} is damaged ({e.__class__.__name__}); {REBUILD_HINT}") from e
    if not isinstance(manifest, dict) or manifest.get("format_version") != FORMAT_VERSION:
        raise IndexMismatch(f"index format {manifest.get('format_version') if isinstance(manifest, dict) else '?'} "
                            f"is not {FORMAT_VERSION}; {REBUILD_HINT}")
    return folder, manifest


def verify_files(folder: Path, manifest: dict) -> None:
    """Every file listed in the manifest exists and has its checksum."""
    for rel, digest in manifest.get("files", {}).items():
        path = folder / rel
        if not path.is_file():
            raise IndexDamaged(f"index file {path} is missing; {REBUILD_HINT}")
        if sha256_file(path) != digest:
            raise IndexDamaged(f"index file {path} is damaged (checksum mismatch); {REBUILD_HINT}")


def load_records(index_dir: Path, verify: bool = True) -> StoredIndex:
    folder, manifest = read_manifest(index_dir)
    if verify:
        verify_files(folder, manifest)
    try:
        with open(folder / "passages.jsonl", encoding="utf-8") as f:
            passages = tuple(Passage.from_dict(json.loads(line)) for line in f if line.strip())
        plans_raw = json.loads((folder / "plans.json").read_text(encoding="utf-8"))
        plans = {k: PlanMetadata.from_dict(v) for k, v in plans_raw.items()}
    except (OSError, ValueError, TypeError, KeyError) as e:
        raise IndexDamaged(f"index records in {folder} cannot be read ({e.__class__.__name__}); {REBUILD_HINT}") from e
    return StoredIndex(folder, manifest, passages, plans)


def load_vectors(folder: Path, expected_rows: int, dim: int, mmap: bool = False) -> np.ndarray:
    try:
        vectors = np.load(folder / "vectors.npy", allow_pickle=False, mmap_mode="r" if mmap else None)
    except (OSError, ValueError) as e:
        raise IndexDamaged(f"{folder / 'vectors.npy'} cannot be read ({e}); {REBUILD_HINT}") from e
    if vectors.shape != (expected_rows, dim):
        raise IndexDamaged(f"{folder / 'vectors.npy'} has shape {vectors.shape}, expected "
                           f"({expected_rows}, {dim}); {REBUILD_HINT}")
    return vectors
