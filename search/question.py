"""Question scaffolding: the words that make a sentence a question or an exam item rather than
say what it is about ("… là gì?", "… đúng hay sai?", "có được … không?", "theo quy định",
"Chọn câu trả lời đúng nhất", option letters "A.", "B)"). Users type them, passages rarely hold
them, and BM25 gives their rare syllables ("gì", "nào", "sai") a high weight: they are dropped
from what is ranked. Compared through the one text pipeline (normalised syllables; accent-folded
for a question typed without diacritics).
"""
from __future__ import annotations

import re
from functools import lru_cache

from indexer.text import WORD_RE, fold_accents, has_diacritics, normalize_for_matching, syllable_spans

# Runs of syllables that are scaffolding wherever they stand (longest first when matched). "sau
# đây" / "dưới đây" of "… nào sau đây?" stay: a law words its lists the same way ("các hành vi
# sau đây"), and dropping them lost such an article on the laws dev set.
SCAFFOLDING = (
    # true / false and yes / no endings
    "đúng hay sai", "đúng hoặc sai", "sai hay đúng", "có đúng không", "đúng hay không", "đúng không",
    "phải không", "hay không", "hoặc không", "hay chưa",
    # multiple-choice instructions
    "chọn câu trả lời đúng nhất", "chọn câu trả lời đúng", "chọn đáp án đúng nhất", "chọn đáp án đúng",
    "chọn phương án đúng nhất", "chọn phương án đúng", "chọn ý đúng nhất", "chọn ý đúng",
    "câu trả lời đúng nhất", "đáp án đúng nhất", "đáp án nào", "phương án nào", "nhận định nào",
    "khẳng định nào",
    # interrogatives
    "như thế nào", "thế nào", "như nào", "ra sao", "là những gì", "là gì", "những gì", "là ai",
    "có bao nhiêu", "là bao nhiêu", "là bao lâu", "bao nhiêu", "bao lâu", "khi nào", "lúc nào",
    "ở đâu", "tại sao", "vì sao", "đâu là", "gì", "nào",
    # "according to the rules": every passage of a law is a rule
    "theo quy định hiện hành của pháp luật", "theo quy định của pháp luật hiện hành",
    "theo quy định của pháp luật", "theo quy định hiện hành", "theo quy định của", "theo quy định",
    "theo pháp luật hiện hành", "theo pháp luật",
    # the asker's own words
    "cho tôi hỏi", "xin hỏi", "hãy cho biết", "cho biết",
)
# Scaffolding only as the first syllable of a sentence ("Đâu không phải là …", "Ai có quyền …").
SENTENCE_START = ("đâu", "ai")
# "X có được Y không?": a sentence that ends in "không" asks yes or no; the "có" before one of
# these verbs belongs to the same frame.
YES_NO_END = "không"
YES_NO_VERBS = frozenset("được phải bị cần nên".split())
# An option letter of a multiple-choice item: "A.", "b)" standing alone before its text.
OPTION_RE = re.compile(r"(?<!\S)[A-Ha-h][.)](?=\s|$)")
_SENTENCE_END = re.compile(r"[.?!;:\n]")
_PUNCTUATION_RUN = re.compile(r"\s*(?:[,.?!;:]\s*)*([,.?!;:])")  # "x, ?" -> "x?"


@lru_cache(maxsize=1)
def _patterns() -> tuple[dict[tuple[str, ...], int], dict[tuple[str, ...], int]]:
    """(accented, folded): pattern syllables -> length, each through the pipeline."""
    accented = {tuple(WORD_RE.findall(normalize_for_matching(p))): 0 for p in SCAFFOLDING}
    folded = {tuple(fold_accents(s) for s in k): 0 for k in accented}
    return ({k: len(k) for k in accented}, {k: len(k) for k in folded})


def _sentences(text: str, spans: list) -> list[list[int]]:
    """Syllable indices grouped by sentence (a stop, question mark, colon, semicolon or line end
    between two syllables starts a new one)."""
    groups: list[list[int]] = []
    for n, span in enumerate(spans):
        if not groups or _SENTENCE_END.search(text[spans[n - 1][1]:span[0]]):
            groups.append([])
        groups[-1].append(n)
    return groups


def scaffolding_syllables(text: str) -> set[int]:
    """Indices (into syllable_spans(text)) of the syllables that are question scaffolding."""
    spans = syllable_spans(text)
    folded = not has_diacritics(text)
    keys = [s[3] if folded else s[2] for s in spans]
    patterns = _patterns()[1 if folded else 0]
    lengths = sorted(set(patterns.values()), reverse=True)
    start_words = {fold_accents(w) if folded else w for w in SENTENCE_START}
    end_word, verbs = (fold_accents(YES_NO_END), {fold_accents(v) for v in YES_NO_VERBS}) if folded else (
        YES_NO_END, YES_NO_VERBS)
    drop: set[int] = set()
    for sentence in _sentences(text, spans):
        i = 0
        while i < len(sentence):
            n = next((n for n in lengths if tuple(keys[j] for j in sentence[i:i + n]) in patterns), 0)
            if n:
                drop.update(sentence[i:i + n])
            i += max(n, 1)
        if keys[sentence[0]] in start_words:
            drop.add(sentence[0])
        if keys[sentence[-1]] == end_word and len(sentence) > 1:
            drop.add(sentence[-1])
            drop.update(a for a, b in zip(sentence, sentence[1:]) if keys[a] in ("co",  "có") and keys[b] in verbs)
    return drop


def question_content(text: str) -> str:
    """text without its question scaffolding and option letters ("Hội đồng thẩm định là gì?" ->
    "Hội đồng thẩm định?"); text itself when nothing else would be left (a question made only of scaffolding still searches for something)."""
    stripped = OPTION_RE.sub(" ", text)
    spans = syllable_spans(stripped)
    drop = scaffolding_syllables(stripped)
    if len(drop) >= len(spans):
        return text
    pieces, at = [], 0
    for n in sorted(drop):
        start, end = spans[n][:2]
        pieces.append(stripped[at:start])
        at = end
    pieces.append(stripped[at:])
    out = _PUNCTUATION_RUN.sub(r"\1", " ".join("".join(pieces).split()))
    return out.strip(",;: ").lstrip(".?! ")
