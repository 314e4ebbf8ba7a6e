"""Phrase evidence: how much of the query's word order a passage keeps, and which words of a
passage the query asked for. Officials looking for precedent wording type a phrase; a passage
that contains it verbatim should rank above one that merely shares its words. Compared
accent-insensitively (queries are often typed without marks), through the one text pipeline."""
from __future__ import annotations

from functools import lru_cache

from indexer.text import STOPWORDS, WORD_RE, folded_syllables, ngrams, word_forms

from search.query import QueryAnalysis


@lru_cache(maxsize=65536)
def passage_ngrams(passage_text: str) -> frozenset[tuple[str, ...]]:
    """A passage's n-grams, computed once: normalising and folding ~150 candidate passages per
    query was the largest part of a query's time (~80 ms of ~125 ms on 2 cores)."""
    return frozenset(ngrams(folded_syllables(passage_text)))


def phrase_coverage(query_ngrams: set[tuple[str, ...]], passage_text: str) -> float:
    """Share of the query's n-grams (consecutive syllables) that occur in the passage."""
    if not query_ngrams:
        return 0.0
    return len(query_ngrams & passage_ngrams(passage_text)) / len(query_ngrams)


def phrase_ranking(query: str, candidates: dict[int, str]) -> list[int]:
    """Candidate ids that contain part of the query as a phrase, most of it first. Candidates
    come best first (keyword order); among equal shares that order is kept, since many passages
    keep the same few trigrams of a query and their ids say nothing about relevance."""
    wanted = ngrams(folded_syllables(query))
    scored = [(phrase_coverage(wanted, text), n, i) for n, (i, text) in enumerate(candidates.items())]
    return [i for cov, _, i in sorted(scored, key=lambda x: (-x[0], x[1])) if cov > 0]


def matched_terms(text: str, analysis: QueryAnalysis) -> tuple[str, ...]:
    """Distinct words of text (as written there) that the query asked for: same syllable, or the
    same syllable without diacritics when the query had none."""
    wanted = {s for w in analysis.words for s in w.split("_")} - STOPWORDS
    folded = {t for t in analysis.folded if "_" not in t} if analysis.kind == "noaccent" else set()
    out: list[str] = []
    for word in WORD_RE.findall(text):
        norm, bare = word_forms(word)
        if norm in STOPWORDS or (len(norm) < 2 and not norm.isdigit()):
            continue
        if (norm in wanted or (folded and bare in folded)) and word not in out:
            out.append(word)
    return tuple(out)
