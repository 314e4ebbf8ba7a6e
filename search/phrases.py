"""Phrase evidence: how much of the query's word order a passage keeps, and which words of a
passage the query asked for. Officials looking for precedent wording type a phrase; a passage
that contains it verbatim should rank above one that merely shares its words. Compared
accent-insensitively (queries are often typed without marks), through the one text pipeline."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from indexer.text import (STOPWORDS, canonical_number, document_number_mentions, document_numbers,
                          fold_accents, folded_syllables, ngrams, syllable_spans, word_syllables)

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


@dataclass(frozen=True)
class QueryTerms:
    """The query as whole words, for finding them in a passage: one compare key per syllable
    (accent-folded when the query has no diacritics), None between pieces a phrase cannot
    cross (around a document number)."""

    keys: tuple[str | None, ...]
    word_of: tuple[int, ...]         # query word index of each syllable (-1 for None)
    starts: frozenset[int]           # syllable positions where a query word begins
    ends: frozenset[int]             # syllable positions where a query word ends
    content: frozenset[int]          # query words that are not stopwords
    numbers: tuple[str, ...]         # canonical document numbers
    folded: bool


@dataclass(frozen=True)
class Match:
    start: int                       # character offsets in the passage text
    end: int
    words: frozenset[int]            # query words it covers (empty for a document number)


@lru_cache(maxsize=1024)
def query_terms(text: str, folded: bool) -> QueryTerms:
    """The query's words through the one pipeline (segmented, normalised, folded if asked), with
    where each begins and ends and which carry content (not stopwords)."""
    stopwords = _FOLDED_STOPWORDS if folded else STOPWORDS
    keys: list[str | None] = []
    word_of: list[int] = []
    starts, ends, content = set(), set(), set()
    pieces = _around_numbers(text)
    n_word = 0
    for piece in pieces:
        for word in word_syllables(piece, folded):
            starts.add(len(keys))
            keys.extend(word)
            word_of.extend([n_word] * len(word))
            ends.add(len(keys) - 1)
            if not (len(word) == 1 and word[0] in stopwords):
                content.add(n_word)
            n_word += 1
        keys.append(None)
        word_of.append(-1)
    return QueryTerms(tuple(keys), tuple(word_of), frozenset(starts), frozenset(ends),
                      frozenset(content), document_numbers(text), folded)


def _around_numbers(text: str) -> list[str]:
    """text cut around its document numbers (a number is matched whole, not as syllables)."""
    out, pos = [], 0
    for m in document_number_mentions(text):
        out.append(text[pos:m.start()])
        pos = m.end()
    return out + [text[pos:]]


_FOLDED_STOPWORDS = frozenset(fold_accents(w) for w in STOPWORDS)


@lru_cache(maxsize=8192)
def _passage_keys(text: str, folded: bool) -> tuple[tuple[int, int, str | None, bool], ...]:
    """(start, end, key, joined) per syllable of a passage: syllables of document numbers get
    key None; joined is False after punctuation (a phrase does not run across "bà, cô")."""
    masked = [(m.start(), m.end()) for m in document_number_mentions(text)]
    out, prev_end = [], 0
    for start, end, norm, bare in syllable_spans(text):
        inside = any(a <= start < b for a, b in masked)
        joined = not text[prev_end:start].strip()
        out.append((start, end, None if inside else (bare if folded else norm), joined))
        prev_end = end
    return tuple(out)


@lru_cache(maxsize=8192)
def _passage_key_set(text: str, folded: bool) -> frozenset[str | None]:
    return frozenset(key for _, _, key, _ in _passage_keys(text, folded))


def find_matches(text: str, terms: QueryTerms) -> tuple[Match, ...]:
    """Where the query's document numbers, whole words and phrases occur in text, in order. A
    run of passage syllables equal to consecutive query syllables counts when it begins and
    ends at query word boundaries and holds a content word; a one-syllable word counts alone only
    when it is the query's one content word, or a number (so "định" in "quy định" is no match for
    "Nghị định", nor "xã" in "các xã" for "nhà ở xã hội")."""
    found = [Match(m.start(), m.end(), frozenset()) for m in document_number_mentions(text)
             if canonical_number(m) in terms.numbers]
    syllables = _passage_keys(text, terms.folded)
    where: dict[str, list[int]] = {}
    for j, key in enumerate(terms.keys):
        if key is not None:
            where.setdefault(key, []).append(j)
    i = 0
    while i < len(syllables):
        best = _best_run(syllables, i, terms, where.get(syllables[i][2] or "", ()))
        if best:
            j, length = best
            words = frozenset(terms.word_of[j:j + length])
            found.append(Match(syllables[i][0], syllables[i + length - 1][1], words))
            i += length
        else:
            i += 1
    return tuple(sorted(found, key=lambda m: m.start))


def _best_run(syllables, i: int, terms: QueryTerms, candidates) -> tuple[int, int] | None:
    best = None
    for j in candidates:
        length = 0
        while (i + length < len(syllables) and j + length < len(terms.keys)
               and terms.keys[j + length] is not None and syllables[i + length][2] == terms.keys[j + length]
               and (length == 0 or syllables[i + length][3])):
            length += 1
        if j not in terms.starts:
            continue
        while length and (j + length - 1) not in terms.ends:
            length -= 1
        words = set(terms.word_of[j:j + length])
        if not length or not words & terms.content:
            continue
        if length == 1 and len(terms.content) > 1 and not syllables[i][2].isdigit():
            continue
        if best is None or length > best[1]:
            best = (j, length)
    return best


def analysis_terms(analysis: QueryAnalysis) -> QueryTerms:
    return query_terms(analysis.ranked_text, analysis.kind in ("noaccent", "english"))


def matched_terms(text: str, analysis: QueryAnalysis) -> tuple[str, ...]:
    """Distinct whole words, phrases and document numbers of the query found in text, as
    written there (what the CLI lists as "matched" and the page highlights)."""
    out: list[str] = []
    for m in find_matches(text, analysis_terms(analysis)):
        surface = text[m.start:m.end]
        if surface not in out:
            out.append(surface)
    return tuple(out)


def covers_query(text: str, analysis: QueryAnalysis) -> bool:
    """True when text holds every content word of the query (as whole words or phrases)."""
    terms = analysis_terms(analysis)
    if not terms.content:
        return False
    needed = {k for k, w in zip(terms.keys, terms.word_of) if w in terms.content}
    if not needed <= _passage_key_set(text, terms.folded):   # cheap test first: most candidates fail it
        return False
    covered = set().union(*(m.words for m in find_matches(text, terms)))
    return terms.content <= covered
