"""A plain-text report of how the corpus was read: per document its metadata, passage count and
section tree, so a person can check the reading at a glance."""
from __future__ import annotations

from pathlib import Path

from indexer.read.corpus import read_corpus
from indexer.structure.passages import passages_for
from indexer.text import printable as _p


def inspect_corpus(root: Path) -> str:
    reading = read_corpus(root)
    out = [f"{_p(root)}: {_p(reading.summary())}"]
    for s in reading.skipped:
        out.append(f"  SKIPPED {_p(s.name)}: {_p(s.reason)}")
    for dup, orig in reading.duplicates:
        out.append(f"  DUPLICATE {_p(dup)} = {_p(orig)}")
    for doc in reading.documents:
        passages = passages_for(doc)
        out.append("")
        out.append(f"== {_p(doc.name)}  ({len(passages)} passages)")
        if not passages:
            out.append("   WARNING: no passage: nothing of this document can be found by a search")
        for key, value in doc.metadata.to_dict().items():
            out.append(f"   {key:11s} {_p(value) if value not in ('', None, []) else '—'}")
        seen: set[tuple[str, ...]] = set()
        for p in passages:
            for depth in range(1, len(p.section) + 1):
                path = p.section[:depth]
                if path not in seen:
                    seen.add(path)
                    count = sum(1 for q in passages if q.section[:depth] == path)
                    out.append(f"   {'  ' * depth}{_p(path[-1])}  [{count}]")
    return "\n".join(out)
