"""Citations as an official writes them: "Kế hoạch số 743/KH-UBND ngày 28/3/2025 của UBND tỉnh
Gia Lai, mục III.6", "điểm a khoản 2 Điều 5 Luật Phòng, chống ma túy", "khoản 3 Điều 12 Nghị định
số 20/2021/NĐ-CP ngày 15/3/2021 của Chính phủ". A part the metadata does not know is left out,
never invented."""
from __future__ import annotations

from dataclasses import replace

from indexer.models import Document, DocumentMetadata
from indexer.text import sentence_case
from indexer.structure.headings import APPENDIX, ARTICLE, ATTACHMENT, CHAPTER, PART, Heading, attachment_type

# Types cited by their name ("Luật Phòng, chống ma túy"), not by number, date and issuer.
NAMED_TYPES = ("Hiến pháp", "Luật", "Bộ luật", "Pháp lệnh")


def _short_date(iso: str) -> str:
    """ "2024-07-03" -> "3/7/2024" (day and month without leading zeros)."""
    year, month, day = iso.split("-")
    return f"{int(day)}/{int(month)}/{year}"


def _when(meta: DocumentMetadata, prefix: str) -> str:
    if meta.date:
        return f"{prefix}{_short_date(meta.date)}"
    return f"năm {meta.year}" if meta.year else ""


def _named(meta: DocumentMetadata) -> bool:
    return meta.doc_type in NAMED_TYPES


def _document(meta: DocumentMetadata) -> str:
    """ "Kế hoạch số 743/KH-UBND", "Dự thảo Kế hoạch", "Luật Phòng, chống ma túy số 73/2021/QH14";
    "Văn bản" when the type is unknown."""
    if _named(meta):
        words = [meta.doc_type, sentence_case(meta.title)] + ([f"số {meta.number}"] if meta.number else [])
        return " ".join(w for w in words if w)
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


def document_name(meta: DocumentMetadata) -> str:
    """The document as a citation names it: a law by its name, anything else by type, number,
    date and issuer."""
    if _named(meta):
        return _with_source(_document(meta), meta)
    parts = [_document(meta), _when(meta, "ngày ")]
    if meta.issuer:
        parts.append(f"của {meta.issuer}")
    return _with_source(" ".join(p for p in parts if p), meta)


def format_citation(meta: DocumentMetadata, section_numbers: tuple[str, ...]) -> str:
    """The citation of a passage in the document described by meta, under the given section labels."""
    citation = document_name(meta)
    label = _section_label(tuple(section_numbers))
    return f"{citation}, mục {label}" if label else citation


def cite(meta: DocumentMetadata, path: tuple[Heading, ...], clauses: tuple[str, ...] = (),
         point: str = "") -> str:
    """The citation of a passage under path: "điểm a khoản 2 Điều 5 Luật ...", "Điều 3 Quyết
    định số ...", "Kế hoạch số ..., mục III.6"; in an appendix "Quyết định số ..., Phụ lục I,
    mục II.1"."""
    appendix = next((h for h in path if h.kind in (APPENDIX, ATTACHMENT)), None)
    article = next((h for h in reversed(path) if h.kind == ARTICLE), None)
    if article is None and any(h.kind in (PART, CHAPTER) for h in path):
        where = next(h.title.split(" ", 2)[:2] for h in reversed(path) if h.kind in (PART, CHAPTER))
        return _placed(meta, appendix, " ".join(where))
    if article is None:
        own = tuple(h.label for h in path if h.kind not in (APPENDIX, ATTACHMENT))
        label = _section_label(own)
        return _placed(meta, appendix, f"mục {label}" if label else "")
    where = " ".join(p for p in (f"điểm {point}" if point and clauses else "",
                                 _clauses(clauses), f"Điều {article.label}") if p)
    if appendix is not None:
        return _placed(meta, appendix, where)
    return f"{where} {document_name(meta)}"


def _clauses(labels: tuple[str, ...]) -> str:
    """("2",) -> "khoản 2"; ("2", "3") -> "khoản 2 và khoản 3"; ("5", "6", "7") -> "các khoản 5,
    6 và 8"; a run of three or more: "từ khoản 5 đến khoản 7" (as legal drafting refers to them)."""
    if len(labels) <= 1:
        return f"khoản {labels[0]}" if labels else ""
    if len(labels) == 2:
        return f"khoản {labels[0]} và khoản {labels[1]}"
    numbers = [int(n) if n.isdigit() else None for n in labels]
    if None not in numbers and numbers == list(range(numbers[0], numbers[0] + len(numbers))):
        return f"từ khoản {labels[0]} đến khoản {labels[-1]}"
    return f"các khoản {', '.join(labels[:-1])} và {labels[-1]}"


def _placed(meta: DocumentMetadata, appendix: Heading | None, where: str) -> str:
    parts = [document_name(meta)]
    if appendix is not None and appendix.kind == ATTACHMENT:   # "Kế hoạch ban hành kèm theo Quyết định số ..."
        parts = [f"{attachment_type(appendix.title) or 'Văn bản'} ban hành kèm theo {parts[0]}"]
    elif appendix is not None:
        parts.append(" ".join(p for p in ("Phụ lục", appendix.label) if p))
    if where:
        parts.append(where)
    return ", ".join(parts)


def document_label(meta: DocumentMetadata) -> str:
    """A short label for a document in the UI: "UBND tỉnh Gia Lai — Kế hoạch số 743/KH-UBND
    (28/3/2025)"; only the parts known."""
    document = _document(meta)
    when = _when(meta, "")
    if when:
        document += f" ({when})"
    return _with_source(f"{meta.issuer} — {document}" if meta.issuer else document, meta)


# -- telling documents apart (labels and citations that would otherwise be identical) ---------

def _with_source(text: str, meta: DocumentMetadata) -> str:
    return f"{text} [tệp {meta.source}]" if meta.source else text


def distinct_documents(documents: tuple[Document, ...]) -> tuple[Document, ...]:
    """Documents whose label or citation would be the same as another's get their file
    path as `source`, which labels and citations then show; the others are left as they are."""
    from collections import Counter

    def keys(doc: Document) -> tuple[str, str]:
        meta = replace(doc.metadata, source="")
        return document_label(meta), format_citation(meta, ())

    counts = Counter(k for doc in documents for k in set(keys(doc)))
    return tuple(replace(doc, metadata=replace(doc.metadata, source=doc.name))
                 if any(counts[k] > 1 for k in set(keys(doc))) else doc for doc in documents)
