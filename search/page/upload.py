"""The page's "Thêm văn bản" section without widgets: whether it is on, the password check, the
checks of a batch of uploaded files (indexer.read.intake), and the Vietnamese texts to show."""
from __future__ import annotations

import hmac
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

from indexer.models import DocumentMetadata
from indexer.read import intake
from indexer.read.metadata import apply_sidecar, read_sidecar
from search.page import texts

PASSWORD_ENV = "PLANSEARCH_UPLOAD_PASSWORD"
PASSWORD_SECRET = "upload_password"


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


def upload_password(secrets: Mapping | None, env: Mapping[str, str] = os.environ) -> str:
    """The operator's password for uploads; "" (uploads off) when neither setting names one."""
    try:
        secret = (secrets or {}).get(PASSWORD_SECRET, "")
    except Exception:   # st.secrets raises when there is no secrets.toml at all
        secret = ""
    return str(env.get(PASSWORD_ENV, "") or secret or "")


def password_ok(typed: str, password: str) -> bool:
    return bool(password) and hmac.compare_digest(typed.encode("utf-8"), password.encode("utf-8"))


def check_batch(files: Sequence[tuple[str, bytes]], corpus: Path) -> list[tuple[str, intake.Checked]]:
    """(client's name, shown only) -> checked file; a copy later in the batch is a duplicate of the
    first, and files past the count cap are refused unread."""
    known = intake.corpus_hashes(corpus)
    out = []
    for i, (label, data) in enumerate(files):
        if i >= intake.MAX_FILES:
            out.append((label, intake.Checked(b"", "", problem="too_many")))
            continue
        checked = intake.check(data, corpus, known)
        if checked.ok:
            known[checked.sha256] = label
        out.append((label, checked))
    return out


def refusal(checked: intake.Checked) -> str:
    return texts.UPLOAD_REFUSED[checked.problem].format(
        detail=checked.detail, mb=intake.MAX_UPLOAD_BYTES // 2**20, count=intake.MAX_FILES)


def found_line(checked: intake.Checked) -> str:
    return texts.UPLOAD_FOUND.format(kind=checked.kind[1:].upper(), passages=checked.passages,
                                     sections=checked.sections, articles=checked.articles)


def field_values(meta: DocumentMetadata) -> dict[str, str]:
    """The editable fields as the form shows them (text)."""
    return {key: "" if getattr(meta, key) is None else str(getattr(meta, key)) for key in intake.EDITABLE}


def sidecar_or_error(meta: DocumentMetadata, fields: Mapping[str, str]) -> tuple[dict, str]:
    """(sidecar of the corrected fields, "") or ({}, the Vietnamese message naming the bad field)."""
    try:
        return intake.corrections(meta, dict(fields)), ""
    except ValueError as e:
        return {}, texts.UPLOAD_BAD_FIELD.format(field=texts.UPLOAD_FIELDS.get(str(e), str(e)))


def label_text(label: str) -> str:
    """The client's file name as shown beside its result (never used as a path)."""
    return os.path.basename(label.replace("\\", "/"))[:120] or "?"


def added_fields(name: str, corpus: Path) -> tuple[DocumentMetadata, dict[str, str]]:
    """(what the header of a document added by upload says, its fields as corrected now)."""
    detected = intake.uploaded_metadata(name, corpus)
    return detected, field_values(apply_sidecar(detected, read_sidecar(corpus / name) or {}))
