"""The ONE text pipeline: how Vietnamese text is normalised, cut into words and syllables,
folded, and searched for document numbers. Indexing, querying, phrase matching, highlighting and
metadata reading all call these functions; the original text is never changed, only compared
through them.

- normalise: Unicode NFC, one tone-placement convention (hoá = hóa, thuỷ = thủy), i/y variants
  (tỉ = tỷ), no markdown emphasis or table pipes, optionally no diacritics;
- words: underthesea word segmentation of the normalised text ("nhà_ở", "xã_hội"), plus the
  syllables of each compound word so that a partial phrase still matches, plus syllable bigrams
  ("ở~xã") so that passages keeping the query's word order rank higher;
- folded: accent-folded syllables and syllable bigrams ("nha", "nha_o"), so that a query typed
  without diacritics matches (bigrams restore some of the precision folding loses);
- phrases: accent-folded syllable n-grams;
- document numbers: "42-NQ/TW", "20/2021/NĐ-CP", "73/2021/QH14", as written and canonical.
"""
from __future__ import annotations

import re
import sys
import unicodedata
from functools import lru_cache

# Old-style tone placement -> new style (the one most current documents use).
_TONE_PAIRS = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}
_TONE_RE = re.compile("|".join(_TONE_PAIRS))
# "qu" + y keeps its mark on y in both conventions ("quý"), and "uy" before another vowel or a
# final consonant ("thuyền", "khuýp") is not the diphthong: only rewrite at a syllable end.
_TONE_END_RE = re.compile(r"(?<!q)(" + "|".join(_TONE_PAIRS) + r")(?![\wà-ỹ])", re.IGNORECASE)

# i/y spelling variants of one syllable after h, k, l, m, s, t ("tỉ lệ" = "tỷ lệ", "bác sĩ" =
# "bác sỹ", "kĩ" = "kỹ"): compared as i. "uy" (thủy, quý) is a different vowel and is untouched.
_Y_TO_I = {"y": "i", "ý": "í", "ỳ": "ì", "ỷ": "ỉ", "ỹ": "ĩ", "ỵ": "ị"}
_Y_RE = re.compile(r"(?<![^\W\d_])([hklmst])([yýỳỷỹỵ])(?![^\W\d_])")
_EMPHASIS_RE = re.compile(r"(?<!\w)[*_]{1,3}|[*_]{1,3}(?!\w)")
_SPACE_RE = re.compile(r"\s+")
_CHAR_MAP = str.maketrans({"²": "2", "³": "3", "“": '"', "”": '"', "‘": "'", "’": "'",
                           "|": " ", "\u00a0": " ", "\u200b": "", "–": "-", "—": "-"})


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def unify_tone_marks(text: str) -> str:
    """Rewrite old-style tone placement (hoá, thuỷ) to the new style (hóa, thủy), lowercase input."""
    return _TONE_END_RE.sub(lambda m: _TONE_PAIRS.get(m.group(1).lower(), m.group(1)), text)


def normalize_for_matching(text: str) -> str:
    """Lowercased NFC text with one tone convention, no emphasis markers, pipes or extra spaces."""
    text = nfc(text).lower().translate(_CHAR_MAP)
    text = _EMPHASIS_RE.sub("", text)
    text = unify_tone_marks(text)
    text = _Y_RE.sub(lambda m: m.group(1) + _Y_TO_I[m.group(2)], text)
    return _SPACE_RE.sub(" ", text).strip()


def fold_accents(text: str) -> str:
    """Remove Vietnamese diacritics: 'Nghị định' -> 'Nghi dinh', 'đ' -> 'd'."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def has_diacritics(text: str) -> bool:
    return fold_accents(text) != text


def strip_markup(line: str) -> str:
    """A line without markdown emphasis, table pipes and surrounding spaces (for reading headers)."""
    line = nfc(line).replace("|", " ").replace("\u00a0", " ")
    line = _EMPHASIS_RE.sub("", line)
    return _SPACE_RE.sub(" ", line).strip()


# Lines that legal portals add around a document's text (login prompts, loading notices,
# reader-comment and voice-search help, DMCA and IP lines). Matched on the normalised line.
_BOILERPLATE_PATTERNS = [
    r"từ khoá: số hiệu, tiêu đề hoặc nội dung ngắn gọn của văn bản",
    r"đăng nhập", r"đang tải văn bản", r"bạn chưa đăng nhập thành viên",
    r"vì chưa đăng nhập nên bạn chỉ xem được", r"bạn chưa xem được hiệu lực của văn bản",
    r"nếu chưa là thành viên, mời bạn đăng ký", r"ý kiến bạn đọc",
    r"nhấp vào nút tại mỗi ô tìm kiếm", r"màn hình hiện lên như thế này",
    r"bạn cũng có thể dừng bất kỳ lúc nào", r"để tăng độ chính xác bạn hãy nói",
    r"dmca\.com", r"ip: \d{1,3}(\.\d{1,3}){3}", r"hãy để chúng tôi hỗ trợ bạn",
    r"văn bản này chưa cập nhật nội dung tiếng anh", r"[\d.,]++",
]
# Possessive runs ("++", "*+"): a line of dots that ends in a letter fails at once instead of
# trying every split of the run (quadratic before: 3 s for 16,000 dots).
_BOILERPLATE_RE = re.compile(r"^(?:" + "|".join(_BOILERPLATE_PATTERNS) + r")\W*+$|^(?:"
                             + "|".join(_BOILERPLATE_PATTERNS[:-1]) + r")")


def sentence_case(title: str) -> str:
    """ "PHÒNG, CHỐNG MA TÚY" -> "Phòng, chống ma túy"; a title not in capitals is kept."""
    if not title.isupper():
        return title
    return title[:1] + title[1:].lower()


def is_boilerplate_line(line: str) -> bool:
    """True for a portal line that is not part of the document (and for a bare pipe or number)."""
    norm = normalize_for_matching(line)
    return bool(norm) and bool(_BOILERPLATE_RE.match(norm))


# Characters a terminal acts on instead of showing (C0 and C1 controls, line and paragraph
# separators, bidirectional overrides): a document's or file's name printed raw could set the
# window title, clear the screen or forge lines of output.
_UNPRINTABLE_RE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """text for a terminal: every control character written as its escape ("\\x1b", "\\n")."""
    return _UNPRINTABLE_RE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(text))


def is_blank_line(line: str) -> bool:
    return not strip_markup(line).strip("-_*=|. \t")


# ---- words, syllables, phrases -----------------------------------------------------------
WORD_RE = re.compile(r"\w+")   # a word or syllable: the one word boundary of the project
PHRASE_N = 3                    # a phrase is at least three syllables in a row
# Function words that carry no topic; kept out of the lexical fields and never highlighted.
STOPWORDS = frozenset(
    "và của các cho với trong theo về là được có những này đó để tại từ đến trên một khi "
    "thì mà hoặc như nhằm đã sẽ đang bị do vào ra lên nên còn cũng rất".split())
PIPELINE_VERSION = 3

# underthesea imports these optional pipelines at start-up when PyTorch is installed (3+ s);
# we use only word and sentence tokenisation. underthesea skips an optional module whose import
# fails, and a None entry in sys.modules makes the import fail.
_UNUSED_UNDERTHESEA = ("classification", "sentiment", "lang_detect", "dependency_parse", "translate")


@lru_cache(maxsize=1)
def underthesea():
    """The underthesea package, imported once, lazily (0.7 s), without its heavy optional parts."""
    for name in _UNUSED_UNDERTHESEA:
        sys.modules.setdefault(f"underthesea.pipeline.{name}", None)
    sys.modules.setdefault("underthesea.agent", None)
    sys.modules.setdefault("underthesea.address", None)
    import underthesea as package

    return package


@lru_cache(maxsize=4096)
def _segment(normalised: str) -> tuple[str, ...]:
    tokens = underthesea().word_tokenize(normalised) if normalised else []
    return tuple(t.replace(" ", "_") for t in tokens if WORD_RE.search(t))


def word_tokens(text: str) -> tuple[str, ...]:
    """The "words" field: segmented words, their syllables, and accented syllable bigrams."""
    normalised = normalize_for_matching(text)
    out = []
    for word in _segment(normalised):
        if word in STOPWORDS:
            continue
        out.append(word)
        if "_" in word:
            out.extend(s for s in word.split("_") if s not in STOPWORDS)
    syllables = WORD_RE.findall(normalised)
    out.extend(f"{a}~{b}" for a, b in zip(syllables, syllables[1:]))
    return tuple(out)


def folded_syllables(text: str) -> list[str]:
    """Normalised, accent-folded syllables in order: "Nhà ở" -> ["nha", "o"]."""
    return WORD_RE.findall(fold_accents(normalize_for_matching(text)))


def folded_tokens(text: str) -> tuple[str, ...]:
    """The "folded" field: accent-folded syllables and syllable bigrams."""
    syllables = folded_syllables(text)
    bigrams = [f"{a}_{b}" for a, b in zip(syllables, syllables[1:])]
    return tuple(syllables + bigrams)


def ngrams(tokens: list[str], n: int = PHRASE_N) -> set[tuple[str, ...]]:
    return {tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


@lru_cache(maxsize=65536)
def word_forms(word: str) -> tuple[str, str]:
    """(normalised, accent-folded) form of one word; the vocabulary is small, so cached."""
    norm = normalize_for_matching(word)
    return norm, fold_accents(norm)


def word_syllables(text: str, folded: bool = False) -> tuple[tuple[str, ...], ...]:
    """The segmented words of text in order, each as its syllables (normalised, or accent-folded
    with folded): "Nhà ở xã hội" -> (("nhà",), ("ở",), ("xã", "hội")). Where a word begins and
    ends, for matching whole words and phrases (never a syllable inside a compound)."""
    words = []
    for token in _segment(normalize_for_matching(text)):
        syllables = tuple(s for part in token.split("_") for s in WORD_RE.findall(part.replace("_", " ")))
        if syllables:
            words.append(tuple(fold_accents(s) for s in syllables) if folded else syllables)
    return tuple(words)


def syllable_spans(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, normalised, folded) of each syllable of text as written."""
    return [(m.start(), m.end(), *word_forms(m.group())) for m in WORD_RE.finditer(text)]


# ---- document numbers --------------------------------------------------------------------
# "42-NQ/TW", "743/KH-UBND", "20/2021/NĐ-CP", "01/2021/TT-BLĐTBXH", "73/2021/QH14"
DOC_NUMBER_RE = re.compile(
    r"(?<![\w/])(?P<num>\d{1,5})(?:/(?P<year>(?:19|20)\d\d))?\s?[-/]\s?"
    r"(?:(?P<a>[^\W\d_]{1,6})\s?[-/]\s?(?P<b>[^\W\d_]{1,8})(?:-(?P<c>[^\W\d_]{1,8}))?"
    r"|(?P<qh>QH\d{1,2}))(?![\w])")


def canonical_number(match: re.Match) -> str:
    """'42-NQ/TW' -> '42/NQ/TW', '20/2021/NĐ-CP' -> '20/2021/ND/CP': accent-folded, upper case,
    one separator, so that the ways of writing one number compare equal."""
    parts = [match.group(g) for g in ("num", "year", "a", "b", "c", "qh")]
    return fold_accents("/".join(p for p in parts if p)).upper()


def document_numbers(text: str) -> tuple[str, ...]:
    """Canonical document numbers found in text, first occurrence first."""
    found: list[str] = []
    for m in DOC_NUMBER_RE.finditer(text):
        canon = canonical_number(m)
        if canon not in found:
            found.append(canon)
    return tuple(found)


def document_number_mentions(text: str) -> list[re.Match]:
    """Every document number in text, as written (match objects, for offsets and spelling)."""
    return list(DOC_NUMBER_RE.finditer(text))


def clear_caches() -> None:
    """Forget cached segmentations and word forms (benchmarks measure them uncached)."""
    _segment.cache_clear()
    word_forms.cache_clear()
