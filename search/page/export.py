"""Every CSV file the tool writes (search results, the figures table): opened by Excel with
Vietnamese intact (UTF-8 with a BOM), every cell through one formula guard."""
from __future__ import annotations

import csv
import io

from indexer.structure.citation import document_label

from search.compare.figure_table import CSV_COLUMNS, FigureRow, table_rows
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


def csv_row(hit: Hit) -> tuple[str, ...]:
    meta, p = hit.metadata, hit.passage
    date = meta.date or (str(meta.year) if meta.year else "")
    return (document_label(meta), meta.number, date, " > ".join(p.section), p.citation, p.text)


def csv_rows(result: SearchResult) -> list[tuple[str, ...]]:
    """The header, then one row per hit of the ranked list, best first."""
    return [CSV_HEADER] + [csv_row(h) for h in result.hits]


def _csv_bytes(rows) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(str(c)) for c in row])
    return buf.getvalue().encode("utf-8-sig")


def results_csv(result: SearchResult) -> bytes:
    return _csv_bytes(csv_rows(result))


def figures_csv(rows: tuple[FigureRow, ...]) -> bytes:
    """The figures table: a header row, then one row per figure (documents without one left out)."""
    table = table_rows(rows)
    return _csv_bytes([[FIGURE_HEADERS[c] for c in CSV_COLUMNS]] + [[r[c] for c in CSV_COLUMNS] for r in table])
