"""Citations as an official writes them: "Kế hoạch số 743/KH-UBND ngày 28/3/2025 của UBND tỉnh
Gia Lai, mục III.6". A part the metadata does not know is left out, never invented."""
from __future__ import annotations

from dataclasses import replace

from indexer.models import Document, PlanMetadata


def _short_date(iso: str) -> str:
    """ "2024-07-03" -> "3/7/2024" (day and month without leading zeros)."""
    year, month, day = iso.split("-")
    return f"{int(day)}/{int(month)}/{year}"


def _when(meta: PlanMetadata, prefix: str) -> str:
    if meta.date:
        return f"{prefix}{_short_date(meta.date)}"
    return f"năm {meta.year}" if meta.year else ""


def _document(meta: PlanMetadata) -> str:
    """ "Kế hoạch số 743/KH-UBND", "Dự thảo Kế hoạch"; "Văn bản" when the type is unknown."""
    words = ["Dự thảo"] if meta.draft else []
    words.append(meta.doc_type or "Văn bản")
    if meta.number:
        words.append(f"số {meta.number}")
    return " ".join(words)


def citation_numbers(labels: tuple[str, ...]) -> tuple[str, ...]:
    """("III", "6", "6.3") -> ("III", "6.3"): empty labels skipped, and a dotted label already
    names its parents (the one dotted-label rule)."""
    kept = [n for n in (lab.strip().strip("().").strip() for lab in labels) if n]
    return tuple(n for i, n in enumerate(kept) if not (i + 1 < len(kept) and kept[i + 1].startswith(n + ".")))


def _section_label(section_numbers: tuple[str, ...]) -> str:
    """("III", "6", "a)") -> "III.6.a"; ("II", "2", "2.1") -> "II.2.1"."""
    return ".".join(citation_numbers(section_numbers))


def format_citation(meta: PlanMetadata, section_numbers: tuple[str, ...]) -> str:
    """The citation of a passage in the plan described by meta, under the given section labels."""
    parts = [_document(meta), _when(meta, "ngày ")]
    if meta.issuer:
        parts.append(f"của {meta.issuer}")
    citation = " ".join(p for p in parts if p)
    label = _section_label(tuple(section_numbers))
    citation = _with_source(citation, meta)
    return f"{citation}, mục {label}" if label else citation


def plan_label(meta: PlanMetadata) -> str:
    """A short label for a plan in the UI: "UBND tỉnh Gia Lai — Kế hoạch số 743/KH-UBND
    (28/3/2025)"; only the parts known."""
    document = _document(meta)
    when = _when(meta, "")
    if when:
        document += f" ({when})"
    return _with_source(f"{meta.issuer} — {document}" if meta.issuer else document, meta)


# -- telling documents apart (labels and citations that would otherwise be identical) ---------

def _with_source(text: str, meta: PlanMetadata) -> str:
    return f"{text} [tệp {meta.source}]" if meta.source else text


def distinct_documents(documents: tuple[Document, ...]) -> tuple[Document, ...]:
    """Documents whose plan label or citation would be the same as another's get their file
    path as `source`, which labels and citations then show; the others are left as they are."""
    from collections import Counter

    def keys(doc: Document) -> tuple[str, str]:
        meta = replace(doc.metadata, source="")
        return plan_label(meta), format_citation(meta, ())

    counts = Counter(k for doc in documents for k in set(keys(doc)))
    return tuple(replace(doc, metadata=replace(doc.metadata, source=doc.name))
                 if any(counts[k] > 1 for k in set(keys(doc))) else doc for doc in documents)
