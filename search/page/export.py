"""Every CSV file the tool writes (search results, the figures table): opened by Excel with
Vietnamese intact (UTF-8 with a BOM), every cell through one formula guard."""
from __future__ import annotations

import csv
import io
from typing import Callable, Sequence

from indexer.structure.citation import document_label

from indexer.models import Passage
from search.compare.figure_table import CSV_COLUMNS, FigureRow, table_rows
from search.page.plain import plain_text
from search.page.state import FIGURE_HEADERS
from search.results import Hit, SearchResult

# Column headers as the user reads them; the order is document, number, date, section, citation, text.
CSV_HEADER = ("Văn bản", "Số hiệu", "Ngày", "Mục", "Trích dẫn", "Nội dung")
CSV_MIME = "text/csv"
CSV_FILE_NAME = "ket-qua-tim-kiem.csv"   # ASCII: browsers disagree on other names
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """A spreadsheet would run a cell starting with = + - @ as a formula; a leading apostrophe
    keeps it text (OWASP's advice for CSV injection)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


Passages = Callable[[str], Sequence[Passage]]   # a document's passages in order (Searcher.document_passages)


def full_heading(heading: str, passages: Sequence[Passage]) -> str:
    """A heading the index shortened ("6. Nâng cao phúc lợi … các…") as its document writes it:
    the line of the document that begins with it; as it is when none does."""
    if not heading.endswith("…"):
        return heading
    stem = heading[:-1].strip()
    for p in passages:
        for line in p.text.splitlines():
            line = plain_text(line).strip()
            if line.startswith(stem):
                return line.rstrip(":")
    return heading


def csv_row(hit: Hit, passages: Passages | None = None) -> tuple[str, ...]:
    meta, p = hit.metadata, hit.passage
    date = meta.date or (str(meta.year) if meta.year else "")
    shortened = passages is not None and any(h.endswith("…") for h in p.section)
    whole = passages(p.doc) if shortened else ()   # the document is read only when a heading needs it
    section = " > ".join(full_heading(plain_text(h), whole) for h in p.section)
    return (document_label(meta), meta.number, date, section, p.citation, plain_text(p.text))


def csv_rows(result: SearchResult, passages: Passages | None = None) -> list[tuple[str, ...]]:
    """The header, then one row per hit of the ranked list, best first; with passages (the
    document's passages), the headings the index shortened are written whole."""
    return [CSV_HEADER] + [csv_row(h, passages) for h in result.hits]


def _csv_bytes(rows) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(str(c)) for c in row])
    return buf.getvalue().encode("utf-8-sig")


def results_csv(result: SearchResult, passages: Passages | None = None) -> bytes:
    return _csv_bytes(csv_rows(result, passages))


def figures_csv(rows: tuple[FigureRow, ...]) -> bytes:
    """The figures table: a header row, then one row per figure (documents without one left out)."""
    table = table_rows(rows)
    return _csv_bytes([[FIGURE_HEADERS[c] for c in CSV_COLUMNS]] + [[r[c] for c in CSV_COLUMNS] for r in table])
