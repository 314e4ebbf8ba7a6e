"""The "upload abuse" family of python -m tools.reliability: what a visitor with (or without) the
upload password can send, each checked to be refused or contained: password guessing (per client
and from many clients), oversized files and batches, zip and PDF bombs, names that try to be
paths, markup or terminal commands, corrections that are too long or not dates, and removing the
operator's own documents."""
from __future__ import annotations

import io
import logging
import tempfile
import zipfile
from pathlib import Path

from tools.trials import Outcome


class _Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _password_trials() -> list[Outcome]:
    from search.page.upload import PasswordGuard

    clock = _Clock()
    guard = PasswordGuard(clock)
    compared = 0
    logging.getLogger("plansearch.upload").disabled = True   # 36,000 failure lines otherwise
    for _ in range(36_000):          # one client, a guess every 0.1 s for an hour
        compared += guard.wait("one") == 0
        guard.attempt("one", "sai", "đúng")
        clock.now += 0.1
    logging.getLogger("plansearch.upload").disabled = False
    out = [Outcome("one client guessing for an hour", compared <= 25, f"{compared} guesses compared (36,000 sent)")]
    clock, records = _Clock(), []
    guard = PasswordGuard(clock)
    handler = logging.Handler()
    handler.emit = records.append
    log = logging.getLogger("plansearch.upload")
    saved = log.level, log.propagate
    log.addHandler(handler)
    log.setLevel(logging.WARNING)
    log.propagate = False            # counted here, not printed
    try:
        for i in range(200):         # 200 clients, one guess each, 0.1 s apart
            guard.attempt(f"client-{i}", "sai", "đúng")
            clock.now += 0.1
    finally:
        log.removeHandler(handler)
        log.level, log.propagate = saved
    held, _ = guard.attempt("operator", "đúng", "đúng")
    out.append(Outcome("many clients guessing at once", not held and len(records) >= guard.FAILURES_PER_MINUTE,
                       f"everyone held for up to {guard.GLOBAL_WAIT:.0f} s; {len(records)} failures logged"))
    return out


def _docx_bomb() -> bytes:
    para = "<w:p><w:r><w:t>Câu một hai ba.</w:t></w:r></w:p>"
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", f"<w:document {ns}><w:body>" + para * 300_000 + "</w:body></w:document>")
    return buf.getvalue()


def _file_trials(corpus: Path) -> list[Outcome]:
    from indexer.read import intake
    from search.page import upload
    from search.page.highlight import markdown_text
    from tools.trials_slow import pdf_with_stream

    plan = next(p for p in sorted(corpus.iterdir()) if p.suffix == ".txt").read_bytes()
    text = plan.replace(b"K\xe1\xba\xbe HO\xe1\xba\xa0CH", b"K\xe1\xba\xbe HO\xe1\xba\xa0CH B\xe1\xbb\x94 SUNG", 1)
    cases = [
        ("21 MB file", b"x" * (intake.MAX_UPLOAD_BYTES + 2**20), "too_large"),
        ("54 KB .docx of 15 MB XML", _docx_bomb(), "unreadable"),
        (".pdf page of 1.1 MB drawing", pdf_with_stream(1_200_000), "unreadable"),
        ("copy of a corpus document", plan, "duplicate"),
    ]
    out = []
    for name, data, problem in cases:
        checked = intake.check(data, corpus)
        out.append(Outcome(name, checked.problem == problem, f"{checked.problem}: {checked.detail[:80]}"))
    batch = upload.check_batch([(f"f{i}.txt", text + str(i).encode()) for i in range(intake.MAX_FILES + 3)], corpus)
    out.append(Outcome("13 files at once", [c.problem for _, c in batch].count("too_many") == 3, "3 refused unread"))
    hostile = "../../etc/passwd\x1b]0;x\x07[Bấm](https://evil.example)\n.txt"
    checked = intake.check(text, corpus)
    saved = intake.save(checked, corpus) if checked.ok else None
    label = markdown_text(upload.label_text(hostile))
    out.append(Outcome("a name that is a path, markup and a terminal command",
                       saved is not None and saved.parent == corpus and intake.UPLOAD_NAME_RE.match(saved.name)
                       and "\x1b" not in intake.describe(checked, hostile) and "](" not in label,
                       f"saved as {saved.name if saved else '-'}"))
    for field, value in (("title", "T" * 1_000_000), ("date", "2025-99-99"), ("number", "1" * 1000)):
        try:
            intake.corrections(checked.metadata, {field: value})
            out.append(Outcome(f"correction {field}={value[:12]}…", False, "accepted"))
        except ValueError as e:
            out.append(Outcome(f"correction {field}={value[:12]}…", str(e) == field, f"refused: {e}"))
    try:
        intake.remove(plan_name := next(p.name for p in sorted(corpus.iterdir()) if p.suffix == ".txt"
                                        and not p.name.startswith("upload-")), corpus)
        out.append(Outcome("removing the operator's document", False, f"{plan_name} removed"))
    except ValueError:
        out.append(Outcome("removing the operator's document", (corpus / plan_name).exists(), "refused"))
    return out


def upload_abuse_trials(plans: list[Path]) -> list[Outcome]:
    """Every trial on a scratch corpus holding a copy of the first plan."""
    with tempfile.TemporaryDirectory(prefix="upload-abuse-") as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        (corpus / plans[0].name).write_bytes(plans[0].read_bytes())
        return _password_trials() + _file_trials(corpus)
