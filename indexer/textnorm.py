"""Text normalisation for matching; the original text is never changed, only compared through this.

One place decides how Vietnamese text is compared: Unicode NFC, one tone-placement convention
(hoá = hóa, thuỷ = thủy), no markdown emphasis or table pipes, and optionally no diacritics.
Both the indexer and the query side call these functions.
"""
from __future__ import annotations

import re
import unicodedata

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
    r"văn bản này chưa cập nhật nội dung tiếng anh", r"[\d.,]+",
]
_BOILERPLATE_RE = re.compile(r"^(?:" + "|".join(_BOILERPLATE_PATTERNS) + r")\W*$|^(?:"
                             + "|".join(_BOILERPLATE_PATTERNS[:-1]) + r")")


def is_boilerplate_line(line: str) -> bool:
    """True for a portal line that is not part of the document (and for a bare pipe or number)."""
    norm = normalize_for_matching(line)
    return bool(norm) and bool(_BOILERPLATE_RE.match(norm))


def is_blank_line(line: str) -> bool:
    return not strip_markup(line).strip("-_*=|. \t")
