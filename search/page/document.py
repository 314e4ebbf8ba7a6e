"""The document view: a whole document opened at a hit, with its section tree. Pure: the
page only renders what document_view returns."""
from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Sequence

from indexer.models import Passage
from search.page.plain import plain_text


@dataclass(frozen=True)
class TreeLine:
    depth: int           # 0 for a top-level heading
    heading: str
    on_path: bool        # a heading above the hit (shown in bold)


@dataclass(frozen=True)
class DocumentView:
    tree: tuple[TreeLine, ...]
    before: tuple[Passage, ...]      # the passages before the hit's top-level section (folded away)
    around: tuple[Passage, ...]      # from the hit's top-level section to the end, hit included
    hit: Passage


def section_tree(passages: Sequence[Passage], hit: Passage | None = None) -> tuple[TreeLine, ...]:
    """Every heading of the document once, in order, indented by depth."""
    seen: set[tuple[str, ...]] = set()
    lines = []
    for p in passages:
        for depth in range(len(p.section)):
            path = p.section[:depth + 1]
            if path not in seen:
                seen.add(path)
                on_path = hit is not None and hit.section[:depth + 1] == path
                lines.append(TreeLine(depth, path[-1], on_path))
    return tuple(lines)


def document_view(passages: Sequence[Passage], hit: Passage) -> DocumentView:
    """The document cut where the hit's top-level section begins, so that it opens there."""
    top = hit.section[:1]
    start = next((n for n, p in enumerate(passages) if top and p.section[:1] == top), 0)
    if hit in passages and passages.index(hit) < start:
        start = passages.index(hit)
    return DocumentView(section_tree(passages, hit), tuple(passages[:start]), tuple(passages[start:]), hit)


def tree_html(tree: Sequence[TreeLine]) -> str:
    """The section tree as escaped HTML lines, the hit's path in bold."""
    out = []
    for line in tree:
        text = html.escape(plain_text(line.heading)[:120])
        text = f"<b>{text}</b>" if line.on_path else text
        out.append(f'<div style="padding-left:{line.depth * 1.1:.1f}rem">{text}</div>')
    return "".join(out)
