"""The search engine on the real index of the five plans in ./corpus (built once per session,
see conftest.py), plus the fusion function on hand-made lists whose numbers are computed by hand.

The phrases used here are picked from the corpus and are NOT the dev evaluation queries."""
from __future__ import annotations

from pathlib import Path

import pytest

from search.fusion import weighted_rrf
from tests.paths import PLANS

CORPUS = PLANS
D000, D001, D002, D003, D004 = sorted(p.name for p in CORPUS.glob("*.txt"))


def test_rrf_two_lists_by_hand():
    fused = weighted_rrf({"a": [1, 2, 3], "b": [3, 1]}, {"a": 1.0, "b": 1.0}, k=60)
    # 1: 1/61 + 1/62 = 0.0325224; 3: 1/63 + 1/61 = 0.0322661; 2: 1/62 = 0.0161290
    assert [i for i, _ in fused] == [1, 3, 2]
    assert [s for _, s in fused] == pytest.approx([1 / 61 + 1 / 62, 1 / 63 + 1 / 61, 1 / 62])
    assert fused[0][1] == pytest.approx(0.03252247, abs=1e-8)


def test_rrf_weights_change_the_order():
    fused = dict(weighted_rrf({"a": [1, 2, 3], "b": [3, 1]}, {"a": 0.5, "b": 2.0}, k=60))
    assert fused == pytest.approx({1: 0.5 / 61 + 2 / 62, 2: 0.5 / 62, 3: 0.5 / 63 + 2 / 61})
    assert [i for i, _ in weighted_rrf({"a": [1, 2, 3], "b": [3, 1]}, {"a": 0.5, "b": 2.0})] == [3, 1, 2]


def test_rrf_zero_weight_ignores_a_list():
    fused = weighted_rrf({"a": [1, 2], "b": [9, 2, 7]}, {"a": 1.0, "b": 0.0}, k=60)
    assert fused == [(1, pytest.approx(1 / 61)), (2, pytest.approx(1 / 62))]


def test_rrf_k_parameter():
    fused = weighted_rrf({"a": [4, 5]}, {"a": 1.0}, k=0)
    assert fused == [(4, pytest.approx(1.0)), (5, pytest.approx(0.5))]


def test_rrf_ties_are_broken_by_smaller_id_whatever_the_input_order():
    for rankings in ({"a": [5], "b": [3]}, {"b": [3], "a": [5]}, {"a": [7, 5], "b": [7, 3]}):
        fused = weighted_rrf(rankings, {"a": 1.0, "b": 1.0})
        scores = dict(fused)
        assert scores[5] == pytest.approx(scores[3])
        assert [i for i, _ in fused].index(3) < [i for i, _ in fused].index(5)


def test_rrf_empty():
    assert weighted_rrf({}, {}) == []
    assert weighted_rrf({"a": []}, {"a": 1.0}) == []
