"""References as they are written in a passage: a point, clause and/or article ("điểm a khoản 2
Điều 5", "khoản 1 và khoản 3 Điều 8", "các Điều 5, 6 và 7", "từ Điều 5 đến Điều 8"), with or
without a document ("của Luật này", "Điều này", "Luật An ninh mạng", "Nghị định số
20/2021/NĐ-CP"), and a document cited alone ("Nghị quyết số 42-NQ/TW", "68/NQ-CP").

The text is cut once into word and punctuation tokens (a line break is only space between two
tokens, so a reference split over two lines is read whole), then read left to right by a small
parser that consumes at least one token per step and looks at most a bounded number of tokens
ahead: linear in the text's length. Short forms are replaced by their antecedent from the place
the reference is written in ("Điều này" = the article around it). One Reference per target,
unresolved: which corpus document it names is decided by resolve.py."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from indexer.models import Reference
from indexer.references.outline import Place
from indexer.text import DOC_NUMBER_RE, canonical_number, fold_accents, normalize_for_matching

POINT, CLAUSE, ARTICLE = 1, 2, 3
_LEVELS = {"điểm": POINT, "khoản": CLAUSE, "điều": ARTICLE}
_LABEL_RES = {POINT: re.compile(r"[a-zđ]\d?"), CLAUSE: re.compile(r"\d{1,2}"), ARTICLE: re.compile(r"\d{1,3}[a-zđ]?")}
_TOKEN_RE = re.compile(r"\w+|[^\w\s]")
_SEPARATORS = (",", "và", "hoặc", "đến")
_HERE = "này"
MAX_RANGE = 40          # "từ Điều 5 đến Điều 8": at most this many articles in one range
TITLE_WORDS = 12        # a law's title is read over at most this many words
# Document types, as the tokens that spell them (lower case).
DOC_TYPES = (("bộ", "luật"), ("hiến", "pháp"), ("pháp", "lệnh"), ("nghị", "định"), ("nghị", "quyết"),
             ("quyết", "định"), ("thông", "tư", "liên", "tịch"), ("thông", "tư"), ("chỉ", "thị"),
             ("kế", "hoạch"), ("chương", "trình"), ("công", "văn"), ("kết", "luận"), ("luật",))
_STARTERS = frozenset({"các", "từ", *_LEVELS, *(t[0] for t in DOC_TYPES)})   # what a reference can start with
TITLED = {("bộ", "luật"), ("pháp", "lệnh"), ("luật",), ("hiến", "pháp")}   # cited by their title
# Words that end a title read after "Luật ..." when the corpus knows no longer one.
_TITLE_STOPS = frozenset("ngày số năm của này được đã thì và hoặc tại theo quy có với để trong do cho sau "
                         "trước khi là đến từ về mà như thuộc gồm".split())


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    key: str        # lower case, NFC, "ð" read as "đ"
    upper: bool     # written with a capital first letter


@dataclass(frozen=True)
class Cited:
    """The document part of a reference: number and/or title ("" both: this document)."""
    end: int                 # index of the token after the mention
    number: str = ""
    title: str = ""


# Where a reference can start: a level or a "các"/"từ" before one, a document type's first
# word, or a document number; everything between two such places is skipped by one regex search.
_ANCHOR_RE = re.compile(r"(?<!\w)(?:các\s+|từ\s+)?(?:[đð]iểm|khoản|[đð]iều)\s+(?:\d|[a-zđ]\d?(?!\w)|này(?!\w))"
                        r"|(?<!\w)(?:bộ\s+luật|hiến\s+pháp|pháp\s+lệnh|nghị\s+(?:[đð]ịnh|quyết)|quyết\s+[đð]ịnh"
                        r"|thông\s+tư|chỉ\s+thị|kế\s+hoạch|chương\s+trình|công\s+văn|kết\s+luận|(?<!pháp\s)luật)(?!\w)"
                        r"|(?<![\w/])\d{1,5}(?:/\d{4})?\s?[-/]\s?(?:[^\W\d_]|QH)", re.IGNORECASE)


def extract(text: str, place_of: Callable[[int], Place] = lambda offset: Place(),
            titles: frozenset[tuple[str, ...]] = frozenset()) -> list[Reference]:
    """Every reference written in text. place_of(offset) tells where a character of text sits
    (for "Điều này", "khoản này", and a clause named without its article); titles are the
    corpus' titles as folded syllables ("luat", "an", "ninh", "mang"), so that a title with
    "và" or a comma in it is read whole."""
    out: list[Reference] = []
    pos = 0
    while (m := _ANCHOR_RE.search(text, pos)) is not None:
        reader = _Reader(text, m.start(), place_of, titles)
        n, found = reader.step(0)
        out.extend(found)
        pos = reader.toks[n - 1].end
    return out


class _Reader:
    """The tokens of text from one place on, cut as the parser asks for them (it looks a bounded
    number of tokens ahead of what it consumes)."""

    def __init__(self, text: str, pos: int, place_of, titles):
        self.text, self.place_of, self.titles = text, place_of, titles
        self.toks: list[Token] = []
        self._more = _TOKEN_RE.finditer(text, pos)

    def key(self, i: int) -> str:
        while len(self.toks) <= i:
            m = next(self._more, None)
            if m is None:
                return ""
            word = m.group()
            self.toks.append(Token(m.start(), m.end(), word.lower().replace("ð", "đ"), word[:1].isupper()))
        return self.toks[i].key

    def has(self, i: int) -> bool:
        return bool(self.key(i))

    def step(self, i: int) -> tuple[int, list[Reference]]:
        """Read what starts at token i: (next token index, references found there)."""
        if self.key(i) not in _STARTERS and not self.key(i)[:1].isdigit():
            return i + 1, []
        head = i + 1 if self.key(i) in ("các", "từ") else i
        level = _LEVELS.get(self.key(head))
        if level and self._label(head + 1, level) and not self._heading(head):
            return self._chain(i)
        cited = self.document(i)
        if cited is not None and (cited.number or cited.title):
            return cited.end, [self._make(i, cited.end, cited, "", "", "")]
        return (cited.end if cited is not None else i + 1), []

    def _label(self, i: int, level: int) -> str:
        key = self.key(i)
        if key == _HERE or (key and _LABEL_RES[level].fullmatch(key)):
            return key
        return ""

    def _heading(self, i: int) -> bool:
        """ "Điều 5." opening a line is the article's own heading, not a reference."""
        start = self.toks[i].start
        before = self.text[max(0, start - 8):start]
        stripped = before.rstrip(" \t*_#")
        line_start = stripped.endswith("\n") or (not stripped and len(before) == start)
        return line_start and self.key(i + 2) == "."

    def _chain(self, i: int) -> tuple[int, list[Reference]]:
        """ "[các|từ] điểm a[, b và c] khoản 2 Điều 5 [của] [document]" from token i."""
        groups: dict[int, list[str]] = {}
        j = i + 1 if self.key(i) in ("các", "từ") else i
        while self.key(j) in _LEVELS and all(_LEVELS[self.key(j)] > lv for lv in groups):
            level = _LEVELS[self.key(j)]
            if not self._label(j + 1, level):
                break
            j, groups[level] = self._labels(j + 1, level)
        end = j
        k = j + 1 if self.key(j) == "của" else j
        cited = self.document(k) if self.has(k) else None
        if cited is not None:
            end = cited.end
        else:
            cited = Cited(end)
        place = self.place_of(self.toks[i].start)
        return end, [self._make(i, end, cited, *t) for t in _targets(groups, place, cited)]

    def _labels(self, j: int, level: int) -> tuple[int, list[str]]:
        """The labels of one level from token j: "5, 6 và 7", "1 và khoản 3", "5 đến Điều 8"."""
        labels = [self._label(j, level)]
        j += 1
        while self.key(j) in _SEPARATORS:
            k = j + 1 + (self.key(j + 1) in _LEVELS and _LEVELS[self.key(j + 1)] == level)
            label = self._label(k, level) if k > j + 1 or self.key(j + 1) not in _LEVELS else ""
            if not label or label == _HERE:
                break
            labels.extend(_range(labels[-1], label) if self.key(j) == "đến" else [label])
            j = k + 1
        return j, labels

    def document(self, i: int) -> Cited | None:
        """The document mentioned at token i: "Luật này" (neither number nor title), "Nghị định
        số 20/2021/NĐ-CP", "Luật An ninh mạng [số 24/2018/QH14]", "Hiến pháp", a bare number; None."""
        m = DOC_NUMBER_RE.match(self.text, self.toks[i].start) if self.key(i)[:1].isdigit() else None
        if m:
            return Cited(self._after(i, m.end()), number=canonical_number(m))
        kind = next((t for t in DOC_TYPES if tuple(self.key(i + n) for n in range(len(t))) == t), None)
        if kind is None:
            return None
        j = i + len(kind)
        if self.key(j) == _HERE:
            return Cited(j + 1)
        number = self._number(j)
        if number is not None:
            return number
        if kind not in TITLED or not self.toks[i].upper:
            return None
        return self._titled(kind, j)

    def _number(self, j: int) -> Cited | None:
        k = j + 1 if self.key(j) == "số" else j
        k += 1 if self.key(k) == ":" else 0
        m = DOC_NUMBER_RE.match(self.text, self.toks[k].start) if self.key(k)[:1].isdigit() else None
        return Cited(self._after(k, m.end()), number=canonical_number(m)) if m else None

    def _titled(self, kind: tuple[str, ...], j: int) -> Cited | None:
        """ "Luật An ninh mạng", "Luật Phòng, chống ma túy", "Hiến pháp" (then maybe "số ...")."""
        words = self._title_words(kind, j) if kind != ("hiến", "pháp") else []
        if not words and kind != ("hiến", "pháp"):
            return None
        end = (words[-1] + 1) if words else j
        number = self._number(end) if self.key(end) == "số" else None
        title = normalize_for_matching(self.text[self.toks[j - len(kind)].start:self.toks[end - 1].end])
        return Cited(number.end if number else end, number.number if number else "", title)

    def _title_words(self, kind: tuple[str, ...], j: int) -> list[int]:
        """Token indexes of the title after a type: the longest title the corpus knows that
        starts here, else a capitalised first word and the words up to a stop word or punctuation."""
        if not self.has(j) or not self.toks[j].upper:
            return []
        known = self._known_title(kind, j)
        if known:
            return known
        words: list[int] = []
        for n in range(j, j + TITLE_WORDS):
            key = self.key(n)
            if key == "," and self.key(n + 1) == "chống":   # "Phòng, chống ..."
                continue
            if not key.isalpha() or key in _TITLE_STOPS or (words and self.toks[n].upper and key in ("luật", "bộ")):
                break
            words.append(n)
        return words

    def _known_title(self, kind: tuple[str, ...], j: int) -> list[int]:
        if not self.titles:
            return []
        run: list[int] = []
        for n in range(j, j + TITLE_WORDS * 2):
            if not (self.key(n).isalnum() or self.key(n) == ","):
                break
            run.append(n)
        prefix = tuple(fold_accents(k) for k in kind)
        for n in range(len(run), 0, -1):
            words = [w for w in run[:n] if self.key(w) != ","]
            if words and prefix + tuple(fold_accents(self.key(w)) for w in words) in self.titles:
                return words
        return []

    def _after(self, i: int, end: int) -> int:
        """The index of the first token at or after character end."""
        while self.has(i) and self.toks[i].start < end:
            i += 1
        return i

    def _make(self, i: int, end: int, cited: Cited, article: str, clause: str, point: str) -> Reference:
        start, stop = self.toks[i].start, self.toks[end - 1].end
        return Reference(self.text[start:stop], start, stop, cited.number, cited.title, article, clause, point)


def _range(first: str, last: str) -> list[str]:
    """ "5", "8" -> ["6", "7", "8"] (first already listed); letters "a", "d" -> b, c, d."""
    if first.isdigit() and last.isdigit() and 0 < int(last) - int(first) <= MAX_RANGE:
        return [str(n) for n in range(int(first) + 1, int(last) + 1)]
    letters = "abcdđeghiklmnopqrstuvxy"
    if first in letters and last in letters and letters.index(first) < letters.index(last):
        return list(letters[letters.index(first) + 1:letters.index(last) + 1])
    return [last]


def _targets(groups: dict[int, list[str]], place: Place, cited: Cited) -> list[tuple[str, str, str]]:
    """(article, clause, point) of each target of a chain. The lowest level's labels are the
    targets, under the first label of each level above; the further labels of a higher level are
    targets of their own ("khoản 1 Điều 5 và Điều 6"). Short forms take the place's labels;
    a clause or point named without its article is in this document's current article."""
    here = not (cited.number or cited.title)
    articles = [place.article if a == _HERE else a for a in groups.get(ARTICLE, [])]
    if not articles and here:
        articles = [place.article]
    clauses = [place.clause if c == _HERE else c for c in groups.get(CLAUSE, [])]
    if not clauses and POINT in groups and here and ARTICLE not in groups:
        clauses = [place.clause]
    points = [place.point if p == _HERE else p for p in groups.get(POINT, [])]
    art = articles[0] if articles else ""
    out = [(art, clauses[0] if clauses else "", p) for p in points]
    out += [(art, c, "") for c in (clauses[1:] if points else clauses)]
    out += [(a, "", "") for a in (articles[1:] if points or clauses else articles)]
    return [t for t in out if t[0] or not here]
