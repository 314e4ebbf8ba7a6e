"""python -m tools.bench --references --corpus DIR [--index DIR]: what reference extraction and
resolution cost in a build, how many references of each kind a corpus holds and where they
resolve, and how fast `--cited-by` answers on a built index."""
from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from indexer.embed.engines import make_embedder
from indexer.index.build import embedding_text
from indexer.read.corpus import corpus_files, read_corpus
from indexer.references.resolve import catalog_of, counts, extract_passages, resolve_passages
from indexer.structure.citation import distinct_documents
from indexer.structure.passages import passages_for

from tools.bench_common import line, machine_header

SAMPLE = 32        # passages embedded to estimate the embedding stage of a whole build
CITED_BY_RUNS = 3  # each target asked this many times


def run_references(corpus: Path, index: Path | None) -> None:
    machine_header("references")
    t0 = time.perf_counter()
    documents = distinct_documents(read_corpus(corpus, corpus_files(corpus)).documents)
    passages = [p for d in documents for p in passages_for(d)]
    t_cut = time.perf_counter()
    metas = {d.name: d.metadata for d in documents}
    extracted = extract_passages(passages, catalog_of(metas).title_keys())
    resolved = resolve_passages(extracted, metas)
    t_refs = time.perf_counter()
    embedder = make_embedder()
    sample = passages[:SAMPLE]
    t_e = time.perf_counter()
    embedder.embed_passages([embedding_text(p) for p in sample])
    embed_all = (time.perf_counter() - t_e) * len(passages) / max(1, len(sample))
    build = (t_cut - t0) + (t_refs - t_cut) + embed_all
    line("passages", len(passages))
    line("read + cut", round(t_cut - t0, 2), "s")
    line("references extracted + resolved", round(t_refs - t_cut, 2), "s")
    line("embedding (estimated from a sample of %d)" % len(sample), round(embed_all, 1), "s")
    share = (t_refs - t_cut) / build
    line("references share of a full build", f"{share:.1%}", "", "<= 10%", share <= 0.10)
    for kind, tally in sorted(counts(extracted, resolved).items()):
        line(f"references: {kind}", json.dumps(dict(sorted(tally.items())), ensure_ascii=False))
    if index is not None:
        cited_by_timings(index, documents)


def most_cited(searcher, n: int) -> list[str]:
    """The n targets cited most in the index, as a person types them ("khoản 1 Điều 18 Luật An
    ninh mạng", "42-NQ/TW"), and each corpus document by its name."""
    from collections import Counter

    tally = Counter(r.target for p in searcher.passages for r in p.references if r.target)
    out = []
    for t, _ in tally.most_common(n):
        meta = searcher.documents.get(t.doc)
        name = f"{meta.doc_type} {meta.title}" if meta is not None and meta.title else (meta.number if meta else t.external)
        parts = [f"điểm {t.point}" if t.point else "", f"khoản {t.clause}" if t.clause else "",
                 f"Điều {t.article}" if t.article else "", name]
        out.append(" ".join(p for p in parts if p))
    return out + [f"{m.doc_type} {m.title}" for m in searcher.documents.values() if m.title]


def cited_by_timings(index: Path, documents) -> None:
    from search.cited_by import cited_by
    from search.__main__ import cited_by_json
    from search.engine import Searcher

    searcher = Searcher(index)
    t = time.perf_counter()
    searcher.citing   # built once per searcher
    line("cited-by index built (once per searcher)", round((time.perf_counter() - t) * 1000), "ms")
    targets = most_cited(searcher, 40)
    times, hits = [], 0
    for _ in range(CITED_BY_RUNS):
        for text in targets:
            t = time.perf_counter()
            result = cited_by(searcher, text)
            json.dumps(cited_by_json(result), ensure_ascii=False)
            times.append((time.perf_counter() - t) * 1000)
            hits += len(result.hits)
    p50 = statistics.median(times)
    line(f"--cited-by p50 ({len(targets)} targets x {CITED_BY_RUNS}, JSON included)", round(p50, 2), "ms",
               "<= 50 ms", p50 <= 50)
    line("--cited-by p95", round(sorted(times)[int(0.95 * (len(times) - 1))], 2), "ms")
    line("--cited-by passages found per target (mean)", round(hits / len(times), 1))
