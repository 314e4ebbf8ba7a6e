"""python -m search "câu hỏi" [--k 10] [--json] [--index index]
   python -m search --queries FILE --json [--k 10]   (one JSON object per line out)"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from indexer.embed.base import MissingBackend
from indexer.index.folder import IndexProblem

from indexer.models import LEVELS
from indexer.structure.citation import document_label

from search.cited_by import CitedBy, cited_by
from search.query import Filters, resolve_values, without_surrogates
from search.results import Hit, SearchResult
from search.service import open_searcher


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m search", description="Search the documents of the corpus (plans, laws, decrees, decisions...).")
    ap.add_argument("query", nargs="?", help="the question, phrase or document number ('-' reads stdin)")
    ap.add_argument("--queries", type=Path, help="file with one query per line")
    ap.add_argument("--k", type=int, default=10, help="number of passages (default 10)")
    ap.add_argument("--json", action="store_true", help="JSON output")
    ap.add_argument("--index", type=Path, default=Path("index"))
    ap.add_argument("--corpus", type=Path, default=Path("corpus"))
    ap.add_argument("--milvus", metavar="URI", help="search the index on the Milvus server at URI "
                    "(written by python -m indexer --milvus URI)")
    ap.add_argument("--province", action="append", default=[])
    ap.add_argument("--level", action="append", default=[], help="tỉnh | huyện | xã (accents optional)")
    ap.add_argument("--year", action="append", default=[], type=int)
    ap.add_argument("--document", "--plan", action="append", default=[], dest="document",
                    help="corpus file name (--plan: the same, kept one release)")
    ap.add_argument("--type", action="append", default=[], dest="doc_type",
                    help="document type as the header names it: 'Kế hoạch', 'Luật', 'Quyết định', ...")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--figures", action="store_true",
                      help="print the figures (targets, counts, deadlines) each document states on the topic, as JSON")
    mode.add_argument("--cited-by", metavar="TARGET", dest="cited_by",
                      help="the passages that cite TARGET ('Điều 18 Luật An ninh mạng', '42-NQ/TW'), as JSON")
    mode.add_argument("--similar", action="store_true",
                      help="treat the query as a draft paragraph: closest wording in every document, with a word diff, as JSON")
    return ap


def hit_json(h: Hit) -> dict:
    return {"doc": h.passage.doc, "text": h.passage.text, "section": list(h.passage.section),
            "citation": h.passage.citation, "score": h.score, "lines": [h.passage.line_start, h.passage.line_end],
            "matched": list(h.matched_terms), "relevant": h.answers, "why": list(h.reasons),
            "references": [r.to_json() for r in h.passage.references if r.target]}


def documents_json(groups) -> list[dict]:
    return [{"doc": g.doc, "label": document_label(g.metadata), "relevant": any(h.answers for h in g.hits),
             "hits": [hit_json(h) for h in g.hits]} for g in groups]


def cited_by_json(result: CitedBy) -> dict:
    """{"target", "hits", "documents"}: every passage citing the target, grouped by document."""
    return {"query": result.text, "target": result.target.to_json() if result.target else None,
            "hits": [hit_json(h) for h in result.hits], "documents": documents_json(result.groups)}


def result_json(result: SearchResult) -> dict:
    """The CLI contract (design notes): the ranked hits, and the per-document view where
    "relevant" is true only for a document with a passage that answers the query. "plans" is
    the same list under its earlier name (kept one release)."""
    documents = documents_json(result.groups)
    return {"query": result.query.text, "kind": result.query.kind, "weak": result.weak,
            "message": result.message, "hits": [hit_json(h) for h in result.hits],
            "documents": documents, "plans": [dict(d, plan=d["label"]) for d in documents]}


def result_text(result: SearchResult) -> str:
    if result.message:
        return result.message
    relevant = len(result.relevant_groups)
    out = [f"{len(result.hits)} đoạn · {relevant}/{len(result.groups)} văn bản có đoạn liên quan "
           f"({result.seconds * 1000:.0f} ms)" + (" — không có đoạn khớp rõ, đây là các đoạn gần nhất" if result.weak else "")]
    for n, h in enumerate(result.hits, 1):
        out.append(f"\n{n}. [{h.score:.4f}] {h.passage.citation}")
        out.append("   " + " > ".join(h.passage.section))
        out.append("   " + " ".join(h.passage.text.split())[:400])
    return "\n".join(out)


def special_mode(searcher, query: str, args, filters: Filters) -> dict:
    query = without_surrogates(query)   # echoed in the JSON: an undecodable byte cannot be printed
    if args.figures:
        from search.compare.figure_table import figure_table, figures_table_json

        return figures_table_json(figure_table(searcher, query, k=args.k, filters=filters), query)
    from search.compare.similar import similar_json, similar_passages

    return similar_json(similar_passages(searcher, query, filters=filters, k=args.k))


def cli_filters(args, documents) -> Filters | None:
    """The filters asked for, each value matched to the index's values without accents or
    case; a value naming nothing is an error that lists the valid values (None returned)."""
    metas = documents.values()
    known = {"province": sorted({m.province for m in metas if m.province}), "level": list(LEVELS),
             "document": sorted(documents), "year": [str(y) for y in sorted({m.year for m in metas if m.year})],
             "type": sorted({m.doc_type for m in metas if m.doc_type})}
    picked = {}
    for name, asked in (("province", args.province), ("level", args.level), ("document", args.document),
                        ("year", [str(y) for y in args.year]), ("type", args.doc_type)):
        picked[name], unknown = resolve_values(asked, known[name])
        if unknown:
            print(f"error: --{name} {', '.join(unknown)}: không có giá trị này; "
                  f"giá trị hợp lệ: {', '.join(known[name])}", file=sys.stderr)
            return None
    return Filters(picked["document"], picked["province"], picked["level"], tuple(int(y) for y in picked["year"]),
                   picked["type"])


MAX_QUERIES = 100_000                 # lines of --queries FILE or stdin
MAX_QUERY_INPUT = 16 * 1024 * 1024    # bytes of --queries FILE or stdin


def read_queries(path: Path) -> list[str]:
    """One query per line of the file ('-': stdin), bounded: an endless or huge input is refused
    with a message instead of filling the memory."""
    if str(path) == "-":
        if sys.stdin is None:
            raise ValueError("standard input is closed: give the query as an argument or --queries FILE")
        data = sys.stdin.buffer.read(MAX_QUERY_INPUT + 1)
    else:
        with open(path, "rb") as f:
            data = f.read(MAX_QUERY_INPUT + 1)
    if len(data) > MAX_QUERY_INPUT:
        raise ValueError(f"the queries input is larger than {MAX_QUERY_INPUT // 2**20} MB: split it")
    # one query per "\n" line: str.splitlines() would also split at \x0b \x0c \x1c-\x1e \x85
    # \u2028 \u2029 inside a query, and the JSON lines out would no longer match the lines in
    lines = data.decode("utf-8", errors="replace").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) > MAX_QUERIES:
        raise ValueError(f"the queries input has {len(lines)} lines, more than {MAX_QUERIES}: split it")
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def open_milvus(uri: str):
    from search.milvus_source import open_milvus_searcher

    return open_milvus_searcher(uri)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.k < 1 or args.k > 1000:
        print("error: --k must be between 1 and 1000", file=sys.stderr)
        return 2
    if args.cited_by is not None:
        args.query = args.cited_by
    if args.queries is None and args.query is None:
        parser().print_usage(sys.stderr)
        print("error: give a query or --queries FILE", file=sys.stderr)
        return 2
    try:
        queries = read_queries(args.queries) if args.queries else (
            read_queries(Path("-")) if args.query == "-" else [args.query])
        searcher = open_milvus(args.milvus) if args.milvus else open_searcher(args.index, args.corpus, log=_say)
    except (IndexProblem, MissingBackend, OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    filters = cli_filters(args, searcher.documents)
    if filters is None:
        return 2
    for q in queries:
        if args.cited_by is not None:
            result = cited_by(searcher, q, filters)
            if result.target is None:
                print(f"error: --cited-by {q!r}: không nhận ra văn bản được dẫn chiếu (ví dụ: "
                      f"'Điều 18 Luật An ninh mạng', '42-NQ/TW')", file=sys.stderr)
                return 2
            print(json.dumps(cited_by_json(result), ensure_ascii=False), flush=True)
            continue
        if args.figures or args.similar:
            print(json.dumps(special_mode(searcher, q, args, filters), ensure_ascii=False), flush=True)
            continue
        result = searcher.search(q, k=args.k, filters=filters)
        if args.json:
            print(json.dumps(result_json(result), ensure_ascii=False), flush=True)
        else:
            print(result_text(result))
    return 0


def run() -> int:
    """Exit codes: 0 answered; 1 unexpected failure; 2 bad argument, unreadable input or index
    problem; 3 the output cannot be written; 130 interrupted."""
    if sys.stdout is None:   # started with stdout closed (">&-"): print() would drop every line
        _say("error: cannot write the results (standard output is closed)")
        return 3
    try:
        return main()
    except BrokenPipeError:  # output piped into head or a closed pager: stop quietly
        _quiet_stdout()
        return 0
    except IndexProblem as e:  # the index became unusable mid-run (a Milvus server that went down)
        _say(f"error: {e}")
        return 2
    except OSError as e:     # a full disk or a closed descriptor behind stdout
        _quiet_stdout()
        _say(f"error: cannot write the results ({e.strerror or e})")
        return 3
    except KeyboardInterrupt:
        return 130
    except Exception as e:   # last resort: one line, never a traceback
        _say(f"error: unexpected failure ({type(e).__name__}: {str(e)[:200]})")
        return 1


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, AttributeError, ValueError):
        pass


def _say(message: str) -> None:
    try:
        print(message, file=sys.stderr)
    except (OSError, ValueError, AttributeError):
        pass


if __name__ == "__main__":
    sys.exit(run())
