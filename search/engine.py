"""The searcher: load an index folder once, then answer queries with ranked, cited passages
and a per-document grouping. Lexical (BM25 over two token fields) and dense (FAISS) candidates are
fused by weighted RRF; exact document-number matches come first."""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import numpy as np

from indexer.embed.base import Embedder
from indexer.embed.engines import make_embedder
from indexer.index.load import built_with, check_embedder
from indexer.models import Passage
from indexer.text import document_numbers, folded_syllables, ngrams

from search.citing import Citing, build_citing, lead_with, named_article
from search.fusion import weighted_rrf
from search.phrases import analysis_terms, covers_query, matched_terms, phrase_coverage, phrase_ranking
from search.relevance import CONTENT_SHARE, content_share, dense_lift, margin_for, stand_out, word_weights
from search.query import Filters, QueryAnalysis, analyze_query
from search.results import Hit, DocumentGroup, SearchResult
from search.sources import EmbeddedSource, Scope, Source
from search.units import (TITLE_WEIGHT, article_titles, document_names, named_documents, one_per_article,
                          titled_ranking)

CANDIDATES = 200          # per ranked list
PHRASE_RELEVANT = 0.5    # share of a long query's phrase a passage must keep to make its document relevant
SHORT_PHRASE = 4         # queries of up to this many trigrams (6 syllables) must appear whole
COVER_POOL = 120          # keyword candidates checked for holding every word of the query
EMPTY_QUERY = "Hãy nhập nội dung cần tìm (từ khóa, câu hỏi hoặc số hiệu văn bản)."

# How much each ranked list counts, by kind of query.
WEIGHTS = {
    "vietnamese": {"words": 1.0, "folded": 0.3, "phrase": 1.0, "dense": 1.0},
    "reference": {"words": 1.0, "folded": 0.3, "phrase": 1.0, "dense": 0.5},
    "noaccent": {"words": 0.0, "folded": 1.0, "phrase": 1.0, "dense": 0.6},
    "english": {"words": 0.0, "folded": 0.15, "phrase": 0.0, "dense": 1.0},
}


@contextmanager
def _timed(timings: dict[str, float], stage: str):
    t = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - t


class Searcher:
    def __init__(self, index_dir: Path | str = "index", embedder: Embedder | None = None, verify: bool = True,
                 weights: dict[str, dict[str, float]] | None = None, source: Source | None = None):
        """source: where the ranked lists come from (default: the index folder index_dir)."""
        self.index_dir = Path(index_dir)
        self.weights = WEIGHTS if weights is None else weights  # per query kind (benchmarks compare)
        self._lock = threading.Lock()
        self.source = EmbeddedSource(self.index_dir, verify=verify) if source is None else source
        if embedder is None:
            embedder = make_embedder(*built_with(self.source.manifest))
        check_embedder(self.source.manifest, embedder)
        self.embedder = embedder
        self.manifest = self.source.manifest
        self.folder = getattr(self.source, "folder", None)
        self.passages = self.source.passages
        self.documents = self.source.documents
        self.folded_vocab = self.source.folded_vocab
        self._numbers = self._number_postings()
        self._sections: dict[tuple, list[int]] = {}
        by_doc: dict[str, list[int]] = {}
        for i, p in enumerate(self.passages):
            self._sections.setdefault((p.doc, p.section), []).append(i)
            by_doc.setdefault(p.doc, []).append(i)
        # each document's rows in document order, once: the document view and the CSV ask per hit
        self._by_doc = {doc: tuple(sorted(rows, key=lambda i: self.passages[i].char_start))
                        for doc, rows in by_doc.items()}
        self._ids = {(p.doc, p.char_start): i for i, p in enumerate(self.passages)}
        self._names = document_names(self.documents)
        self._df: dict[str, int] = {}
        self._titles = article_titles(self.passages)
        self._citing: Citing | None = None

    @property
    def citing(self) -> Citing:
        """Who cites what in this index (built on first use)."""
        if self._citing is None:
            self._citing = build_citing(self.passages, self.documents)
        return self._citing

    def _number_postings(self) -> dict[str, tuple[int, ...]]:
        postings: dict[str, list[int]] = {}
        for i, p in enumerate(self.passages):
            for num in document_numbers(p.text):
                postings.setdefault(num, []).append(i)
        return {k: tuple(v) for k, v in postings.items()}

    # -- lookups ------------------------------------------------------------------------------
    def analyze(self, query: str) -> QueryAnalysis:
        return analyze_query(query, self.folded_vocab)

    def passage_id(self, passage: Passage) -> int:
        """The row of a passage of this index (-1 when it is not one)."""
        return self._ids.get((passage.doc, passage.char_start), -1)

    def section_passages(self, hit: Hit) -> tuple[Passage, ...]:
        """The passages of the same section as hit, in document order (for "xem ngữ cảnh")."""
        p = hit.passage
        return tuple(self.passages[i] for i in self._sections.get((p.doc, p.section), ()))

    def document_passages(self, doc: str) -> tuple[Passage, ...]:
        """Every passage of one document, in document order (the page's document view)."""
        return tuple(self.passages[i] for i in self._by_doc.get(doc, ()))

    def similarity(self, query: str, texts: list[str]) -> list[float]:
        """Cosine of the query to each text, embedded as passages (the figures' measures)."""
        with self._lock:
            q = self.embedder.embed_query(query)
            vectors = self.embedder.embed_passages(texts)
        return [float(v) for v in np.asarray(vectors, dtype=np.float32) @ np.asarray(q, dtype=np.float32).reshape(-1)]

    # -- search -----------------------------------------------------------------------------
    def search(self, query: str, k: int = 10, filters: Filters = Filters(), per_document: int = 3,
               every_document: bool = False) -> SearchResult:
        """Ranked hits and per-document groups. A document's group holds its passages that answer the
        query (see _relevant); with every_document, each document's closest passages whatever they are
        (the draft-wording comparison wants the nearest wording in every document)."""
        t0 = time.perf_counter()
        timings: dict[str, float] = {}
        with _timed(timings, "analysis"):
            analysis = self.analyze(query or "")
        if not analysis.folded and not analysis.doc_numbers:
            return SearchResult(analysis, (), message=EMPTY_QUERY)
        scope = self._named_scope(analysis, filters)
        allowed = scope.allowed
        rankings, sims = self._rankings(analysis, scope, timings)
        with _timed(timings, "fusion"):
            fused = self._fuse(rankings, analysis)
            exact = self._exact_numbers(analysis, allowed)
            if exact:  # passages citing the number first, and their scores above all others
                top = fused[0][1] if fused else 0.0
                fused = ([(i, s + top) for i, s in fused if i in exact] + [(i, s) for i, s in fused if i not in exact])
            article = [i for i in named_article(analysis.text, lambda: self.citing) if allowed is None or allowed[i]][:1]
            fused = one_per_article(lead_with(fused, article), self.passages)
        reasons = {name: set(ids) for name, ids in rankings.items()}
        made: dict[int, Hit] = {}  # a passage in both the ranked list and a document group is built once

        def hit(i: int, score: float) -> Hit:
            if i not in made:
                with _timed(timings, "hits"):
                    made[i] = self._hit(i, score, analysis, reasons, exact, i in answers)
            return made[i]

        with _timed(timings, "grouping"):
            relevant, evidence = self._relevant(fused, rankings, analysis, exact, sims)
            relevant = lead_with(relevant, article)
        answers = {i for i, _ in relevant}
        hits = tuple(hit(i, s) for i, s in fused[:k])
        hits_before = timings.get("hits", 0.0)
        with _timed(timings, "grouping"):
            groups = self._groups(fused if every_document else relevant, hit, filters, per_document)
        timings["grouping"] -= timings.get("hits", 0.0) - hits_before  # hits are their own stage
        weak = not answers
        return SearchResult(analysis, hits, groups, weak=weak, seconds=time.perf_counter() - t0,
                            timings=timings, evidence=evidence, dense_lift=dense_lift(sims))

    def _fuse(self, rankings: dict[str, list[int]], analysis: QueryAnalysis) -> list[tuple[int, float]]:
        """Weighted RRF of the ranked lists; the articles whose whole title the query holds
        form one more list."""
        weights = self.weights[analysis.kind]
        fused = weighted_rrf(rankings, weights)
        titled = titled_ranking(analysis.ranked_text, fused, self._titles)
        if titled:
            rankings["title"] = titled
            fused = weighted_rrf(rankings, {**weights, "title": TITLE_WEIGHT})
        return fused

    def _named_scope(self, analysis: QueryAnalysis, filters: Filters) -> Scope:
        """The scope of a search: the filters as asked, narrowed to the documents the query names
        by their title ("theo Luật Viên chức") when the index holds one of them and the filters
        let it through (a law the index does not hold narrows nothing)."""
        named = [doc for doc in named_documents(analysis.text, self._names)
                 if filters.accepts(doc, self.documents[doc])]
        if named and not analysis.doc_numbers:   # a cited number is found wherever it is
            filters = replace(filters, documents=tuple(named))
        return Scope(filters, self._allowed(filters))

    def _allowed(self, filters: Filters) -> np.ndarray | None:
        if filters.is_empty():
            return None
        ok = {doc for doc, meta in self.documents.items() if filters.accepts(doc, meta)}
        return np.fromiter((p.doc in ok for p in self.passages), dtype=bool, count=len(self.passages))

    def _rankings(self, analysis: QueryAnalysis, scope: Scope, timings: dict[str, float]):
        weights = self.weights[analysis.kind]
        rankings: dict[str, list[int]] = {}
        for name, tokens in (("words", analysis.words), ("folded", analysis.folded)):
            if weights[name] <= 0 or not tokens:
                continue
            with _timed(timings, f"bm25 {name}"):
                rankings[name] = self.source.lexical(name, tokens, scope, CANDIDATES)
        if weights["phrase"] > 0:  # the keyword candidates, best first, rescored by phrase
            with _timed(timings, "phrase"):
                pool = weighted_rrf({name: rankings[name] for name in ("words", "folded") if name in rankings}, weights)
                rankings["phrase"] = phrase_ranking(analysis.ranked_text, {i: self.passages[i].body for i, _ in pool})
        sims: dict[int, float] = {}
        if weights["dense"] > 0 and len(self.passages):
            with self._lock, _timed(timings, "query embedding"):  # the engine is not known to be thread-safe
                qvec = self.embedder.embed_query(analysis.ranked_text)
            with _timed(timings, "faiss"):  # the dense stage, whichever the source
                pairs = self.source.dense(qvec, scope, CANDIDATES)
            rankings["dense"] = [i for i, _ in pairs]
            sims = dict(pairs)
        return rankings, sims

    def _exact_numbers(self, analysis: QueryAnalysis, allowed) -> set[int]:
        ids: set[int] = set()
        for num in analysis.doc_numbers:
            ids.update(i for i in self._numbers.get(num, ()) if allowed is None or allowed[i])
        return ids

    def _hit(self, i: int, score: float, analysis: QueryAnalysis, reasons, exact, answers: bool) -> Hit:
        p = self.passages[i]
        why = []
        if i in exact:
            why.append("số hiệu")
        if i in reasons.get("words", ()) or i in reasons.get("folded", ()):
            why.append("từ khóa")
        if i in reasons.get("dense", ()):
            why.append("ngữ nghĩa")
        return Hit(i, p, self.documents.get(p.doc), round(score, 6), matched_terms(p.text, analysis), tuple(why),
                   answers)

    def _relevant(self, fused, rankings, analysis: QueryAnalysis, exact: set[int],
                  sims: dict[int, float]) -> tuple[list[tuple[int, float]], str]:
        """The passages that answer the query, best first (a document is relevant when it has one),
        and by what evidence: for a document number, those citing it, and only those; else those
        keeping the query as a phrase (all of a short one, half of a long one), when any passage
        does; else those holding all its words (as whole words), when any does; else those holding
        its rare content words (search.relevance.CONTENT_SHARE of their weight), when any does; else
        (a paraphrased or English question) those whose vector stands out from the crowd."""
        if analysis.doc_numbers:
            return [x for x in fused if x[0] in exact], "number"
        phrased, worded = self._lexical_answers(rankings, analysis)
        if phrased or worded:   # the phrase where some passage keeps it, else all its words
            return [x for x in fused if x[0] in (phrased or worded)], "phrase" if phrased else "words"
        if held := self._content_answers(rankings, analysis):
            return [x for x in fused if x[0] in held], "content"
        meant = stand_out(sims, margin_for(analysis.kind))
        return [x for x in fused if x[0] in meant], "meaning" if meant else ""

    def _content_answers(self, rankings, analysis: QueryAnalysis) -> set[int]:
        if analysis.kind == "english":
            return set()
        terms = analysis_terms(analysis)
        weights = word_weights(terms, self._frequency, len(self.passages))
        pool = dict.fromkeys(rankings.get("phrase", []) + rankings.get("words", [])[:COVER_POOL]
                             + rankings.get("folded", [])[:COVER_POOL])
        return {i for i in pool if content_share(self.passages[i].body, terms, weights) >= CONTENT_SHARE}

    def _frequency(self, token: str) -> int:
        """How many passages of the index hold a "folded" field token (cached)."""
        if token not in self._df:
            everywhere = Scope(Filters())
            self._df[token] = len(self.source.lexical("folded", (token,), everywhere, min(len(self.passages), 16384))) \
                if token in self.folded_vocab else 0
        return self._df[token]

    def _lexical_answers(self, rankings, analysis: QueryAnalysis) -> tuple[set[int], set[int]]:
        """(passages keeping the query as a phrase, passages holding all its words)."""
        if analysis.kind == "english":
            return set(), set()
        phrased = rankings.get("phrase", [])
        wanted = ngrams(folded_syllables(analysis.ranked_text))
        need = 1.0 if len(wanted) <= SHORT_PHRASE else PHRASE_RELEVANT  # a short phrase must appear whole
        keep = {i for i in phrased if phrase_coverage(wanted, self.passages[i].body) >= need}
        if keep:
            return keep, set()
        pool = dict.fromkeys(phrased + rankings.get("words", [])[:COVER_POOL] + rankings.get("folded", [])[:COVER_POOL])
        return keep, {i for i in pool if covers_query(self.passages[i].body, analysis)}

    def _groups(self, relevant, hit, filters: Filters, per_document: int) -> tuple[DocumentGroup, ...]:
        by_doc: dict[str, list[Hit]] = {}
        for i, s in relevant:
            doc = self.passages[i].doc
            if len(by_doc.setdefault(doc, [])) < per_document:
                by_doc[doc].append(hit(i, s))
        groups = [DocumentGroup(doc, meta, tuple(by_doc.get(doc, ())))
                  for doc, meta in self.documents.items() if filters.accepts(doc, meta)]
        return tuple(sorted(groups, key=lambda g: (-(g.hits[0].score if g.hits else -1.0), g.doc)))
