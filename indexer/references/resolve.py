"""References resolved against the corpus, at index time: the document a reference names (by its
normalised number, else by its normalised type and title; neither: the document it is written in),
and the article, clause and point named where that document has them; a document outside the
corpus becomes an external target keyed by its canonical number, else its normalised title.

Resolution depends on which documents the corpus holds, so a build re-resolves the references of
every passage (cheap: dictionary look-ups), also of the unchanged files whose vectors it reuses;
the Milvus searcher does the same when it opens."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Iterable, Mapping, Sequence

from indexer.models import DocumentMetadata, Passage, Reference, Target
from indexer.references.extract import extract
from indexer.references.outline import Outline, line_places, place_at
from indexer.text import document_numbers, folded_syllables


@dataclass
class Catalog:
    """What references resolve against: documents by number and by title, and their outlines."""
    numbers: dict[str, str] = field(default_factory=dict)            # canonical number -> doc
    titles: dict[tuple[str, ...], str] = field(default_factory=dict)  # folded type + title -> doc
    outlines: dict[str, Outline] = field(default_factory=dict)

    def title_keys(self) -> frozenset[tuple[str, ...]]:
        return frozenset(self.titles)


def title_key(meta: DocumentMetadata) -> tuple[str, ...]:
    """ ("luat", "an", "ninh", "mang") for Luật An ninh mạng; () for a document without a title."""
    if not meta.doc_type or (not meta.title and meta.doc_type != "Hiến pháp"):
        return ()
    return tuple(folded_syllables(f"{meta.doc_type} {meta.title}"))


def catalog_of(documents: Mapping[str, DocumentMetadata], outlines: Mapping[str, Outline] | None = None) -> Catalog:
    catalog = Catalog(outlines=dict(outlines or {}))
    for doc, meta in sorted(documents.items()):
        for number in document_numbers(meta.number)[:1]:
            catalog.numbers.setdefault(number, doc)
        key = title_key(meta)
        if key and meta.doc_type in ("Luật", "Bộ luật", "Pháp lệnh", "Hiến pháp"):
            catalog.titles.setdefault(key, doc)
    return catalog


def by_document(passages: Sequence[Passage]) -> dict[str, list[int]]:
    """doc -> positions of its passages, in document order."""
    rows: dict[str, list[int]] = {}
    for i, p in enumerate(passages):
        rows.setdefault(p.doc, []).append(i)
    return {doc: sorted(ids, key=lambda i: passages[i].char_start) for doc, ids in rows.items()}


def extract_passages(passages: Sequence[Passage], titles: frozenset = frozenset()) -> list[Passage]:
    """The passages of one or more documents with their references as written (unresolved)."""
    out = list(passages)
    for ids in by_document(passages).values():
        marks, _ = line_places([passages[i] for i in ids])
        for i, lines in zip(ids, marks):
            p = passages[i]
            out[i] = replace(p, references=tuple(extract(p.text, lambda o, m=lines: place_at(m, o), titles)))
    return out


def outlines_of(passages: Sequence[Passage]) -> dict[str, Outline]:
    return {doc: line_places([passages[i] for i in ids])[1] for doc, ids in by_document(passages).items()}


def cited_document(ref: Reference, doc: str, catalog: Catalog) -> str | None:
    """The corpus document a reference written in doc names; None when it is outside the corpus.
    A number decides when one is written; the title is asked only when the document with that
    title has no number on record (a law read without one), and never for the document itself
    ("Luật Giáo dục số 38/2005/QH11" inside the Luật Giáo dục of 2019 is the older law)."""
    if not (ref.number or ref.title):
        return doc
    found = catalog.numbers.get(ref.number) if ref.number else None
    if found is None and ref.title:
        titled = catalog.titles.get(tuple(folded_syllables(ref.title)))
        if titled is not None and not (ref.number and (titled == doc or titled in catalog.numbers.values())):
            found = titled
    return found


def resolve(ref: Reference, doc: str, catalog: Catalog) -> Target | None:
    """The target of one reference written in doc; None when it names nothing worth linking: the
    document itself as a whole, or, when no document is named, a part it does not have (then
    the reference most likely reads on from a document named earlier in the sentence)."""
    cited = cited_document(ref, doc, catalog)
    if cited is None:
        return Target(article=ref.article, clause=ref.clause, point=ref.point, external=ref.number or ref.title)
    outline = catalog.outlines.get(cited, Outline())
    present = outline.present(ref.article, ref.clause, ref.point)
    implicit = not (ref.number or ref.title)
    if (cited == doc and not present[0]) or (implicit and present != (ref.article, ref.clause, ref.point)):
        return None
    return Target(cited, *present)


def resolve_passages(passages: Sequence[Passage], documents: Mapping[str, DocumentMetadata]) -> list[Passage]:
    """Every passage with its references resolved against this corpus; a reference that names
    nothing is left out."""
    catalog = catalog_of(documents, outlines_of(passages))
    out = []
    for p in passages:
        refs = tuple(replace(r, target=t) for r in p.references if (t := resolve(r, p.doc, catalog)) is not None)
        out.append(replace(p, references=refs) if refs != p.references else p)
    return out


def annotate(passages: Sequence[Passage], documents: Mapping[str, DocumentMetadata]) -> list[Passage]:
    """Extract and resolve the references of every passage of a corpus (the build's one call)."""
    catalog = catalog_of(documents)
    return resolve_passages(extract_passages(passages, catalog.title_keys()), documents)


# -- counting (the bench, the tests and the note) ------------------------------------------

def kind_of(ref: Reference) -> str:
    """ "point", "clause", "article" or "document": the finest level the reference names."""
    return "point" if ref.point else "clause" if ref.clause else "article" if ref.article else "document"


def counts(extracted: Iterable[Passage], resolved: Iterable[Passage]) -> dict[str, Counter]:
    """Per kind: how many references were found, resolved in the corpus (to the level named),
    resolved to a coarser level (the named part is missing), external, or left out."""
    out: dict[str, Counter] = {}
    for before, after in zip(extracted, resolved):
        targets = {(r.start, r.end, r.article, r.clause, r.point): r.target for r in after.references}
        for r in before.references:
            tally = out.setdefault(kind_of(r), Counter())
            tally["found"] += 1
            t = targets.get((r.start, r.end, r.article, r.clause, r.point))
            if t is None:
                tally["left out"] += 1
            elif t.external:
                tally["external"] += 1
            elif (t.article, t.clause, t.point) == (r.article, r.clause, r.point):
                tally["in corpus"] += 1
            else:
                tally["in corpus, coarser"] += 1
    return out
