"""Reliability trials 1-2: bad queries (API and CLI) and bad corpus files."""

import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from unittest import mock

from tests.fakes import FakeEmbedder



from tools.trials import CHILD_PRELUDE, ROOT, Outcome

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
                         mock.patch.object(Path, "open", self._guard(Path.open)),
                         mock.patch.object(os, "open", self._guard(os.open))]
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
    from indexer.index import build as build_module
    from indexer.read.corpus import corpus_files, read_corpus
    from indexer.index.folder import load_records

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
        with mock.patch.object(build_module, "corpus_files",
                               lambda root, specials=None: listing(root, specials) + [vanished]):
            try:
                report = build_module.build_index(corpus, work / "bad-index", FakeEmbedder())
                stored = load_records(work / "bad-index")
                per_build = _judge_corpus(list(stored.documents), [s for s, _ in report.skipped],
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

