"""Every bad argument of every command-line option, and hostile standard streams: each run ends
with one of the documented exit codes and a message, never a traceback, and the index stays as
it was. Exit codes (README): 0 done; 1 unexpected failure; 2 bad argument, input or index;
3 the output cannot be written."""
from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tools.trials import CHILD_PRELUDE, ROOT, Outcome, _child_env

OK, REFUSED, OUTPUT = {0}, {2}, {3}


def _jobs(index: Path, corpus: Path, work: Path, ro_index: Path | None) -> list[tuple]:
    """(name, module, args, expected exit codes, stdin, stdout) per trial."""
    (work / "a-file").write_text("x")
    (work / "binary.q").write_bytes(os.urandom(2000))
    (work / "a-folder").mkdir(exist_ok=True)
    ix = ["--index", str(index), "--corpus", str(corpus)]
    search = [
        ("--k 0", ["nhà ở", "--k", "0", *ix], REFUSED), ("--k -5", ["nhà ở", "--k", "-5", *ix], REFUSED),
        ("--k 1001", ["nhà ở", "--k", "1001", *ix], REFUSED), ("--k abc", ["nhà ở", "--k", "abc", *ix], REFUSED),
        ("--k empty", ["nhà ở", "--k", "", *ix], REFUSED),
        ("--k 10**30", ["nhà ở", "--k", "1" + "0" * 30, *ix], REFUSED),
        ("--queries missing", ["--queries", str(work / "nope.txt"), *ix], REFUSED),
        ("--queries a folder", ["--queries", str(work / "a-folder"), *ix], REFUSED),
        ("--queries /dev/zero (endless)", ["--queries", "/dev/zero", *ix], REFUSED),
        ("--queries binary", ["--queries", str(work / "binary.q"), "--json", *ix], OK),
        ("--index a file", ["nhà ở", "--index", str(work / "a-file"), "--corpus", str(corpus)], REFUSED),
        ("--index under a file", ["nhà ở", "--index", str(work / "a-file" / "x"), "--corpus", str(corpus)], REFUSED),
        ("--index in /proc", ["nhà ở", "--index", "/proc/plansearch-index", "--corpus", str(corpus)], REFUSED),
        ("--corpus missing", ["nhà ở", "--index", str(index), "--corpus", str(work / "nope")], OK),
        ("--corpus a file", ["nhà ở", "--index", str(index), "--corpus", str(work / "a-file")], OK),
        ("--province unknown", ["nhà ở", "--province", "Atlantis", *ix], REFUSED),
        ("--province empty", ["nhà ở", "--province", "", *ix], REFUSED),
        ("--level bad", ["nhà ở", "--level", "quận", *ix], REFUSED),
        ("--year abc", ["nhà ở", "--year", "abc", *ix], REFUSED),
        ("--year huge", ["nhà ở", "--year", "9" * 40, *ix], REFUSED),
        ("--document unknown", ["nhà ở", "--document", "nope.txt", *ix], REFUSED),   # filter values name what exists
        ("--type unknown", ["nhà ở", "--type", "Sắc lệnh", *ix], REFUSED),
        ("--figures with --similar", ["nhà ở", "--figures", "--similar", *ix], REFUSED),
        ("--figures empty query", ["", "--figures", *ix], OK),
        ("--similar one word", ["a", "--similar", *ix], OK),
        ("no query", [*ix], REFUSED), ("unknown option", ["--frobnicate", *ix], REFUSED),
    ]
    jobs = [(f"search {n}", "search", a, e, None, None) for n, a, e in search]
    jobs += [("search - with stdin closed", "search", ["-", *ix], REFUSED, "closed", None),
             ("search stdout to /dev/full", "search", ["nhà ở", *ix], OUTPUT, None, "/dev/full"),
             ("search stdout closed", "search", ["nhà ở", *ix], OUTPUT, None, "closed"),   # README: 3
             ("search --json stdout closed", "search", ["nhà ở", "--json", *ix], OUTPUT, None, "closed"),
             ("search --figures undecodable byte", "search", [os.fsdecode(b"t\xff l\xe1"), "--figures", *ix],
              OK, None, None),
             ("search stdout into head (broken pipe)", "search", ["--queries", str(_many(work)), *ix],
              OK, None, "pipe")]
    indexer = [
        ("--corpus missing", ["--corpus", str(work / "nope"), "--index", str(work / "i1")], REFUSED),
        ("--corpus a file", ["--corpus", str(work / "a-file"), "--index", str(work / "i2")], REFUSED),
        ("--index a file", ["--corpus", str(corpus), "--index", str(work / "a-file")], REFUSED),
        ("--index in /proc", ["--corpus", str(corpus), "--index", "/proc/plansearch-index"], REFUSED),
        ("--backend bogus", ["--backend", "bogus", "--index", str(work / "i3")], REFUSED),
        ("--backend st, --model missing", ["--backend", "sentence-transformers", "--model",
                                           str(work / "no-model"), "--index", str(work / "i4")], REFUSED),
        ("--inspect --corpus missing", ["--inspect", "--corpus", str(work / "nope")], REFUSED),
        ("unknown option", ["--frobnicate"], REFUSED),
    ]
    jobs += [(f"indexer {n}", "indexer", a, e, None, None) for n, a, e in indexer]
    jobs += [("indexer --inspect stdout to /dev/full", "indexer", ["--inspect", "--corpus", str(corpus)],
              OUTPUT, None, "/dev/full"),
             ("indexer --inspect into head (broken pipe)", "indexer", ["--inspect", "--corpus", str(corpus)],
              OK, None, "pipe")]
    if ro_index is not None:
        jobs += [("search on a read-only index, corpus changed", "search",
                  ["nhà ở xã hội", "--index", str(ro_index), "--corpus", str(work / "changed-corpus")], OK, None, None),
                 ("indexer --rebuild on a read-only index", "indexer",
                  ["--rebuild", "--index", str(ro_index), "--corpus", str(work / "changed-corpus")], REFUSED, None, None)]
    return jobs


def _many(work: Path) -> Path:
    path = work / "many.q"
    path.write_text("nhà ở xã hội\n" * 400, encoding="utf-8")
    return path


def _run(job, timeout: float = 300) -> subprocess.CompletedProcess | str:
    name, module, args, _, stdin, stdout = job
    code = CHILD_PRELUDE + f"import runpy\nrunpy.run_module({module!r}, run_name='__main__', alter_sys=True)\n"
    argv = [sys.executable, "-c", code, *args]
    if stdout == "pipe":   # the consumer reads one line and goes away
        argv = ["bash", "-c", '"$@" | head -n 1 >/dev/null; exit ${PIPESTATUS[0]}', "bash", *argv]
    out = subprocess.PIPE
    if stdout == "/dev/full":
        out = open("/dev/full", "wb")
    pre = None
    if stdin == "closed" or stdout == "closed":
        fd = 0 if stdin == "closed" else 1
        pre = lambda: os.close(fd)  # noqa: E731 - runs in the child before exec
    try:
        return subprocess.run(argv, cwd=ROOT, env=_child_env(), stdout=out, stderr=subprocess.PIPE,
                              stdin=subprocess.DEVNULL, timeout=timeout, preexec_fn=pre)
    except subprocess.TimeoutExpired:
        return f"hung (killed after {timeout:.0f} s)"
    finally:
        if out is not subprocess.PIPE:
            out.close()


def _judge(job, run) -> Outcome:
    name, expected = job[0], job[3]
    if isinstance(run, str):
        return Outcome(name, False, run)
    err = run.stderr.decode("utf-8", "replace")
    last = err.strip().splitlines()[-1][:200] if err.strip() else ""
    if "Traceback" in err:
        return Outcome(name, False, f"traceback: {err.strip()[-300:]}")
    if run.returncode not in expected:
        return Outcome(name, False, f"exit {run.returncode}, expected {sorted(expected)}: {last}")
    if run.returncode != 0 and not last:
        return Outcome(name, False, f"exit {run.returncode} without a message")
    if "read-only index" in name and run.returncode == 0 and err.count("warning:") != 1:
        return Outcome(name, False, f"expected one warning, stderr: {err[-300:]}")
    return Outcome(name, True, f"exit {run.returncode}: {last}")


def cli_argument_trials(index: Path, corpus: Path, work: Path, ro_index: Path | None = None,
                        workers: int = 2) -> list[Outcome]:
    work.mkdir(parents=True, exist_ok=True)
    jobs = _jobs(index, corpus, work, ro_index)
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(lambda job: _judge(job, _run(job)), jobs))
