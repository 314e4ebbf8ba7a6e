"""When a passage answers a descriptive question (no document number, no phrase of the query kept,
not every word of it held): it holds the question's rare content words, or it stands out in
meaning from the crowd of dense candidates. Pure functions, calibrated by
tools/calibrate_relevance.py on tests/data/relevance_calibration.json (README, "Relevance")."""
from __future__ import annotations

import math
from typing import Callable, Mapping

import numpy as np

from indexer.text import fold_accents

from search.phrases import QueryTerms, find_matches

# A passage answers by its words when it holds content words of the question carrying this share
# of their weight (IDF over the index's passages): "lao động nữ" holds a quarter of "thời gian
# nghỉ thai sản của lao động nữ" (lao động is in a third of the plans' passages, thai sản in none).
CONTENT_SHARE = 0.6
# A question is answered in meaning when the best passage's cosine stands a margin above the
# median cosine of the dense candidates (e5-small's absolute cosines say little; the lift above
# the crowd says more); then the passages within DENSE_SPREAD of the best answer it. An English
# question has only this evidence (DENSE_MARGIN); a Vietnamese one reaches here only when no passage
# holds its words, and needs more (DENSE_MARGIN_VI). Both calibrated on the 72 questions of
# tests/data/relevance_calibration.json (python -m tools.calibrate_relevance; README, "Relevance").
DENSE_MARGIN = 0.039
DENSE_MARGIN_VI = 0.056
DENSE_SPREAD = 0.02


def word_tokens_folded(terms: QueryTerms) -> dict[int, str]:
    """Query content word -> the "folded" field token that finds it: its syllable, or its first
    two syllables joined ("thai_san")."""
    syllables: dict[int, list[str]] = {}
    for key, word in zip(terms.keys, terms.word_of):
        if key is not None and word in terms.content:
            syllables.setdefault(word, []).append(key if terms.folded else fold_accents(key))
    return {w: s[0] if len(s) == 1 else f"{s[0]}_{s[1]}" for w, s in syllables.items()}


def word_weights(terms: QueryTerms, frequency: Callable[[str], int], passages: int) -> dict[int, float]:
    """Query content word -> its IDF over the index (a word in every passage weighs ~0)."""
    return {w: math.log((passages + 1) / (frequency(token) + 0.5))
            for w, token in word_tokens_folded(terms).items()}


def content_share(text: str, terms: QueryTerms, weights: Mapping[int, float]) -> float:
    """The weight of the question's content words text holds (as whole words), over their total."""
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    held = set().union(*(m.words for m in find_matches(text, terms)))
    return sum(w for word, w in weights.items() if word in held) / total


def dense_lift(sims: Mapping[int, float]) -> float:
    """How far the best dense candidate stands above the median one (0 without candidates)."""
    if not sims:
        return 0.0
    values = list(sims.values())
    return max(values) - float(np.median(values))


def margin_for(kind: str) -> float:
    """The dense margin for a query kind ("english", "vietnamese", "noaccent", "reference")."""
    return DENSE_MARGIN if kind == "english" else DENSE_MARGIN_VI


def stand_out(sims: Mapping[int, float], margin: float = DENSE_MARGIN) -> set[int]:
    """The passages that answer in meaning: none unless the best stands out by margin, else those
    within DENSE_SPREAD of the best."""
    if dense_lift(sims) < margin:
        return set()
    best = max(sims.values())
    return {i for i, s in sims.items() if s >= best - DENSE_SPREAD}
