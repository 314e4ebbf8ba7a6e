"""Phrase evidence: how much of the query's word order a passage keeps. Officials looking for
precedent wording type a phrase; a passage that contains it verbatim should rank above one that
merely shares its words. Compared accent-insensitively (queries are often typed without marks)."""
from __future__ import annotations

import re
from functools import lru_cache

from indexer.textnorm import fold_accents, normalize_for_matching

_WORD_RE = re.compile(r"\w+")
N = 3  # a phrase is at least three syllables in a row


def syllables(text: str) -> list[str]:
    return _WORD_RE.findall(fold_accents(normalize_for_matching(text)))


def ngrams(tokens: list[str], n: int = N) -> set[tuple[str, ...]]:
    return {tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


@lru_cache(maxsize=65536)
def passage_ngrams(passage_text: str) -> frozenset[tuple[str, ...]]:
    """A passage's n-grams, computed once: normalising and folding ~150 candidate passages per
    query was the largest part of a query's time (~80 ms of ~125 ms on 2 cores)."""
    return frozenset(ngrams(syllables(passage_text)))


def phrase_coverage(query_ngrams: set[tuple[str, ...]], passage_text: str) -> float:
    """Share of the query's n-grams (consecutive syllables) that occur in the passage."""
    if not query_ngrams:
        return 0.0
    return len(query_ngrams & passage_ngrams(passage_text)) / len(query_ngrams)


def phrase_ranking(query: str, candidates: dict[int, str]) -> list[int]:
    """Candidate ids that contain part of the query as a phrase, most of it first. Candidates
    come best first (keyword order); among equal shares that order is kept, since many passages
    keep the same few trigrams of a query and their ids say nothing about relevance."""
    wanted = ngrams(syllables(query))
    scored = [(phrase_coverage(wanted, text), n, i) for n, (i, text) in enumerate(candidates.items())]
    return [i for cov, _, i in sorted(scored, key=lambda x: (-x[0], x[1])) if cov > 0]
