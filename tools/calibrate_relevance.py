"""Calibrate when a descriptive question counts as answered (search.relevance.DENSE_MARGIN) on the
hand-written on- and off-topic questions of tests/data/relevance_calibration.json:

    python -m tools.calibrate_relevance [--index DIR] [--questions FILE]

prints, per question, what made passages answer (phrase, words, content, meaning or nothing) and
the dense lift, then for each candidate margin how many questions the rule judges right, on- and
off-topic, Vietnamese and English."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from search.relevance import margin_for

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "tests" / "data" / "relevance_calibration.json"
LEXICAL = ("number", "phrase", "words", "content")


def load_questions(path: Path = QUESTIONS) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["questions"]


def evidence(searcher, questions: list[dict]) -> list[dict]:
    """Each question with the evidence the search found and its dense lift."""
    out = []
    for q in questions:
        result = searcher.search(q["query"], k=10)
        out.append(dict(q, evidence=result.evidence, lift=round(result.dense_lift, 4)))
    return out


def answered(row: dict, margin: float | None = None) -> bool:
    """The rule's verdict; margin None: the margin the engine uses for the question's language."""
    margin = margin_for("english" if row["language"] == "en" else "vietnamese") if margin is None else margin
    return row["evidence"] in LEXICAL or row["lift"] >= margin


def tally(rows: list[dict], margin: float | None = None) -> dict[str, tuple[int, int]]:
    """(right, total) per group: on/off topic x vi/en, and all."""
    out: dict[str, list[int]] = {}
    for row in rows:
        right = answered(row, margin) == row["on_topic"]
        for key in (f"{'on' if row['on_topic'] else 'off'}-{row['language']}", "all"):
            got = out.setdefault(key, [0, 0])
            got[0] += right
            got[1] += 1
    return {k: (v[0], v[1]) for k, v in sorted(out.items())}


GRID = tuple(round(0.001 * n, 3) for n in range(20, 101))   # candidate margins, 0.020 .. 0.100


def choose_margin(rows: list[dict]) -> float:
    """The margin with the fewest errors, an off-topic question called answered counting twice (a
    false "có đoạn liên quan" misleads more than a missed one); the smallest of those."""
    def cost(m: float) -> tuple[int, float]:
        counts = tally(rows, m)
        off_wrong = sum(v[1] - v[0] for k, v in counts.items() if k.startswith("off"))
        on_wrong = sum(v[1] - v[0] for k, v in counts.items() if k.startswith("on"))
        return 2 * off_wrong + on_wrong, m
    return min(GRID, key=cost)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.calibrate_relevance")
    ap.add_argument("--index", default="index", type=Path)
    ap.add_argument("--questions", default=QUESTIONS, type=Path)
    args = ap.parse_args(argv)
    from search.engine import Searcher

    rows = evidence(Searcher(args.index), load_questions(args.questions))
    for row in rows:
        print(f"{'on ' if row['on_topic'] else 'off'} {row['language']} {row['evidence'] or '-':8} "
              f"{row['lift']:.4f}  {row['query']}")
    for language, kind in (("vi", "vietnamese"), ("en", "english")):
        mine = [r for r in rows if r["language"] == language]
        print(f"{language}: chosen margin {choose_margin(mine):.3f}, used {margin_for(kind):.3f}")
    for margin in [round(0.02 + 0.005 * n, 3) for n in range(13)] + [None]:
        counts = " ".join(f"{k} {a}/{b}" for k, (a, b) in tally(rows, margin).items())
        print(f"{'margin ' + format(margin, '.3f') if margin else 'as used    '}  {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
