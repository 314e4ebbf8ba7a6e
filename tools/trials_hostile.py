"""Reliability trials of round two: what a hostile tester tried. A tampered or badly shaped
index folder (refused, never served, never rebuilt unasked), and an index folder that cannot
take a new version (a real read-only mount and a real full tmpfs when this process may mount,
else EROFS / ENOSPC injected: the last good index answers, nothing is left behind). Special
files in the corpus: tools/trials_special.py."""
from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from indexer.index.folder import MANIFEST, MANIFEST_SUM, PASSAGES, DOCUMENTS, POINTER, VECTORS
from tests.fakes import FakeEmbedder
from tools.trials import Outcome, answers

# ---- manifest shapes -----------------------------------------------------------------------


def _set(key, value):
    return lambda m: {**m, key: value}


def _drop(key):
    return lambda m: {k: v for k, v in m.items() if k != key}


def _files(change):
    return lambda m: {**m, "files": change(dict(m["files"]))}


MANIFEST_SHAPES = {
    "a JSON array": lambda m: [m],
    "a JSON string": lambda m: "manifest",
    "null": lambda m: None,
    "a number": lambda m: 2,
    "format_version 1": _set("format_version", 1),
    "format_version as text": _set("format_version", "2"),
    "format_version true": _set("format_version", True),
    "no format_version": _drop("format_version"),
    "files emptied": _set("files", {}),
    "files null": _set("files", None),
    "files an array": _set("files", []),
    "files a string": _set("files", "all"),
    "no files": _drop("files"),
    "passages not listed": _files(lambda f: {k: v for k, v in f.items() if k != PASSAGES}),
    "checksum null": _files(lambda f: {**f, DOCUMENTS: None}),
    "checksum short": _files(lambda f: {**f, DOCUMENTS: "abc"}),
    "file outside (..)": _files(lambda f: {**f, "../outside.txt": "0" * 64}),
    "absolute file": _files(lambda f: {**f, "/etc/hostname": "0" * 64}),
    "listed file missing": _files(lambda f: {**f, "extra.npy": "0" * 64}),
    "embedder a string": _set("embedder", "x"),
    "embedder null": _set("embedder", None),
    "embedder empty": _set("embedder", {}),
    "embedder dim as text": lambda m: {**m, "embedder": {**m["embedder"], "dim": "8"}},
    "corpus an array": _set("corpus", []),
    "corpus values numbers": _set("corpus", {"a.txt": 1}),
    "doc_hashes null": _set("doc_hashes", None),
    "skipped a string": _set("skipped", "x"),
    "duplicates of numbers": _set("duplicates", [[1, 2]]),
    "corpus_stat bad entry": _set("corpus_stat", {"a.txt": [1]}),
    "counts a string": _set("counts", "x"),
}


def live(index: Path) -> Path:
    return index / (index / POINTER).read_text(encoding="utf-8").strip()


def manifest_of(index: Path) -> dict:
    return json.loads((live(index) / MANIFEST).read_text(encoding="utf-8"))


def resign(index: Path, manifest=None, raw: bytes | None = None) -> None:
    """Write a manifest and a matching checksum file, as a careful tamperer would."""
    data = raw if raw is not None else json.dumps(manifest, ensure_ascii=False).encode("utf-8")
    (live(index) / MANIFEST).write_bytes(data)
    (live(index) / MANIFEST_SUM).write_text(hashlib.sha256(data).hexdigest() + "\n")


def refile(index: Path) -> None:
    """Recompute every file's checksum in the manifest and re-sign it."""
    from indexer.index import folder as store

    m = manifest_of(index)
    m["files"] = {rel: store.sha256_file(live(index) / rel) for rel in m["files"]}
    resign(index, m)


def _tamperings(work: Path) -> dict:
    """Changes beyond the manifest's shape: name -> (change(index), word the refusal names)."""
    def unsigned_edit(index):
        path = live(index) / PASSAGES
        path.write_text(path.read_text(encoding="utf-8").replace("Kế hoạch", "TAMPERED"), encoding="utf-8")
        (live(index) / MANIFEST).write_text(json.dumps({**manifest_of(index), "files": {}}))

    def documents_array(index):
        (live(index) / DOCUMENTS).write_text("[]")
        refile(index)

    def linked_file(index):
        outside = work / f"outside-{os.urandom(4).hex()}.jsonl"
        shutil.copy(live(index) / PASSAGES, outside)
        (live(index) / PASSAGES).unlink()
        (live(index) / PASSAGES).symlink_to(outside)

    def linked_version(index):
        folder = live(index)
        moved = work / f"moved-{os.urandom(4).hex()}"
        shutil.move(folder, moved)
        folder.symlink_to(moved)

    return {"manifest edited, files emptied, passages edited (unsigned)": (unsigned_edit, "manifest"),
            "manifest checksum file removed": (lambda i: (live(i) / MANIFEST_SUM).unlink(), MANIFEST_SUM),
            "manifest not JSON (re-signed)": (lambda i: resign(i, raw=b"{not json"), MANIFEST),
            "manifest not UTF-8 (re-signed)": (lambda i: resign(i, raw=b"\xff\xfe\x00x"), MANIFEST),
            "documents.json an array (re-signed)": (documents_array, "cannot be read"),
            "a file the manifest does not list": (lambda i: (live(i) / "planted.txt").write_text("x"), "planted.txt"),
            "an index file linked outside": (linked_file, "symbolic link"),
            "the version folder linked outside": (linked_version, "symbolic link"),
            "CURRENT names a path outside": (lambda i: (i / POINTER).write_text("v-../../etc\n"), POINTER),
            "CURRENT a FIFO": (lambda i: _replace(i / POINTER, fifo=True), POINTER),
            "CURRENT a link to /dev/zero": (lambda i: _replace(i / POINTER, link="/dev/zero"), POINTER),
            "manifest.json a FIFO": (lambda i: _replace(live(i) / MANIFEST, fifo=True), MANIFEST),
            "passages.jsonl a FIFO": (lambda i: _replace(live(i) / PASSAGES, fifo=True), PASSAGES),
            "vectors.npy a link to /dev/zero": (lambda i: _replace(live(i) / VECTORS, link="/dev/zero"),
                                                VECTORS)}


def _replace(path: Path, fifo: bool = False, link: str = "") -> None:
    """path replaced by a FIFO or a symbolic link (what would hang or flood a careless reader)."""
    path.unlink()
    if fifo:
        os.mkfifo(path)
    else:
        path.symlink_to(link)


def manifest_trials(work: Path, states: dict) -> list[Outcome]:
    """Every shape and tampering: load, staleness check and unforced build all refuse, naming
    the file and the command; nothing is served and nothing rebuilt."""
    jobs = {f"shape: {name}": ((lambda i, f=f: resign(i, f(manifest_of(i)))), f"{MANIFEST}|extra.npy")
            for name, f in MANIFEST_SHAPES.items()}
    jobs.update({f"tamper: {name}": job for name, job in _tamperings(work).items()})
    out = []
    for n, (name, (change, names)) in enumerate(jobs.items()):
        index = work / f"shape-{n}"
        shutil.copytree(states["A"]["index"], index, symlinks=True)
        change(index)
        problem = _refusal_problem(index, states["A"]["corpus"], names)
        out.append(Outcome(name, problem is None, problem or "refused"))
        shutil.rmtree(index, ignore_errors=True)
    return out


def _refusal_problem(index: Path, corpus: Path, names: str) -> str | None:
    from indexer.index import folder as store
    from indexer.index.build import build_index, index_is_current
    from search.engine import Searcher

    before = sorted(p.name for p in index.iterdir())
    try:
        Searcher(index, embedder=FakeEmbedder())
        return "SERVED"
    except store.IndexProblem as e:
        if not any(n in e.problem for n in names.split("|")) or not e.command.startswith("python -m indexer"):
            return f"refusal does not name {names} and the command: {e}"
    except Exception as e:  # noqa: BLE001 - any other exception is the finding
        return f"raised {type(e).__name__}: {e}"
    for attempt in (lambda: index_is_current(index, corpus) or "stale",
                    lambda: build_index(corpus, index, FakeEmbedder())):
        try:
            if attempt() == "stale":
                return "looked stale: it would be rebuilt"
        except store.IndexProblem:
            pass
        except Exception as e:  # noqa: BLE001
            return f"raised {type(e).__name__}: {e}"
    return None if sorted(p.name for p in index.iterdir()) == before else "the index folder was changed"


# ---- an index folder that cannot take a new version ----------------------------------------


def _mount(*args: str) -> bool:
    try:
        return subprocess.run(["mount", *args], capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def bind_read_only(path: Path) -> bool:
    """Mount path read-only over itself (needs the privilege to mount); False when refused."""
    if _mount("--bind", str(path), str(path)) and _mount("-o", "remount,bind,ro", str(path)):
        return True
    _mount_off(path)
    return False


@contextmanager
def read_only(index: Path, work: Path):
    """index made read-only: a read-only bind mount when possible, else EROFS injected."""
    if bind_read_only(index):
        try:
            yield "read-only bind mount"
        finally:
            _mount_off(index)
        return

    def refuse(*a, **kw):
        raise OSError(errno.EROFS, "Read-only file system", str(index))

    with mock.patch("pathlib.Path.mkdir", refuse):
        yield "EROFS injected"


@contextmanager
def full_disk(index: Path, work: Path, room: float = 0.1):
    """index on a disk with room for what it holds and `room` times more (a new version needs
    a little more than 1.0, so each room fills the disk at another file of the build): a small
    tmpfs when possible (a real ENOSPC), else ENOSPC injected where the vectors are written."""
    size = sum(-(-p.stat().st_size // 4096) * 4096 for p in index.rglob("*") if p.is_file())  # pages
    holder = work / f"holder-{os.urandom(3).hex()}"
    shutil.copytree(index, holder)
    shutil.rmtree(index)
    index.mkdir()
    if _mount("-t", "tmpfs", "-o", f"size={size + int(room * size)}", "tmpfs", str(index)):
        try:
            shutil.copytree(holder, index, dirs_exist_ok=True)
            yield "full tmpfs"
        finally:
            shutil.rmtree(holder, ignore_errors=True)
            _mount_off(index)
        return
    shutil.copytree(holder, index, dirs_exist_ok=True)

    def save(path, *a, **kw):
        Path(path).write_bytes(b"\x93NUMPY" + b"\0" * 64)
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    with mock.patch("numpy.save", save):
        yield "ENOSPC injected"


def unmount(path: Path) -> None:
    _mount_off(path)


def _mount_off(path: Path) -> None:
    while _mount_point(path):
        if subprocess.run(["umount", str(path)], capture_output=True).returncode != 0:
            break


def _mount_point(path: Path) -> bool:
    """True when something is mounted at path (a bind mount of the same disk included, which
    os.path.ismount does not see)."""
    try:
        targets = [line.split()[1] for line in Path("/proc/self/mounts").read_text().splitlines()]
    except (OSError, IndexError):
        return os.path.ismount(path)
    return str(path.resolve()).replace(" ", "\\040") in targets


def unwritable_trials(work: Path, states: dict) -> list[Outcome]:
    """Corpus A changed into B while the index of A cannot take a new version: the last good
    index answers as A, the reason is said once, nothing is left behind; the fault gone, the
    next build answers as B."""
    out = []
    faults = [("read-only", read_only)] + [
        (f"full disk, room for {room:.0%} of a version", lambda i, w, room=room: full_disk(i, w, room))
        for room in (0.0, 0.2, 0.4, 0.6, 0.8, 0.95)]
    for n, (name, fault) in enumerate(faults):
        index = work / f"unwritable-{n}"
        shutil.copytree(states["A"]["index"], index)
        try:
            with fault(index, work) as how:
                problem = _serves_last_good(index, states)
        except Exception as e:  # noqa: BLE001 - any exception is the finding
            how, problem = "?", f"raised {type(e).__name__}: {e}"
        if problem is None:
            problem = _recovers(index, states)
        out.append(Outcome(f"{name} ({how})", problem is None, problem or "last good index answered"))
        shutil.rmtree(index, ignore_errors=True)
    return out


def _serves_last_good(index: Path, states: dict) -> str | None:
    from search import service
    from search.engine import Searcher

    said = []
    with mock.patch.object(service, "embedder_for", lambda d: FakeEmbedder()), \
         mock.patch.object(service, "Searcher", lambda d: Searcher(d, embedder=FakeEmbedder())):
        searcher = service.open_searcher(index, states["B"]["corpus"], log=said.append)
    if answers(searcher) != states["A"]["answers"]:
        return "the served index does not answer as the last good one"
    warnings = [m for m in said if m.startswith("warning:")]
    if len(warnings) != 1 or "python -m indexer" not in warnings[0]:
        return f"expected one warning with the command, got {said}"
    left = [p.name for p in index.iterdir() if p.name.startswith("tmp-") or p.name.endswith(".tmp")]
    return f"left behind: {left}" if left else None


def _recovers(index: Path, states: dict) -> str | None:
    from indexer.index.build import build_index
    from search.engine import Searcher

    try:
        build_index(states["B"]["corpus"], index, FakeEmbedder())
        ok = answers(Searcher(index, embedder=FakeEmbedder())) == states["B"]["answers"]
    except Exception as e:  # noqa: BLE001
        return f"the next build failed: {type(e).__name__}: {e}"
    return None if ok else "the next build does not answer as B"
