"""Reliability trials: special files in the corpus (FIFOs, devices, sockets, links to them or
to nothing, a name that is not UTF-8) are skipped once each, and neither a build nor --inspect
hangs or fails on them."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

from tools.trials import CHILD_PRELUDE, ROOT, Outcome, _child_env, modify_plan

# ---- special files in the corpus -----------------------------------------------------------

SPECIAL_CHILD = CHILD_PRELUDE + """
import sys
from pathlib import Path
from indexer.index.build import build_index
from tests.fakes import FakeEmbedder
report = build_index(Path(sys.argv[1]), Path(sys.argv[2]), FakeEmbedder())
print(report.documents)
for name, reason in report.skipped:
    print(name + "\\t" + reason)
"""


def make_special_corpus(folder: Path, plans: list[Path]) -> dict[str, object]:
    """Two real plans and every kind of special file: name -> what keeps it open (or None)."""
    folder.mkdir(parents=True)
    for p in plans[:2]:
        (folder / p.name).write_text(p.read_text(encoding="utf-8")[:4000], encoding="utf-8")
    os.mkfifo(folder / "fifo.txt")
    os.mkfifo(folder / (plans[0].stem + ".json"))          # a FIFO as a plan's sidecar
    (folder / "sub").mkdir()
    os.mkfifo(folder / "sub" / "deep-fifo.md")
    links = {"zero.txt": "/dev/zero", "urandom.docx": "/dev/urandom", "null.md": "/dev/null",
             "tty.html": "/dev/tty", "dangling.txt": str(folder / "no-such-file")}
    for name, target in links.items():
        (folder / name).symlink_to(target)
    (folder / "dir.txt").mkdir()
    with open(os.path.join(os.fsencode(folder), b"bad-\xff-name.txt"), "wb") as f:   # not UTF-8
        f.write(plans[-1].read_bytes()[:2000])
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(folder / "sock.txt"))
    names = ["fifo.txt", "sub/deep-fifo.md", "sock.txt", "bad-\ufffd-name.txt", *links]
    return {"skipped": names, "socket": sock}


def special_file_trials(work: Path, plans: list[Path]) -> list[Outcome]:
    """A build (in a child, so that a hang is a finding, not a stuck tool) and --inspect over a
    corpus of special files: both finish, read both plans, and skip each special file once."""
    corpus = work / "special-corpus"
    made = make_special_corpus(corpus, plans)
    out = []
    try:
        run = _child([sys.executable, "-c", SPECIAL_CHILD, str(corpus), str(work / "special-index")])
        if isinstance(run, str):
            out.append(Outcome("build over special files", False, run))
        else:
            lines = run.stdout.decode("utf-8", "replace").splitlines()
            skipped = [line.split("\t")[0] for line in lines[1:]]
            for name in made["skipped"]:
                count = skipped.count(name)
                out.append(Outcome(f"special file {name}", count == 1 and lines[:1] == ["2"],
                                   f"skipped {count}x, {lines[:1]} plans read"))
        code = CHILD_PRELUDE + "import runpy\nrunpy.run_module('indexer', run_name='__main__', alter_sys=True)\n"
        run = _child([sys.executable, "-c", code, "--inspect", "--corpus", str(corpus)])
        ok = not isinstance(run, str) and run.returncode == 0 and b"Traceback" not in run.stderr \
            and run.stdout.count(b"SKIPPED") == len(made["skipped"])
        out.append(Outcome("--inspect over special files", ok, run if isinstance(run, str) else
                           f"exit {run.returncode}, {run.stdout.count(b'SKIPPED')} skipped"))
    finally:
        made["socket"].close()
    return out


def _child(argv: list[str], timeout: float = 120) -> subprocess.CompletedProcess | str:
    try:
        return subprocess.run(argv, cwd=ROOT, env=_child_env(), capture_output=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return f"hung (killed after {timeout:.0f} s)"


def corpus_b_of(work: Path, corpus: Path) -> Path:
    """A copy of corpus with its last plan changed (what a new version would index)."""
    changed = work / f"changed-{corpus.name}"
    shutil.copytree(corpus, changed)
    modify_plan(sorted(changed.glob("*.txt"))[-1])
    return changed
