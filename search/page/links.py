"""References on the page, decided here and only drawn by app.py: a passage's text with its
references as links (an in-corpus one opens the cited article in place, with its citation and a
link to the whole document at that article; an external one shows its key and searches for it),
what a document cites and what cites it, and search results grouped by the higher document the
plans implement. Pure: every function returns escaped HTML or plain records."""
from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence
from urllib.parse import urlencode

from indexer.models import DocumentMetadata, Passage, Reference, Target
from indexer.structure.citation import document_label
from indexer.text import canonical_number, DOC_NUMBER_RE

from search.page import texts
from search.results import DocumentGroup

CITED_CHARS = 1500      # at most this much of a cited article is shown in place
OPEN_PARAM, ARTICLE_PARAM = "open", "art"   # URL: open the whole document at an article


def spans(references: Sequence[Reference]) -> list[tuple[int, int, tuple[Target, ...]]]:
    """(start, end, targets) of the links to draw: references over the same words are one link
    (its targets together); one that overlaps a link already drawn is left to that link."""
    grouped: dict[tuple[int, int], list[Target]] = {}
    for r in references:
        if r.target is not None and r.target not in grouped.setdefault((r.start, r.end), []):
            grouped[(r.start, r.end)].append(r.target)
    out, pos = [], 0
    for (start, end), targets in sorted(grouped.items()):
        if start >= pos:
            out.append((start, end, tuple(targets)))
            pos = end
    return out


def passage_html(passage: Passage, highlight: Callable[[str], str], cited: Callable[[Target], str]) -> str:
    """The passage's text, highlighted, each reference a <details> link that opens what it cites."""
    out, pos = [], 0
    text = passage.text
    for start, end, targets in spans(passage.references):
        out.append(highlight(text[pos:start]))
        body = "".join(cited(t) for t in targets)
        out.append(f'<details class="ref"><summary>{highlight(text[start:end])}</summary>'
                   f'<span class="ref-body">{body}</span></details>')
        pos = end
    out.append(highlight(text[pos:]))
    return "".join(out)


def document_href(params: Mapping[str, object], doc: str, article: str) -> str:
    """A link to this page, as it is, with the document opened at the article."""
    return "?" + html.escape(urlencode({**params, OPEN_PARAM: doc, ARTICLE_PARAM: article}, doseq=True))


def search_href(params: Mapping[str, object], query: str) -> str:
    keep = {k: v for k, v in params.items() if k not in ("q", OPEN_PARAM, ARTICLE_PARAM)}
    return "?" + html.escape(urlencode({**keep, "q": query}, doseq=True))


def cited_article_html(target: Target, passages: Sequence[Passage], params: Mapping[str, object]) -> str:
    """An in-corpus target shown in place: the cited passages' citation and text (cut at
    CITED_CHARS), and a link to the whole document at that article."""
    if not passages:
        return ""
    text = "\n".join(p.text for p in passages)
    shown = html.escape(text[:CITED_CHARS] + ("…" if len(text) > CITED_CHARS else "")).replace("\n", "<br>")
    cite = html.escape(target_citation(target, passages[0].citation))
    link = (f'<a href="{document_href(params, target.doc, target.article)}" target="_self">'
            f'{html.escape(texts.REF_OPEN_DOCUMENT)}</a>') if target.article else ""
    return f'<span class="ref-cite">{cite}</span><span class="ref-text">{shown}</span>{link}'


def target_citation(target: Target, citation: str) -> str:
    """The citation of the cited part: the passage's ("Điều 3 Luật Nuôi ong") with the clause and
    point named in front when the passage is cited by a coarser part ("khoản 1 Điều 3 Luật ...")."""
    clause = f"khoản {target.clause}" if target.clause else ""
    if clause and citation.startswith(f"Điều {target.article} "):
        citation = f"{clause} {citation}"
    if target.point and clause and citation.startswith(clause + " "):
        citation = f"điểm {target.point} {citation}"
    return citation


def external_html(target: Target, params: Mapping[str, object]) -> str:
    """An external target: its key, and a link that searches the corpus for it."""
    query = search_query(target)
    return (f'<span class="ref-cite">{html.escape(texts.REF_EXTERNAL.format(key=target.external))}</span>'
            f'<a href="{search_href(params, query)}" target="_self">{html.escape(texts.REF_SEARCH.format(query=query))}</a>')


def search_query(target: Target) -> str:
    """What to search for an external target: its key (a canonical number such as "42/NQ/TW"
    finds "42-NQ/TW" as written, the search compares numbers canonically; else its title)."""
    return target.external


# -- what a document cites, and what cites it ------------------------------------------------------

@dataclass(frozen=True)
class LinkCount:
    label: str         # a document's label, or an external key
    count: int         # references (outgoing) or citing passages (incoming)
    doc: str = ""      # the corpus file, "" for an external document


def outgoing(passages: Sequence[Passage], documents: Mapping[str, DocumentMetadata]) -> list[LinkCount]:
    """The documents a document's passages cite (itself left out), most cited first."""
    tally = Counter((r.target.doc, r.target.external) for p in passages for r in p.references
                    if r.target and r.target.doc != p.doc)
    return [LinkCount(_label(doc, ext, documents), n, doc) for (doc, ext), n in _ordered(tally)]


def incoming(rows: Sequence[int], passages: Sequence[Passage], documents: Mapping[str, DocumentMetadata],
             doc: str) -> list[LinkCount]:
    """The documents whose passages (rows) cite doc, with how many passages each, most first."""
    tally = Counter((passages[i].doc, "") for i in rows if passages[i].doc != doc)
    return [LinkCount(_label(d, "", documents), n, d) for (d, _), n in _ordered(tally)]


def _ordered(tally: Counter) -> list:
    return sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))


def _label(doc: str, external: str, documents: Mapping[str, DocumentMetadata]) -> str:
    return document_label(documents[doc]) if doc in documents else texts.REF_EXTERNAL.format(key=external or doc)


# -- results grouped by the higher document the plans implement ------------------------------------

_TYPE_OF_CODE = {"NQ": "Nghị quyết", "QĐ": "Quyết định", "QD": "Quyết định", "CTR": "Chương trình",
                 "KH": "Kế hoạch", "KL": "Kết luận", "CT": "Chỉ thị", "NĐ": "Nghị định", "TT": "Thông tư"}


@dataclass(frozen=True)
class Implementing:
    title: str                          # "5 kế hoạch thực hiện Nghị quyết 42-NQ/TW"
    number: str                         # "42-NQ/TW" as the first plan writes it
    groups: tuple[DocumentGroup, ...]   # the documents of the result that implement it


def implementing(groups: Sequence[DocumentGroup], least: int = 2) -> list[Implementing]:
    """The higher documents that at least `least` documents of a result implement, the most
    implemented first ("5 kế hoạch thực hiện Nghị quyết 42-NQ/TW")."""
    by_number: dict[str, list[DocumentGroup]] = {}
    written: dict[str, str] = {}
    for g in groups:
        for number in dict.fromkeys(g.metadata.implements):
            m = DOC_NUMBER_RE.search(number)
            key = canonical_number(m) if m else number
            written.setdefault(key, number)
            by_number.setdefault(key, []).append(g)
    out = []
    for key, members in sorted(by_number.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        if len(members) >= least:
            out.append(Implementing(_implementing_title(written[key], members), written[key], tuple(members)))
    return out


def _implementing_title(number: str, members: Sequence[DocumentGroup]) -> str:
    kinds = {g.metadata.doc_type for g in members}
    noun = kinds.pop().lower() if len(kinds) == 1 and "" not in kinds else "văn bản"
    parts = number.replace("-", "/").upper().split("/")
    higher = _TYPE_OF_CODE.get(next((p for p in parts[1:] if not p.isdigit()), ""), "văn bản")
    return texts.IMPLEMENTING.format(n=len(members), noun=noun, higher=higher, number=number)
