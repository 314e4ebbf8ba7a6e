"""The per-document comparison table of figures: which figures of the retrieved passages measure
what the query asks (topic words shared with the figure's measure), best first, per document."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from indexer.models import DocumentMetadata
from indexer.structure.citation import document_label as _document_label
from indexer.text import fold_accents, folded_tokens, word_tokens

from search.compare.figures import Figure, passage_figures
from search.query import Filters, clean_query
from search.results import SearchResult


# -- relevance and the comparison table --------------------------------------------------------
@dataclass(frozen=True)
class ScoredFigure:
    figure: Figure
    relevance: float           # share of the query's topic words the measure covers (0..1]


@dataclass(frozen=True)
class FigureRow:
    """One document's line of the comparison table: its relevant figures, best first."""

    doc: str
    metadata: DocumentMetadata | None
    label: str
    figures: tuple[ScoredFigure, ...]


_TOKEN_VARIANTS = {"tỉ": "tỷ", "tỉ_lệ": "tỷ_lệ", "bác_sỹ": "bác_sĩ", "sỹ": "sĩ", "khoẻ": "khỏe"}
_GENERIC = {"tỷ_lệ", "tỷ", "lệ", "số", "năm", "đạt", "người", "dân", "phấn_đấu", "bảo_đảm", "mức", "chỉ_tiêu",
            "tỷ~lệ", "tỉ~lệ"}


@lru_cache(maxsize=8192)
def topic_tokens(text: str) -> frozenset[str]:
    """Words, syllables and syllable pairs of text (the index's pipeline), without numbers and
    the generic words every target shares ("tỷ lệ", "năm", "đạt")."""
    out = set()
    text = re.sub(r"(?:\b10\.000|\bvạn)\s*dân", " vạn dân", text, flags=re.IGNORECASE)
    for t in word_tokens(text):
        t = _TOKEN_VARIANTS.get(t, t)
        if "~" in t:
            a, b = t.split("~", 1)
            t = f"{_TOKEN_VARIANTS.get(a, a)}~{_TOKEN_VARIANTS.get(b, b)}"
        if t in _GENERIC or re.fullmatch(r"[\d.,~]+", t):
            continue
        out.add(t)
    return frozenset(out)


_FOLDED_GENERIC = {fold_accents(g).replace("~", "_").replace("tỷ", "ti").replace("ty", "ti") for g in _GENERIC}


@lru_cache(maxsize=8192)
def folded_topic_tokens(text: str) -> frozenset[str]:
    """topic_tokens for a query typed without diacritics: accent-folded syllables and pairs."""
    text = re.sub(r"(?:\b10\.000|\bvạn)\s*dân", " vạn dân", text, flags=re.IGNORECASE)
    return frozenset(t for t in folded_tokens(text) if t not in _FOLDED_GENERIC and not re.fullmatch(r"[\d_]+", t))


def relevance(figure: Figure, query_tokens: frozenset[str], folded: bool = False) -> float:
    """Share of the query's topic tokens found in what the figure measures (measure and unit)."""
    if not query_tokens:
        return 0.0
    tokens = folded_topic_tokens if folded else topic_tokens
    mine = tokens(f"{figure.measure} {figure.unit}")
    return len(query_tokens & mine) / len(query_tokens)


def precision(figure: Figure, query_tokens: frozenset[str], folded: bool = False) -> float:
    """Share of the measure's topic tokens the query asked for: among measures that cover the
    query alike, the one saying least besides it is the indicator itself ("bình quân toàn tỉnh"
    before "bình quân tại nông thôn")."""
    mine = (folded_topic_tokens if folded else topic_tokens)(figure.measure)
    return len(query_tokens & mine) / len(mine) if mine else 0.0


MIN_RELEVANCE = 0.5   # half the query's topic words: "bảo trợ xã hội" is no answer to "nhà ở xã hội"
# An English question the search found no answer to (weak) still gets an indicator when one measure
# is this close to it: gibberish and off-topic questions reach 0.76-0.80 on the plans' measures,
# indicators asked in English 0.80-0.86 (multilingual-e5-small; a thin margin, see the tests).
ENGLISH_PIVOT_MIN = 0.80


PIVOT_TIE = 0.005      # cosines closer than this are a tie for e5-small (they swap between builds)


def english_pivot(searcher, query: str, figures: list[Figure], weak: bool = False) -> str:
    """For a query the corpus' words do not cover (English): the measure, among the figures read,
    whose vector is closest to the query's. Its Vietnamese words then stand for the query (the
    model links an English question to the plans' wording better than it ranks short measures).
    A one-word measure ("huyện", "xã": 100% of districts) says too little to stand for a question;
    among measures tied with the closest, the one most documents state wins (a cosine tie was
    decided by string order, and flipped between builds)."""
    measures = {f"{f.measure} ({f.unit})": f.measure for f in figures if len(topic_tokens(f.measure)) >= 2}
    if searcher is None or not measures:
        return ""
    texts = sorted(measures)   # the unit says what kind of figure it is ("căn hộ", "%")
    scored = sorted(zip(searcher.similarity(query, texts), texts), reverse=True)
    best = scored[0][0]
    if best < ENGLISH_PIVOT_MIN and weak:
        return ""
    tied = [measures[t] for sim, t in scored if sim >= best - PIVOT_TIE]
    return max(tied, key=lambda m: (_stated_by(m, figures), -tied.index(m)))


def _stated_by(measure: str, figures: list[Figure]) -> int:
    """How many documents state a figure about measure (MIN_RELEVANCE of its topic words)."""
    words = topic_tokens(measure)
    return len({f.doc for f in figures if relevance(f, words) >= MIN_RELEVANCE})


def query_years(query: str) -> tuple[int, ...]:
    return tuple(int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", query))


def figures_for(result: SearchResult, query: str | None = None, searcher=None,
                min_relevance: float = MIN_RELEVANCE, per_document: int = 5,
                kinds: tuple[str, ...] = ("percent", "count", "deadline")) -> tuple[FigureRow, ...]:
    """The comparison table for a search: for each document of result.groups (in the engine's order),
    the figures of its retrieved passages whose measure is about the query, best first. With a
    searcher, the other passages of each retrieved passage's section are read too (a list of
    targets is often cut into several passages). A year in the query keeps figures for that year."""
    # cut as every search is (1,000 characters, one line): the topic words of a 64k-character
    # query were read in full, and its years kept every figure
    query = result.query.text if query is None else clean_query(query)
    kind = result.query.kind
    q_tokens = folded_topic_tokens(query) if kind == "noaccent" else topic_tokens(query)
    years = query_years(query)
    found: list[tuple[str, Figure]] = []   # (group, label, figure) of every figure read
    for group in result.groups:
        label = _document_label(group.metadata) if group.metadata else group.doc
        for hit in group.hits:
            passages = [(hit.id, hit.passage)]
            if searcher is not None:
                passages += [(searcher.passage_id(p), p) for p in searcher.section_passages(hit)]
            for pid, passage in passages:
                found += [(group.doc, fig) for fig in passage_figures(passage, pid, label)
                          if fig.kind in kinds and not (years and fig.target_year not in years)]
    if kind == "english":
        q_tokens = topic_tokens(english_pivot(searcher, query, [f for _, f in found], result.weak))
    seen: dict[str, dict[tuple, ScoredFigure]] = {g.doc: {} for g in result.groups}
    exact: dict[tuple, float] = {}
    for doc, fig in found:
        score = relevance(fig, q_tokens, kind == "noaccent")
        key = (fig.passage_id, fig.value_text, fig.measure)
        if score >= min_relevance and key not in seen[doc]:
            seen[doc][key] = ScoredFigure(fig, round(score, 4))
            exact[key] = precision(fig, q_tokens, kind == "noaccent")
    rows = []
    for group in result.groups:
        best = sorted(seen[group.doc].values(), key=lambda s: (
            -s.relevance, -exact[(s.figure.passage_id, s.figure.value_text, s.figure.measure)],
            s.figure.passage_id, s.figure.clause))
        label = _document_label(group.metadata) if group.metadata else group.doc
        rows.append(FigureRow(group.doc, group.metadata, label, tuple(best[:per_document])))
    return tuple(rows)


def figure_table(searcher, query: str, k: int = 10, filters=None, per_document: int = 5,
                 min_relevance: float = MIN_RELEVANCE) -> tuple[FigureRow, ...]:
    """Search, then the comparison table (what the CLI flag and the page call)."""
    # every document's closest passages: a figure's relevance is judged on what it measures, below
    query = clean_query(query)
    result = searcher.search(query, k=k, filters=filters or Filters(), per_document=per_document, every_document=True)
    return figures_for(result, query, searcher, min_relevance=min_relevance, per_document=per_document)


# -- output ----------------------------------------------------------------------------------
CSV_COLUMNS = ("document", "province", "level", "figure", "measure", "target year", "citation")


def table_rows(rows: tuple[FigureRow, ...]) -> list[dict]:
    """One flat dict per figure, keys CSV_COLUMNS (documents without a figure are left out)."""
    out = []
    for row in rows:
        for sf in row.figures:
            f = sf.figure
            out.append({"document": row.label, "province": row.metadata.province if row.metadata else "",
                        "level": row.metadata.level if row.metadata else "", "figure": f.value_text,
                        "measure": f.measure, "target year": f.target_year or "", "citation": f.citation})
    return out


def figures_table_json(rows: tuple[FigureRow, ...], query: str = "") -> dict:
    """JSON-ready: {"query", "documents": [{"doc", "label", "province", "level", "figures": [...]}]}
    ("plans", each with "plan" = "label": the earlier names, kept one release)."""
    documents = [{
        "doc": row.doc, "label": row.label, "province": row.metadata.province if row.metadata else "",
        "level": row.metadata.level if row.metadata else "",
        "figures": [{"figure": sf.figure.value_text, "number": sf.figure.number, "unit": sf.figure.unit,
                     "qualifier": sf.figure.qualifier, "measure": sf.figure.measure, "kind": sf.figure.kind,
                     "target_year": sf.figure.target_year, "citation": sf.figure.citation,
                     "passage_id": sf.figure.passage_id, "relevance": sf.relevance}
                    for sf in row.figures]} for row in rows]
    return {"query": query, "documents": documents, "plans": [dict(d, plan=d["label"]) for d in documents]}
