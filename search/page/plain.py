"""The plain text that the markdown and LaTeX of a source file stand for, for display and copy
("*Về nhà ở:*" -> "Về nhà ở:", "**439**/KH-UBND" -> "439/KH-UBND", "$30m^2$" -> "30m²"). Stored
and searched text stays as in the source."""
from __future__ import annotations

import re

_SUPERSCRIPT = str.maketrans("0123456789+-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻")
_LATEX_WORDS = {r"\times": "×", r"\cdot": "·", r"\le": "≤", r"\leq": "≤", r"\ge": "≥", r"\geq": "≥",
                r"\%": "%", r"\approx": "≈", r"\pm": "±", r"\,": " ", r"\;": " ", r"\ ": " "}
_MATH = re.compile(r"\$([^$\n]{1,80})\$")
_POWER = re.compile(r"\^\{?([0-9+-]{1,4})\}?")
_COMMAND = re.compile(r"\\(?:[a-zA-Z]+|[%,; ])")
_STRONG = re.compile(r"(\*\*|__)(?=\S)([\s\S]{1,300}?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_HEADING = re.compile(r"^#{1,6}\s+", re.MULTILINE)
_ESCAPED = re.compile(r"\\([*_#$%\\])")


def _math(m: re.Match) -> str:
    inner = _POWER.sub(lambda p: p.group(1).translate(_SUPERSCRIPT), m.group(1))
    inner = _COMMAND.sub(lambda c: _LATEX_WORDS.get(c.group(), ""), inner)
    return inner.replace("{", "").replace("}", "").replace("_", "")


def plain_text(text: str) -> str:
    """text with inline LaTeX written out and markdown emphasis, heading marks and escapes removed."""
    text = _MATH.sub(_math, text)
    text = _STRONG.sub(r"\2", text)
    text = _EMPHASIS.sub(r"\1", text)
    text = _HEADING.sub("", text)
    return _ESCAPED.sub(r"\1", text)
