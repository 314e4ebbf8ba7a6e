"""Progress in a log (issue #26): when stderr is not a terminal the indexer writes one plain line
every few seconds with done/total, the rate and the time left, never a carriage-return bar."""
from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from indexer.progress import duration, logged, progress_line

ROOT = Path(__file__).resolve().parents[2]


def test_a_line_says_done_total_rate_and_time_left():
    assert progress_line("Nhúng vector", 120, 600, 40.0) == "Nhúng vector: 120/600 (20%), 3.0/s, còn khoảng 2 phút 40 giây"
    assert progress_line("Nhúng vector", 600, 600, 200.0) == "Nhúng vector: 600/600 (100%), 3.0/s"
    assert progress_line("Đọc tệp", 0, 20, 0.0) == "Đọc tệp: 0/20 (0%), 0.0/s"
    assert progress_line("Nhúng vector", 13, 53, 600.0) == "Nhúng vector: 13/53 (24%), 1.3/phút, còn khoảng 30 phút 46 giây"
    assert duration(40) == "40 giây" and duration(3600) == "60 phút 0 giây"


def test_lines_come_every_few_seconds_not_every_item():
    ticks = iter(float(t) for t in range(0, 1000))   # the clock moves 1 s per item
    out = io.StringIO()
    assert list(logged(range(20), "Cắt đoạn", out, every=5.0, clock=lambda: next(ticks))) == list(range(20))
    lines = out.getvalue().splitlines()
    assert lines[0] == "Cắt đoạn: 0/20 (0%), 0.0/s"
    assert lines[-1].startswith("Cắt đoạn: 20/20 (100%)")
    assert 4 <= len(lines) <= 6, lines          # a start line, one per 5 s, the end
    assert "\r" not in out.getvalue()


def test_the_indexer_writes_progress_lines_into_a_log(tmp_path):
    """A real run with stderr to a file (the fake-free path is slow; a tiny corpus keeps it short)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("KẾ HOẠCH\nVề nhà ở xã hội\nI. MỤC TIÊU\n1. Xây dựng nhà ở xã hội.\n", encoding="utf-8")
    log = tmp_path / "build.log"
    with open(log, "w") as err:
        code = subprocess.run([sys.executable, "-c", _FAKE_RUN, str(corpus), str(tmp_path / "index")], cwd=ROOT,
                              env=dict(os.environ, PYTHONPATH=str(ROOT)), stderr=err, timeout=300).returncode
    text = log.read_text(encoding="utf-8")
    assert code == 0, text
    assert "Đọc tệp: 0/1 (0%)" in text and "Nhúng vector: 1/1 (100%)" in text and "\r" not in text


# The CLI's own main with the fake embedder in place of the model (the unit tier loads no model).
_FAKE_RUN = """
import sys
import indexer.__main__ as cli
from tests.fakes import FakeEmbedder
cli.make_embedder = lambda *a, **k: FakeEmbedder()
sys.exit(cli.main(["--corpus", sys.argv[1], "--index", sys.argv[2]]))
"""
