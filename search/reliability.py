"""python -m search.reliability: heavier robustness trials, with figures.

Bad queries (API and CLI), bad corpus files, kill -9 during a build, damaged index files,
concurrent searches during a rebuild. Index-building trials use FakeEmbedder (cheap,
deterministic) so that they are fast; the CLI checks use the real default embedder.
Prints five "tried / passed" lines (stdout and reliability-output.txt); details go to stderr.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence
from unittest import mock

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
REBUILD_COMMAND = "python -m indexer --rebuild"


class FakeEmbedder:
    """Deterministic hash-based unit vectors; as strict about UTF-8 as the real engine."""
    backend = "fake"
    model_id = "fake-v1"
    dim = 16

    def __init__(self, delay: float = 0.0):
        self.delay = delay

    def _vector(self, text: str) -> np.ndarray:
        digest = hashlib.sha256(text.encode("utf-8")).digest()
        v = np.frombuffer(digest[:16], dtype=np.uint8).astype(np.float32) - 127.5
        return (v / np.linalg.norm(v)).astype(np.float32)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if self.delay:
            time.sleep(self.delay)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vector(t) for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._vector(text)


@dataclass(frozen=True)
class Outcome:
    name: str
    ok: bool
    detail: str = ""


# children skip underthesea's optional pipelines: with PyTorch installed (the optional backend)
# they import torch and transformers, 10+ s per process; the default install has no PyTorch
CHILD_PRELUDE = """
import sys
for _m in ("translate", "dependency_parse", "classification", "sentiment", "lang_detect"):
    sys.modules.setdefault("underthesea.pipeline." + _m, None)
sys.modules.setdefault("underthesea.agent", None)
sys.modules.setdefault("underthesea.address", None)
"""

# ---- 1. bad queries ------------------------------------------------------------------------

CONTROL = "".join(chr(i) for i in range(32))
BAD_QUERIES: list[tuple[str, str]] = [
    ("empty", ""),
    ("whitespace", "   \t  \u3000 "),
    ("10000 chars", ("quy hoạch sử dụng đất " * 500)[:10000]),
    ("punctuation", "!!!...,,,;;;???---«»“”"),
    ("emoji", "😀🎉🔥🇻🇳👍🏽"),
    ("control chars", CONTROL),
    ("mixed scripts", "kế hoạch 计划 发展 خطة التنمية план развития"),
    ("html/js", "<script>alert(1)</script>"),
    ("sql", "'; DROP TABLE plans; --"),
    ("regex", ".*+?[](){}|\\^$"),
    ("number fragment /QĐ-", "/QĐ-"),
    ("number fragment 42-", "42-"),
    ("lone surrogates (undecodable argv)", "\udcff\udcfe kế hoạch"),
]
# lines for --queries FILE / stdin: bytes, invalid UTF-8 included; one query per "\n" line
BAD_QUERY_LINES: list[tuple[str, bytes]] = [
    (name, q.replace("\n", " ").replace("\r", " ").encode("utf-8", "surrogateescape"))
    for name, q in BAD_QUERIES] + [
    ("invalid utf-8", b"\xff\xfe\xc3\x28 k\xe1\xba\xbf ho\xe1\xba\xa1ch \x80\x80"),
    ("truncated utf-8", "kế hoạch".encode("utf-8")[:-1]),
]


def result_problem(result) -> str | None:
    """None when a result gives hits or a clear message."""
    if result.hits:
        return None
    if result.message and result.message.strip():
        return None
    return "neither hits nor a message"


def api_bad_queries(searcher) -> list[Outcome]:
    out = []
    for name, q in BAD_QUERIES + [(n, b.decode("utf-8", "surrogateescape")) for n, b in BAD_QUERY_LINES[-2:]]:
        try:
            problem = result_problem(searcher.search(q))
        except Exception as e:  # noqa: BLE001 - any exception is the finding
            problem = f"raised {type(e).__name__}: {e}"
        out.append(Outcome(f"api {name}", problem is None, problem or ""))
    return out


def _run_cli(args: list, stdin: bytes | None = None, timeout: int = 180) -> subprocess.CompletedProcess:
    """`python -m search ARGS`, as the default install runs it (see CHILD_PRELUDE)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    code = CHILD_PRELUDE + "import runpy\nrunpy.run_module('search', run_name='__main__', alter_sys=True)\n"
    return subprocess.run([sys.executable, "-c", code, *args], input=stdin, capture_output=True,
                          cwd=ROOT, env=env, timeout=timeout)


def _cli_problem(proc: subprocess.CompletedProcess, expected_lines: int | None) -> str | None:
    err = proc.stderr.decode("utf-8", "replace")
    if proc.returncode != 0:
        return f"exit code {proc.returncode}: {err.strip()[-300:]}"
    if "Traceback" in err:
        return f"Traceback on stderr: {err.strip()[-300:]}"
    out = proc.stdout.decode("utf-8", "replace")
    if expected_lines is None:
        return None if out.strip() else "no output"
    lines = out.splitlines()
    if len(lines) != expected_lines:
        return f"{len(lines)} JSON lines for {expected_lines} queries"
    for line in lines:
        try:
            obj = json.loads(line)
        except ValueError:
            return f"not JSON: {line[:80]!r}"
        if not obj.get("hits") and not (obj.get("message") or "").strip():
            return f"neither hits nor message for {obj.get('query', '')[:40]!r}"
    return None


def cli_bad_queries(index_dir: Path, corpus: Path, argv_names: set[str] | None = None,
                    workers: int = 2) -> list[Outcome]:
    """Every bad query as an argument (or those named), all of them in --queries FILE and on
    stdin (`python -m search -`)."""
    common = ["--index", str(index_dir), "--corpus", str(corpus), "--k", "5"]
    data = b"\n".join(b for _, b in BAD_QUERY_LINES) + b"\n"
    qfile = Path(tempfile.mkdtemp(prefix="badq-")) / "queries.txt"
    qfile.write_bytes(data)
    jobs = [("cli --queries FILE (all bad lines)", ["--queries", str(qfile), "--json", *common], None,
             len(BAD_QUERY_LINES)),
            ("cli - (stdin, all bad lines)", ["-", "--json", *common], data, len(BAD_QUERY_LINES))]
    for name, q in BAD_QUERIES:
        if argv_names is not None and name not in argv_names:
            continue
        arg = q.replace("\x00", "").encode("utf-8", "surrogateescape")  # argv cannot hold NUL
        jobs.append((f"cli argv {name}", [arg, *common], None, None))
        if name == "10000 chars":
            jobs.append((f"cli argv {name} --json", [arg, "--json", *common], None, 1))
    jobs.append(("cli argv invalid utf-8", [BAD_QUERY_LINES[-2][1], *common], None, None))

    def run(job):
        name, args, stdin, expected = job
        try:
            proc = _run_cli(args, stdin)
        except subprocess.TimeoutExpired:
            return Outcome(name, False, "timed out")
        problem = _cli_problem(proc, expected)
        return Outcome(name, problem is None, problem or "")

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(run, jobs))
    shutil.rmtree(qfile.parent, ignore_errors=True)
    return results


def copy_live_index(src: Path, dst: Path) -> bool:
    """Copy the live version of src into dst (a fresh index folder); False when src has none."""
    from indexer import store

    try:
        folder = store.current_folder(src)
        if folder is None:
            return False
        shutil.copytree(folder, dst / folder.name)
    except (store.IndexProblem, OSError):
        return False
    (dst / "CURRENT").write_text(folder.name + "\n", encoding="utf-8")
    try:
        store.load_records(dst)
    except store.IndexProblem:
        return False
    return True


# ---- 2. bad corpus files -------------------------------------------------------------------

def _pdf_bytes(lines: list[str]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    font = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if font.is_file():
        pdf.add_font("DejaVu", fname=str(font))
        pdf.set_font("DejaVu", size=12)
    else:
        pdf.set_font("Helvetica", size=12)
        lines = [l.encode("ascii", "ignore").decode() for l in lines]
    for line in lines:
        pdf.cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _encrypted_pdf() -> bytes:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(_pdf_bytes(["KẾ HOẠCH bí mật", "Nội dung được mã hóa"])))
    writer = pypdf.PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.encrypt("secret")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    for i in range(40):
        document.add_paragraph(f"{i}. Nhiệm vụ số {i}: nâng cao chất lượng dịch vụ công trực tuyến.")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


# expected: "skipped" | "duplicate" | "indexed" (a readable plan under a misleading name)
BAD_FILES = ["empty.txt", "binary.txt", "huge.txt", "truncated.docx", "encrypted.pdf", "pdf-named.txt",
             "text-named.pdf", "denied.txt", "duplicate-copy.txt", "vanished.txt", "legacy.doc"]


def make_bad_corpus(folder: Path, plans: list[Path], extra_plan: Path) -> dict[str, str]:
    """Copies of plans plus every kind of bad file; returns {bad file: expected outcome}.
    vanished.txt is not created (it is listed but gone); denied.txt must be read under
    deny_reading()."""
    folder.mkdir(parents=True, exist_ok=True)
    for p in plans:
        shutil.copyfile(p, folder / p.name)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02\xff" + random.Random(7).randbytes(4000))
    with open(folder / "huge.txt", "wb") as f:  # sparse: 100 MB of nothing, instantly
        f.truncate(100 * 2**20)
    (folder / "truncated.docx").write_bytes(_docx_bytes()[:3000])
    (folder / "encrypted.pdf").write_bytes(_encrypted_pdf())
    (folder / "pdf-named.txt").write_bytes(_pdf_bytes(["KẾ HOẠCH Thực hiện chuyển đổi số năm 2025",
                                                       "I. MỤC ĐÍCH, YÊU CẦU",
                                                       "Phát triển hạ tầng số tại các xã vùng cao"]))
    shutil.copyfile(extra_plan, folder / "text-named.pdf")
    (folder / "denied.txt").write_text("KẾ HOẠCH không được phép đọc\nI. MỤC TIÊU\nNội dung riêng.",
                                       encoding="utf-8")
    shutil.copyfile(plans[0], folder / "duplicate-copy.txt")
    (folder / "legacy.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000))
    expected = {name: "skipped" for name in BAD_FILES}
    expected.update({"pdf-named.txt": "indexed", "text-named.pdf": "indexed", "duplicate-copy.txt": "duplicate"})
    return expected


class deny_reading:
    """Make reading one file raise PermissionError, as for a file root may not read."""

    def __init__(self, path: Path):
        self.path = Path(path).resolve()

    def _guard(self, original):
        guard_path = self.path

        def method(p, *args, **kwargs):
            if Path(p).resolve() == guard_path:
                raise PermissionError(13, "Permission denied", str(p))
            return original(p, *args, **kwargs)
        return method

    def __enter__(self):
        self._patches = [mock.patch.object(Path, "read_bytes", self._guard(Path.read_bytes)),
                         mock.patch.object(Path, "open", self._guard(Path.open))]
        for p in self._patches:
            p.start()
        return self

    def __exit__(self, *exc):
        for p in self._patches:
            p.stop()


def _judge_corpus(names_read: list[str], skipped: list[str], duplicates: list[str],
                  expected: dict[str, str], plans: list[str], where: str) -> list[Outcome]:
    out = []
    for name, want in expected.items():
        reported = skipped.count(name) + duplicates.count(name)
        got = ("indexed" if name in names_read else
               "skipped" if name in skipped else "duplicate" if name in duplicates else "lost")
        ok = got == want and (reported == 1 if want != "indexed" else reported == 0)
        out.append(Outcome(f"{where} {name}", ok, f"expected {want}, got {got} (reported {reported}x)"))
    missing = [p for p in plans if p not in names_read]
    if missing:
        out.append(Outcome(f"{where} readable plans", False, f"not indexed: {missing}"))
    return out


def bad_corpus_trials(work: Path, plans: list[Path], extra_plan: Path) -> list[Outcome]:
    """read_corpus and build_index over a corpus of real plans plus bad files: each bad file is
    reported once, every readable plan indexed. One Outcome per bad file (both paths must pass)."""
    from indexer import build as build_module
    from indexer.corpus import corpus_files, read_corpus
    from indexer.store import load_records

    corpus = work / "bad-corpus"
    expected = make_bad_corpus(corpus, plans, extra_plan)
    vanished = corpus / "vanished.txt"
    plan_names = [p.name for p in plans]
    with deny_reading(corpus / "denied.txt"):
        files = corpus_files(corpus) + [vanished]
        reading = read_corpus(corpus, files)
        per_read = _judge_corpus([d.name for d in reading.documents], [s.name for s in reading.skipped],
                                 [d for d, _ in reading.duplicates], expected, plan_names, "read_corpus")
        listing = build_module.corpus_files
        with mock.patch.object(build_module, "corpus_files", lambda root: listing(root) + [vanished]):
            try:
                report = build_module.build_index(corpus, work / "bad-index", FakeEmbedder())
                stored = load_records(work / "bad-index")
                per_build = _judge_corpus(list(stored.plans), [s for s, _ in report.skipped],
                                          [d for d, _ in report.duplicates], expected, plan_names, "build_index")
            except Exception as e:  # noqa: BLE001
                per_build = [Outcome(f"build_index {n}", False, f"build raised {type(e).__name__}: {e}")
                             for n in expected]
    out = []
    for name in expected:
        checks = [o for o in per_read + per_build if o.name.endswith(" " + name)]
        bad = [o for o in checks if not o.ok]
        out.append(Outcome(f"file {name}", not bad, "; ".join(f"{o.name}: {o.detail}" for o in bad)))
    out += [o for o in per_read + per_build if o.name.endswith("readable plans")]
    return out


# ---- helpers for index trials -------------------------------------------------------------

PROBE_QUERIES = ["kế hoạch", "nâng cao chất lượng", "chuyen doi so", "ngân sách nhà nước",
                 "digital transformation", "UBND tỉnh", "42-", "trách nhiệm tổ chức thực hiện"]


def answers(searcher, queries: Sequence[str] = PROBE_QUERIES, k: int = 10) -> list:
    return [signature(searcher.search(q, k=k)) for q in queries]


def signature(result) -> tuple:
    return (result.message, tuple((h.passage.doc, h.passage.char_start, h.passage.char_end, h.score)
                                  for h in result.hits))


def modify_plan(path: Path, marker: str = "B") -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text + f"\n\nVII. BỔ SUNG {marker}\n1. Nội dung bổ sung {marker}: tăng cường chuyển đổi số "
                    f"và cải cách hành chính tại cấp xã, phiên bản {marker}.\n", encoding="utf-8")


def prepare_states(work: Path, plans: list[Path], chars: int = 6000) -> dict:
    """corpus A (plans), corpus B (the last plan modified); an index of each; their answers."""
    from indexer.build import build_index
    from .engine import Searcher

    states = {}
    for label in ("A", "B"):
        corpus = work / f"corpus-{label}"
        corpus.mkdir(parents=True)
        for p in plans:  # the head of each plan: fast builds, still real text
            (corpus / p.name).write_text(p.read_text(encoding="utf-8")[:chars], encoding="utf-8")
        if label == "B":
            modify_plan(corpus / plans[-1].name)
        index = work / f"index-{label}"
        build_index(corpus, index, FakeEmbedder())
        states[label] = {"corpus": corpus, "index": index,
                         "answers": answers(Searcher(index, embedder=FakeEmbedder()))}
    return states


def _child_env() -> dict:
    return dict(os.environ, PYTHONPATH=str(ROOT), PYTHONDONTWRITEBYTECODE="1")


# ---- 3. crash safety -----------------------------------------------------------------------

BUILD_CHILD = CHILD_PRELUDE + """
import sys, time
from indexer.build import build_index
from search.reliability import FakeEmbedder
print("ready", flush=True)
build_index(__import__("pathlib").Path(sys.argv[1]), __import__("pathlib").Path(sys.argv[2]),
            FakeEmbedder(delay=float(sys.argv[3])))
print("done", flush=True)
"""


def _start_build_child(corpus: Path, index: Path, delay: float) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", BUILD_CHILD, str(corpus), str(index), str(delay)],
                            cwd=ROOT, env=_child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def crash_trials(work: Path, states: dict, n: int, seed: int = 1, delay: float = 0.15) -> list[Outcome]:
    """kill -9 a rebuild (A -> B) at a random moment; the index left behind loads and answers
    exactly as A or as B (never a mix), and the next build completes and answers as B."""
    from indexer import store
    from indexer.build import build_index
    from .engine import Searcher

    rng = random.Random(seed)
    # how long the build takes in a child (from its "ready" to its end), to spread the kills over
    probe = work / "crash-probe"
    shutil.copytree(states["A"]["index"], probe)
    child = _start_build_child(states["B"]["corpus"], probe, delay)
    child.stdout.readline()
    t0 = time.perf_counter()
    child.communicate()
    duration = time.perf_counter() - t0
    shutil.rmtree(probe)
    out = []
    for trial in range(n):
        index = work / f"crash-{trial}"
        shutil.copytree(states["A"]["index"], index)
        # half the kills anywhere in the build, half in its last third (writing, committing)
        moment = rng.uniform(0, duration * 1.1) if trial % 2 == 0 else rng.uniform(duration * 0.6, duration * 1.2)
        child = _start_build_child(states["B"]["corpus"], index, delay)
        ready = child.stdout.readline()
        if ready.strip() != b"ready":
            child.kill()
            child.wait()
            out.append(Outcome(f"crash {trial}", False, f"child did not start: {child.stderr.read()[-300:]!r}"))
            continue
        time.sleep(moment)
        child.send_signal(signal.SIGKILL)
        child.wait()
        finished = b"done" in child.stdout.read()
        child.stderr.read()
        detail = f"killed at {moment:.2f}s of ~{duration:.2f}s" + (" (after it finished)" if finished else "")
        try:
            got = answers(Searcher(index, embedder=FakeEmbedder()))
            state = "A" if got == states["A"]["answers"] else "B" if got == states["B"]["answers"] else None
            if state is None:
                raise AssertionError("answers match neither the old nor the new index")
            build_index(states["B"]["corpus"], index, FakeEmbedder())
            if answers(Searcher(index, embedder=FakeEmbedder())) != states["B"]["answers"]:
                raise AssertionError("the next build does not answer as a clean build")
            out.append(Outcome(f"crash {trial}", True, f"{detail}: left index {state}"))
        except (store.IndexProblem, AssertionError, Exception) as e:  # noqa: BLE001
            out.append(Outcome(f"crash {trial}", False, f"{detail}: {type(e).__name__}: {e}"))
        shutil.rmtree(index, ignore_errors=True)
    return out


# ---- 4. damage detection -------------------------------------------------------------------

LOAD_WORKER = CHILD_PRELUDE + """
import json, sys
from indexer.store import IndexProblem
from search.engine import Searcher
from search.reliability import FakeEmbedder, answers
print("ready", flush=True)
for line in sys.stdin:
    try:
        s = Searcher(line.strip(), embedder=FakeEmbedder())
        res = {"status": "loaded", "answers": json.loads(json.dumps(answers(s)))}
    except IndexProblem as e:
        res = {"status": "refused", "kind": type(e).__name__, "message": str(e)}
    except BaseException as e:
        res = {"status": "error", "kind": type(e).__name__, "message": str(e)[:300]}
    print(json.dumps(res, ensure_ascii=False), flush=True)
"""


class LoadWorker:
    """A subprocess that loads index folders on request: a segfault kills only it (and is seen)."""

    def __init__(self):
        self.proc = None

    def _start(self):
        self.proc = subprocess.Popen([sys.executable, "-c", LOAD_WORKER], cwd=ROOT, env=_child_env(),
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True, encoding="utf-8")
        assert self.proc.stdout.readline().strip() == "ready"

    def load(self, index: Path) -> dict:
        if self.proc is None or self.proc.poll() is not None:
            self._start()
        self.proc.stdin.write(str(index) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            code = self.proc.wait()
            self.proc = None
            return {"status": "died", "kind": f"exit code {code}" + (" (segfault)" if code == -11 else "")}
        return json.loads(line)

    def close(self):
        if self.proc and self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=30)


def damage_targets(index: Path) -> list[str]:
    """Paths (relative to index) of every file of the live version, plus CURRENT."""
    name = (index / "CURRENT").read_text(encoding="utf-8").strip()
    manifest = json.loads((index / name / "manifest.json").read_text(encoding="utf-8"))
    return [f"{name}/{rel}" for rel in sorted(manifest["files"])] + [f"{name}/manifest.json", "CURRENT"]


def damage(path: Path, mode: str, rng: random.Random) -> str:
    data = bytearray(path.read_bytes())
    if mode == "truncate" or len(data) == 0:
        cut = rng.randrange(0, max(1, len(data)))
        path.write_bytes(bytes(data[:cut]))
        return f"truncated to {cut} of {len(data)} bytes"
    positions = sorted(rng.sample(range(len(data)), min(len(data), rng.randint(1, 3))))
    for i in positions:
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))
    return f"flipped bytes at {positions}"


def damage_trials(work: Path, states: dict, n: int, seed: int = 2, worker: LoadWorker | None = None
                  ) -> list[Outcome]:
    """Damage one file of a copy of index A per trial (every file in turn, truncated or with
    flipped bytes); the load must refuse with IndexProblem naming the file and the command."""
    rng = random.Random(seed)
    base = states["A"]["index"]
    targets = damage_targets(base)
    own = worker is None
    worker = worker or LoadWorker()
    out = []
    try:
        for trial in range(n):
            rel = targets[trial % len(targets)]
            mode = "truncate" if (trial // len(targets)) % 2 == 0 else "flip"
            index = work / f"damage-{trial}"
            shutil.copytree(base, index)
            how = damage(index / rel, mode, rng)
            res = worker.load(index)
            shown = rel.split("/", 1)[-1] if rel != "CURRENT" else "CURRENT"
            if res["status"] == "refused":
                msg = res["message"]
                ok = shown in msg and REBUILD_COMMAND in msg
                detail = f"{res['kind']}: {msg}" if ok else f"message does not name {shown} and the command: {msg}"
            elif res["status"] == "loaded":
                same = res["answers"] == json.loads(json.dumps(states["A"]["answers"]))
                ok, detail = False, "loaded silently" + ("" if same else " and answered DIFFERENTLY")
            else:
                ok, detail = False, f"{res['status']}: {res.get('kind')} {res.get('message', '')}"
            out.append(Outcome(f"damage {rel} ({how})", ok, detail))
            shutil.rmtree(index, ignore_errors=True)
    finally:
        if own:
            worker.close()
    return out


# ---- 5. concurrency ------------------------------------------------------------------------

CONCURRENT_QUERIES = PROBE_QUERIES + [
    "quy hoạch sử dụng đất", "cai cach hanh chinh", "giáo dục đào tạo", "y tế cơ sở", "", "😀",
    "<script>alert(1)</script>", "ha tang so", "phát triển kinh tế xã hội", "public services",
    "bổ sung", "Kế hoạch số", "vùng cao", "nhiệm vụ giải pháp"]

REBUILD_CHILD = CHILD_PRELUDE + """
import sys, pathlib
from indexer.build import build_index
from search.reliability import FakeEmbedder
corpora, index = [pathlib.Path(p) for p in sys.argv[1:3]], pathlib.Path(sys.argv[3])
i = 0
while True:
    build_index(corpora[i % 2], index, FakeEmbedder(), force=True)
    i += 1
    print(i, flush=True)
"""


def concurrency_trial(work: Path, states: dict, threads: int, per_thread: int,
                      rebuild: bool = True) -> tuple[int, int, list[str]]:
    """threads x per_thread searches on one Searcher, while another process rebuilds the same
    index folder (alternating B and A) and new Searchers keep opening it. Returns (tried,
    identical, problems); problems also lists fresh Searchers that saw neither A nor B."""
    from indexer import store
    from .engine import Searcher

    index = work / "concurrent-index"
    shutil.copytree(states["A"]["index"], index)
    searcher = Searcher(index, embedder=FakeEmbedder())
    reference = {q: signature(searcher.search(q)) for q in CONCURRENT_QUERIES}
    problems: list[str] = []
    results = [0] * threads
    rebuilds = None
    if rebuild:
        rebuilds = subprocess.Popen([sys.executable, "-c", REBUILD_CHILD, str(states["B"]["corpus"]),
                                     str(states["A"]["corpus"]), str(index)], cwd=ROOT, env=_child_env(),
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stop = threading.Event()
    fresh = {"opened": 0, "A": 0, "B": 0}

    def worker(t: int):
        rng = random.Random(t)
        same = 0
        for _ in range(per_thread):
            q = rng.choice(CONCURRENT_QUERIES)
            try:
                if signature(searcher.search(q)) == reference[q]:
                    same += 1
                else:
                    problems.append(f"thread {t}: {q!r} answered differently")
            except Exception as e:  # noqa: BLE001
                problems.append(f"thread {t}: {q!r} raised {type(e).__name__}: {e}")
        results[t] = same

    def opener():
        while not stop.is_set():
            try:
                got = answers(Searcher(index, embedder=FakeEmbedder()), PROBE_QUERIES[:3])
            except store.IndexProblem as e:
                problems.append(f"fresh Searcher refused a live index: {e}")
                continue
            fresh["opened"] += 1
            for label in ("A", "B"):
                if got == states[label]["answers"][:3]:
                    fresh[label] += 1
                    break
            else:
                problems.append("a fresh Searcher answered as neither the old nor the new index (a mix)")
            stop.wait(0.2)

    pool = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    watcher = threading.Thread(target=opener)
    for th in pool + [watcher]:
        th.start()
    for th in pool:
        th.join()
    stop.set()
    watcher.join()
    done_rebuilds = 0
    if rebuilds is not None:
        rebuilds.kill()
        rebuilds.wait()
        lines = rebuilds.stdout.read().split()
        done_rebuilds = int(lines[-1]) if lines else 0
        err = rebuilds.stderr.read().decode("utf-8", "replace")
        if "Traceback" in err and "KeyboardInterrupt" not in err:
            problems.append(f"the concurrent rebuild failed: {err.strip()[-300:]}")
    print(f"  concurrency: {done_rebuilds} rebuilds completed meanwhile; fresh Searchers opened "
          f"{fresh['opened']} (old index {fresh['A']}, new index {fresh['B']})", file=sys.stderr)
    if rebuild and done_rebuilds == 0:
        problems.append("no rebuild completed while searching (the trial proved nothing)")
    return threads * per_thread, sum(results), problems


# ---- the script ------------------------------------------------------------------------------

def real_plans(corpus: Path = ROOT / "corpus") -> list[Path]:
    plans = sorted(p for p in corpus.iterdir() if p.suffix == ".txt")
    if len(plans) < 3:
        raise SystemExit(f"need at least 3 plans in {corpus}")
    return plans


def _report(title: str, outcomes: list[Outcome]) -> tuple[int, int]:
    for o in outcomes:
        if not o.ok:
            print(f"  FAIL {title}: {o.name}: {o.detail}", file=sys.stderr)
    return len(outcomes), sum(o.ok for o in outcomes)


def main(argv: list[str] | None = None) -> int:
    import argparse
    import logging

    ap = argparse.ArgumentParser(prog="python -m search.reliability")
    ap.add_argument("--crash", type=int, default=20)
    ap.add_argument("--damage", type=int, default=24)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--per-thread", type=int, default=250)
    ap.add_argument("--output", type=Path, default=ROOT / "reliability-output.txt")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger("indexer").setLevel(logging.ERROR)
    from .engine import Searcher

    plans = real_plans()
    lines = []
    t_start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="reliability-") as tmp:
        work = Path(tmp)
        t = time.perf_counter()
        states = prepare_states(work, plans[:2])
        print(f"  prepared fake-embedder indexes in {time.perf_counter() - t:.1f}s", file=sys.stderr)

        t = time.perf_counter()
        outcomes = api_bad_queries(Searcher(states["A"]["index"], embedder=FakeEmbedder()))
        real_index = work / "real-index"
        if not copy_live_index(ROOT / "index", real_index):
            print("  (no usable index in ./index: the CLI builds one in a temp folder)", file=sys.stderr)
            shutil.rmtree(real_index, ignore_errors=True)
        outcomes += cli_bad_queries(real_index, ROOT / "corpus")
        tried, passed = _report("bad input", outcomes)
        lines.append(f"bad inputs tried / passed: {tried} / {passed}")
        print(f"  bad inputs: {time.perf_counter() - t:.1f}s", file=sys.stderr)

        t = time.perf_counter()
        tried, passed = _report("bad file", bad_corpus_trials(work, plans[:2], plans[2]))
        lines.append(f"files tried / handled: {tried} / {passed}")
        print(f"  bad files: {time.perf_counter() - t:.1f}s", file=sys.stderr)

        t = time.perf_counter()
        outcomes = crash_trials(work, states, args.crash)
        tried, passed = _report("crash", outcomes)
        lines.append(f"crash trials / survived: {tried} / {passed}")
        left = [o.detail.rsplit(" ", 1)[-1] for o in outcomes if o.ok]
        print(f"  crash: {time.perf_counter() - t:.1f}s; left old index {left.count('A')}x, "
              f"new index {left.count('B')}x", file=sys.stderr)

        t = time.perf_counter()
        tried, passed = _report("damage", damage_trials(work, states, args.damage))
        lines.append(f"damage trials / detected: {tried} / {passed}")
        print(f"  damage: {time.perf_counter() - t:.1f}s", file=sys.stderr)

        t = time.perf_counter()
        tried, identical, problems = concurrency_trial(work, states, args.threads, args.per_thread)
        for p in problems[:20]:
            print(f"  FAIL concurrency: {p}", file=sys.stderr)
        lines.append(f"concurrent searches / identical: {tried} / {identical}")
        print(f"  concurrency: {time.perf_counter() - t:.1f}s", file=sys.stderr)
    print(f"  total {time.perf_counter() - t_start:.1f}s", file=sys.stderr)
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    args.output.write_text(text, encoding="utf-8")
    all_ok = all(l.split(": ")[1].split(" / ")[0] == l.split(" / ")[-1] for l in lines) and not problems
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
