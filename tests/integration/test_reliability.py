"""Robustness (issue #7), small versions of `python -m tools.reliability`: bad queries (API and
CLI), bad corpus files, kill -9 during a build, damaged index files, concurrent searches."""
from __future__ import annotations

import shutil


import pytest

from indexer.index import folder as store
from indexer.index.build import build_index
from tests import fakes
from tools import trials, trials_index, trials_inputs
from search.engine import Searcher
from tests.paths import PLANS

pytestmark = pytest.mark.slow


def failures(outcomes):
    return [f"{o.name}: {o.detail}" for o in outcomes if not o.ok]


@pytest.fixture(scope="module")
def plans():
    return trials.real_plans(PLANS)


@pytest.fixture(scope="module")
def states(plans, tmp_path_factory):
    """Indexes (fake embedder) of corpus A and of corpus B (one plan modified), and their answers."""
    return trials.prepare_states(tmp_path_factory.mktemp("states"), plans[:2])


def test_fake_embedder_is_deterministic_unit_vectors():
    e = fakes.FakeEmbedder(dim=16)
    v = e.embed_passages(["kế hoạch", "nhiệm vụ"])
    assert v.shape == (2, 16) and abs(float((v[0] ** 2).sum()) - 1) < 1e-5
    assert (e.embed_query("kế hoạch") == v[0]).all()


# ---- 1. bad queries ------------------------------------------------------------------------

def test_bad_queries_through_the_api(states):
    searcher = Searcher(states["A"]["index"], embedder=fakes.FakeEmbedder())
    assert failures(trials_inputs.api_bad_queries(searcher)) == []


def test_bad_queries_through_the_cli(tmp_path, real_index):
    index = tmp_path / "index"
    assert trials.copy_live_index(real_index, index)
    some = {"empty", "control chars", "10000 chars", "lone surrogates (undecodable argv)", "number fragment /QĐ-"}
    assert failures(trials_inputs.cli_bad_queries(index, PLANS, argv_names=some)) == []


# ---- 2. bad corpus files -------------------------------------------------------------------

def test_bad_corpus_files_reported_once_and_readable_plans_indexed(plans, tmp_path):
    outcomes = trials_inputs.bad_corpus_trials(tmp_path, plans[:2], plans[2])
    assert len(outcomes) >= len(trials_inputs.BAD_FILES)
    assert failures(outcomes) == []


# ---- 3. kill -9 during a build ---------------------------------------------------------------

def test_killed_builds_leave_a_working_index(states, tmp_path):
    assert failures(trials_index.crash_trials(tmp_path, states, 3, seed=11)) == []


# ---- 4. damaged index files ----------------------------------------------------------------

def test_damaged_files_are_refused_with_file_and_command(states, tmp_path):
    n = len(trials_index.damage_targets(states["A"]["index"]))
    assert failures(trials_index.damage_trials(tmp_path, states, n + 4, seed=5)) == []


def test_damage_message_in_process(states, tmp_path):
    index = tmp_path / "index"
    shutil.copytree(states["A"]["index"], index)
    folder = store.current_folder(index)
    (folder / "dense.faiss").write_bytes(b"")
    with pytest.raises(store.IndexDamaged, match=r"dense\.faiss.*python -m indexer --rebuild"):
        Searcher(index, embedder=fakes.FakeEmbedder())


# ---- 5. concurrency ------------------------------------------------------------------------

def test_concurrent_searches_during_a_rebuild_are_identical(states, tmp_path):
    tried, identical, problems = trials_index.concurrency_trial(tmp_path, states, threads=4, per_thread=30)
    assert tried == identical >= 120          # the searches go on until a rebuild was seen
    assert problems == []


def test_a_rebuild_keeps_the_loaded_searcher_and_the_new_one_sees_it(states, tmp_path):
    index = tmp_path / "index"
    shutil.copytree(states["A"]["index"], index)
    before = Searcher(index, embedder=fakes.FakeEmbedder())
    build_index(states["B"]["corpus"], index, fakes.FakeEmbedder())
    assert trials.answers(before) == states["A"]["answers"]
    assert trials.answers(Searcher(index, embedder=fakes.FakeEmbedder())) == states["B"]["answers"]


def test_slow_patterns_family_is_linear(states):
    from tools.trials_slow import slow_pattern_trials

    outcomes = slow_pattern_trials(Searcher(states["A"]["index"], embedder=fakes.FakeEmbedder()))
    assert len(outcomes) >= 15
    assert all(o.ok for o in outcomes), [(o.name, o.detail) for o in outcomes if not o.ok]


def test_upload_abuse_family_holds():
    from tools.trials_upload import upload_abuse_trials

    outcomes = upload_abuse_trials(sorted(PLANS.glob("*.txt")))
    assert all(o.ok for o in outcomes), [(o.name, o.detail) for o in outcomes if not o.ok]
