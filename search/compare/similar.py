"""Tìm câu chữ tương tự: for a pasted paragraph (a draft), the passages of each document closest to it,
and a word-level diff between the draft and each passage (shared wording, words only in the document,
words only in the draft).

The paragraph is the query (the engine cuts it at MAX_QUERY_CHARS); the ranking is the engine's,
per document. The diff compares words of the original texts (case and tone-mark convention aside),
so what it shows is exactly what each text says.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from indexer.structure.citation import document_label
from indexer.models import DocumentMetadata
from indexer.text import normalize_for_matching

from search.query import Filters
from search.results import Hit

SAME, INSERT, DELETE = "same", "insert", "delete"
_WORD_RE = re.compile(r"\S+")
_EDGE_PUNCT = "\"'“”‘’()[]{}.,;:!?…*_-–—"


@dataclass(frozen=True)
class DiffSegment:
    op: str      # "same" | "insert" (only in the document) | "delete" (only in the draft)
    text: str    # the words, as written (the document's wording for "same" and "insert")
    draft: str = ""   # for "same": the draft's own wording of those words, exactly as typed


@dataclass(frozen=True)
class SimilarPassage:
    hit: Hit
    diff: tuple[DiffSegment, ...]
    shared_ratio: float      # share of the draft's words found, in order, in the passage (0..1)


@dataclass(frozen=True)
class SimilarDocument:
    doc: str
    metadata: DocumentMetadata | None
    label: str
    passages: tuple[SimilarPassage, ...]   # closest first; empty when nothing in the document is close


@dataclass(frozen=True)
class SimilarResult:
    draft: str
    documents: tuple[SimilarDocument, ...]
    weak: bool = False
    message: str = ""


def _key(word: str) -> str:
    """How two words are compared: case, tone-mark style and edge punctuation aside."""
    return normalize_for_matching(word).strip(_EDGE_PUNCT) or word


def word_diff(draft: str, passage: str) -> tuple[DiffSegment, ...]:
    """Word-level diff from the draft to the passage: "same" runs, "delete" (only in the draft),
    "insert" (only in the document); a replaced run is a delete followed by an insert. Adjacent
    segments of the same kind are merged; joining all non-delete texts with spaces gives the
    passage's words, all non-insert ones the draft's."""
    a, b = _WORD_RE.findall(draft), _WORD_RE.findall(passage)
    matcher = SequenceMatcher(None, [_key(w) for w in a], [_key(w) for w in b], autojunk=False)
    segments: list[DiffSegment] = []

    def add(op: str, words: list[str], typed: list[str] = ()) -> None:
        if not words:
            return
        if segments and segments[-1].op == op:
            last = segments[-1]
            segments[-1] = DiffSegment(op, last.text + " " + " ".join(words), (last.draft + " " + " ".join(typed)).strip())
        else:
            segments.append(DiffSegment(op, " ".join(words), " ".join(typed)))

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add(SAME, b[j1:j2], a[i1:i2])
        else:
            add(DELETE, a[i1:i2])
            add(INSERT, b[j1:j2])
    return tuple(segments)


def shared_ratio(diff: tuple[DiffSegment, ...]) -> float:
    """Share of the draft's words kept in the passage."""
    same = sum(len(s.text.split()) for s in diff if s.op == SAME)
    deleted = sum(len(s.text.split()) for s in diff if s.op == DELETE)
    return same / (same + deleted) if same + deleted else 0.0


def diff_html(diff: tuple[DiffSegment, ...]) -> str:
    """The diff as HTML: shared wording plain, the document's own words in <ins>, the draft's own
    words in <del>; every text escaped."""
    parts = []
    for seg in diff:
        text = html.escape(seg.text)
        if seg.op == INSERT:
            parts.append(f"<ins>{text}</ins>")
        elif seg.op == DELETE:
            parts.append(f"<del>{text}</del>")
        else:
            parts.append(text)
    return " ".join(parts)


def diff_sides(diff: tuple[DiffSegment, ...]) -> tuple[str, str]:
    """The diff as two escaped HTML texts to read side by side: the draft with its own words in
    <del>, the document's passage with its own words in <ins>; shared wording plain in both, each
    side as its own text writes it (the draft exactly as typed)."""
    draft = [f"<del>{html.escape(s.text)}</del>" if s.op == DELETE else html.escape(s.draft or s.text)
             for s in diff if s.op != INSERT]
    found = [f"<ins>{html.escape(s.text)}</ins>" if s.op == INSERT else html.escape(s.text)
            for s in diff if s.op != DELETE]
    return " ".join(draft), " ".join(found)


def similar_passages(searcher, draft: str, per_document: int = 3, filters: Filters = Filters(),
                     k: int = 10) -> SimilarResult:
    """For each document, the passages closest to the pasted draft (the engine's order), each with
    its word diff against the draft; the documents sharing most wording first."""
    result = searcher.search(draft, k=k, filters=filters, per_document=per_document, every_document=True)
    documents = []
    for group in result.groups:
        passages = tuple(_similar(hit, draft) for hit in group.hits)
        label = document_label(group.metadata) if group.metadata else group.doc
        documents.append(SimilarDocument(group.doc, group.metadata, label, passages))
    return SimilarResult(draft, tuple(by_overlap(documents)), result.weak, result.message)


def by_overlap(documents) -> list[SimilarDocument]:
    """Documents with the most shared wording first (their best passage's share of the draft)."""
    return sorted(documents, key=lambda p: -max((sp.shared_ratio for sp in p.passages), default=-1.0))


def _similar(hit: Hit, draft: str) -> SimilarPassage:
    diff = word_diff(draft, hit.passage.text)
    return SimilarPassage(hit, diff, round(shared_ratio(diff), 4))


def similar_json(result: SimilarResult) -> dict:
    """JSON-ready form for the CLI ("plans", each with "plan" = "label": the earlier names,
    kept one release)."""
    documents = [{
        "doc": p.doc, "label": p.label, "passages": [{
            "text": sp.hit.passage.text, "citation": sp.hit.passage.citation,
            "section": list(sp.hit.passage.section), "score": sp.hit.score, "shared": sp.shared_ratio,
            "diff": [[s.op, s.text] for s in sp.diff]} for sp in p.passages]} for p in result.documents]
    return {"draft": result.draft, "weak": result.weak, "message": result.message,
            "documents": documents, "plans": [dict(d, plan=d["label"]) for d in documents]}
