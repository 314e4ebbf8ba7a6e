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


def cited_by_timings(index: Path, documents) -> None:
    from search.cited_by import cited_by
    from search.__main__ import cited_by_json
    from search.engine import Searcher

    searcher = Searcher(index)
    t = time.perf_counter()
    searcher.citing   # built once per searcher
    line("cited-by index built (once per searcher)", round((time.perf_counter() - t) * 1000), "ms")
    targets = []
    for doc in documents:
        name = f"{doc.metadata.doc_type} {doc.metadata.title}".strip()
        targets += [f"Điều {n} {name}" for n in (1, 5, 18)] + [f"khoản 1 Điều 2 của {name}", name]
    targets += ["42-NQ/TW", "Nghị định 20/2021/NĐ-CP"]
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
