"""The page and the CLI under hostile use: bidi controls neutralised in display only, one
formula guard for every CSV, a link's unknown filters said, one background build per server
whoever asks, bounded query input and output failures without a traceback."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

from indexer.index import folder as store
from indexer.index.build import build_index
from search.page import builder as builder_module
from search.page import state as page_state
from search.page.export import figures_csv
from search.page.highlight import highlight_query, neutral_bidi
from search.query import analyze_query
from tests.paths import PLANS

ROOT = Path(__file__).resolve().parents[2]
CORPUS = PLANS
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def test_bidi_controls_are_removed_from_display_only():
    text = "Kế hoạch \u202esố 12\u202c <b>nhà ở</b> " + BIDI
    shown = highlight_query(text, analyze_query("nhà ở", frozenset()))
    assert not any(c in shown for c in BIDI)
    assert "&lt;b&gt;<mark>nhà ở</mark>&lt;/b&gt;" in shown
    assert neutral_bidi("a\u2067b\u2069c") == "abc" and text.count("\u202e") == 2   # the text itself is untouched


def test_the_figures_table_shows_no_bidi_controls():
    figure = SimpleNamespace(value_text="95\u202e%", measure="tỷ lệ \u2067x\u2069", target_year=2030,
                             citation="Kế hoạch\u200f")
    row = SimpleNamespace(label="UBND\u202b tỉnh", metadata=None, figures=(SimpleNamespace(figure=figure),))
    cells = page_state.figure_display_rows((row,))[0].values()
    assert not any(c in cell for cell in cells for c in BIDI)


def test_the_figures_csv_goes_through_the_formula_guard():
    figure = SimpleNamespace(value_text="=1+1", measure="@SUM(A1)", target_year=2030, citation="-cmd")
    row = SimpleNamespace(label="+plan", metadata=None, figures=(SimpleNamespace(figure=figure),))
    data = figures_csv((row,)).decode("utf-8-sig")
    cells = data.splitlines()[1].split(",")
    assert cells[0] == "'+plan" and "'=1+1" in cells and "'@SUM(A1)" in cells and "'-cmd" in cells


def test_every_csv_writer_is_in_export():
    """One formula guard: no other product module writes CSV."""
    writers = [p for p in ROOT.glob("**/*.py") if ".venv" not in p.parts and "tests" not in p.parts
               and "csv.writer" in p.read_text(encoding="utf-8")]
    assert [p.relative_to(ROOT).as_posix() for p in writers] == ["search/page/export.py"]


def test_a_link_with_a_removed_plan_says_so():
    choices = page_state.FilterChoices(provinces=("Gia Lai",), years=(2025,), documents=("a.txt",))
    params = {"plan": ["gone.txt", "a.txt"], "province": ["Atlantis"], "year": ["1900", "x"], "q": ["nhà"]}
    state = page_state.state_from_params(params, choices)
    assert state.filters.documents == ("a.txt",)
    assert page_state.dropped_filters(params, state) == ("gone.txt", "Atlantis", "1900", "x")
    assert page_state.dropped_filters({"plan": ["a.txt"]}, state) == ()


# -- one build per server ----------------------------------------------------------------------

@pytest.fixture
def server(tmp_path, fake_embedder_cls, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for p in sorted(CORPUS.glob("*.txt"))[:2]:
        shutil.copy(p, corpus / p.name)
    builds = []
    real = builder_module.build_index

    def counting(*a, **kw):
        builds.append(threading.current_thread().name)
        return real(*a, **kw)

    monkeypatch.setattr(builder_module, "build_index", counting)
    monkeypatch.setattr(builder_module, "make_embedder", lambda: fake_embedder_cls(delay=0.05))
    monkeypatch.setattr(builder_module, "embedder_for", lambda d: fake_embedder_cls(delay=0.05))
    monkeypatch.setattr(builder_module, "CHECK_SECONDS", 0.0)
    monkeypatch.setattr(builder_module, "RETRY_SECONDS", 0.0)
    return corpus, tmp_path / "index", builds


def test_many_visitors_start_one_build_in_the_background(server):
    corpus, index, builds = server
    runner = builder_module.ServerBuilder(index, corpus)
    statuses = []
    visitors = [threading.Thread(target=lambda: statuses.append(runner.ensure())) for _ in range(8)]
    for v in visitors:
        v.start()
    for v in visitors:
        v.join()
    assert all(s.running for s in statuses)
    done = runner.wait(60)
    assert builds == ["plansearch-build"] and done == builder_module.BuildStatus()
    assert store.current_folder(index) is not None
    assert not runner.ensure().running and len(builds) == 1     # current now: nothing to do


def test_a_build_that_cannot_write_leaves_a_warning_and_the_old_index(server, fake_embedder_cls, monkeypatch):
    corpus, index, builds = server
    build_index(corpus, index, fake_embedder_cls(delay=0.05))
    live = store.current_folder(index)
    path = sorted(corpus.glob("*.txt"))[0]
    path.write_text(path.read_text(encoding="utf-8") + "\nthêm", encoding="utf-8")

    def full(*a, **kw):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "new_version_folder", full)
    runner = builder_module.ServerBuilder(index, corpus)
    runner.ensure()   # starts the build; it may fail before ensure() returns, so `running` is not asserted
    status = runner.wait(60)
    assert "No space left on device" in status.warning and "python -m indexer" in status.command
    assert not status.problem and store.current_folder(index) == live


def test_a_damaged_index_is_refused_by_the_builder_not_rebuilt(server, fake_embedder_cls):
    corpus, index, builds = server
    build_index(corpus, index, fake_embedder_cls())
    (store.current_folder(index) / "manifest.json").write_text("{}", encoding="utf-8")
    with pytest.raises(store.IndexProblem):
        builder_module.ServerBuilder(index, corpus).ensure()
    assert builds == []


# -- the CLI: bounded input, no traceback ------------------------------------------------------

def cli(args: list[str], **kw) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "search", *args], capture_output=True, text=True,
                          timeout=120, cwd=ROOT, env=env, **kw)


def test_endless_query_input_is_refused_with_a_message():
    r = cli(["--queries", "/dev/zero", "--json"])
    assert r.returncode == 2 and "larger than 16 MB" in r.stderr and "Traceback" not in r.stderr


def test_closed_stdin_is_a_message_not_a_traceback():
    r = cli(["-"], stdin=subprocess.DEVNULL, close_fds=True,
            preexec_fn=lambda: os.close(0))
    assert r.returncode == 2 and "standard input is closed" in r.stderr and "Traceback" not in r.stderr


def test_too_many_query_lines_are_refused(tmp_path, monkeypatch):
    from search import __main__ as search_cli

    monkeypatch.setattr(search_cli, "MAX_QUERIES", 3)
    path = tmp_path / "q.txt"
    path.write_text("a\nb\nc\n", encoding="utf-8")
    assert search_cli.read_queries(path) == ["a", "b", "c"]
    path.write_text("a\nb\nc\nd\n", encoding="utf-8")
    with pytest.raises(ValueError, match="more than 3"):
        search_cli.read_queries(path)
