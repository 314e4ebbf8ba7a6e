"""The page's "Thêm văn bản" section (issue #18), Streamlit widgets only, called by app.py: shown
only when the operator sets an upload password; files are checked, shown with what was read from them,
saved into the corpus and the index updated by the server's one background build runner."""
from __future__ import annotations

import logging
import os
from pathlib import Path

import streamlit as st

from indexer.read import intake
from search.page import texts, upload
from search.page.highlight import markdown_text
from search.page.builder import ServerBuilder

LOG = logging.getLogger("plansearch.upload")


def section(corpus: Path, builder: ServerBuilder) -> None:
    password = upload.upload_password(st.secrets)
    if not password or not corpus.is_dir():
        return
    with st.expander(texts.UPLOAD_TITLE, expanded=bool(st.session_state.get("upload_open"))):
        if not unlocked(password):
            return
        polling = builder.status().running
        st.fragment(progress, run_every=1.0 if polling else None)(builder, polling)
        files = st.file_uploader(texts.UPLOAD_LABEL.format(count=intake.MAX_FILES, mb=intake.MAX_UPLOAD_BYTES // 2**20),
                                 accept_multiple_files=True, key=f"upload_files_{st.session_state.get('upload_round', 0)}")
        if files:
            checked = checked_files(files, corpus)
            if add_form(checked, corpus):
                builder.request()
                st.session_state["upload_waiting"] = True
                st.session_state["upload_round"] = st.session_state.get("upload_round", 0) + 1
                st.session_state["upload_note"] = texts.UPLOAD_SAVED.format(count=sum(c.ok for _, c in checked))
                st.rerun()
        if note := st.session_state.pop("upload_note", ""):
            st.success(note)
        added_list(corpus, builder)


def unlocked(password: str) -> bool:
    if st.session_state.get("upload_ok"):
        return True
    with st.form("upload_login", border=False):
        typed = st.text_input(texts.UPLOAD_PASSWORD, type="password", key="upload_password")
        sent = st.form_submit_button(texts.UPLOAD_LOGIN)
    if not sent:
        return False
    accepted, wait = upload.GUARD.attempt(client_id(), typed, password)
    if accepted:
        st.session_state.update(upload_ok=True, upload_open=True)
        st.rerun()
    st.error(texts.UPLOAD_WRONG_PASSWORD + " " + texts.UPLOAD_WAIT.format(seconds=max(1, round(wait))))
    return False


def client_id() -> str:
    """Who is trying the password: the client's address, else this session (AppTest has none)."""
    try:
        address = st.context.ip_address
    except Exception:
        address = None
    if address:
        return str(address)
    return "session-" + st.session_state.setdefault("upload_client", os.urandom(6).hex())


def progress(builder: ServerBuilder, polling: bool) -> None:
    status = builder.status()
    if polling and not status.running:
        st.rerun()   # the whole page, so that it stops polling and searches the new index
    if status.running:
        st.progress(min(1.0, status.fraction), text=f"{texts.UPLOAD_UPDATING} — {status.step}")
    elif st.session_state.pop("upload_waiting", False):
        if status.warning or status.problem:
            st.error(texts.UPLOAD_FAILED)
        else:
            st.success(texts.UPLOAD_DONE)


def checked_files(files, corpus: Path) -> list[tuple[str, intake.Checked]]:
    """The checks of the files now in the uploader, once per set of files."""
    ids = tuple(f.file_id for f in files)
    if st.session_state.get("upload_ids") != ids:
        batch = [(upload.label_text(f.name), f.getvalue()) for f in files]
        with st.spinner(texts.UPLOAD_READING):
            st.session_state.update(upload_ids=ids, upload_checked=upload.check_batch(batch, corpus))
    return st.session_state["upload_checked"]


def add_form(checked: list[tuple[str, intake.Checked]], corpus: Path) -> bool:
    """Each file's result; the accepted ones with their fields to correct, and the add button."""
    with st.form("upload_add"):
        fields = {}
        for i, (label, c) in enumerate(checked):
            st.markdown(f"**{label_md(label)}**")
            if not c.ok:
                st.error(upload.refusal(c))
                continue
            st.caption(upload.found_line(c))
            fields[i] = field_inputs(upload.field_values(c.metadata), f"upload_{i}")
        sent = st.form_submit_button(texts.UPLOAD_ADD, type="primary", disabled=not fields)
    if not sent:
        return False
    sidecars = {i: upload.sidecar_or_error(checked[i][1].metadata, f) for i, f in fields.items()}
    if errors := [e for _, e in sidecars.values() if e]:
        st.error(errors[0])
        return False
    for i, (sidecar, _) in sidecars.items():
        try:
            intake.save(checked[i][1], corpus, sidecar)
        except FileExistsError:   # the same bytes, added meanwhile from another session
            LOG.warning("%s was added meanwhile", checked[i][1].name)
    return True


def label_md(label: str) -> str:   # the client's file name shown as text, never as markup
    return markdown_text(label)


def field_inputs(values: dict[str, str], prefix: str) -> dict[str, str]:
    cols = st.columns(4)
    return {key: cols[j % 4].text_input(texts.UPLOAD_FIELDS[key], value, key=f"{prefix}_{key}")
            for j, (key, value) in enumerate(values.items())}


def added_list(corpus: Path, builder: ServerBuilder) -> None:
    """The documents added through the page: correct their fields, or remove one."""
    if not (names := intake.uploaded(corpus)):
        return
    name = st.selectbox(texts.UPLOAD_ADDED_LIST, names, key="upload_pick")
    detected, values = upload.added_fields(name, corpus)
    with st.form("upload_edit"):
        fields = field_inputs(values, f"upload_edit_{name}")
        save = st.form_submit_button(texts.UPLOAD_SAVE_FIELDS)
    sidecar, error = upload.sidecar_or_error(detected, fields) if save else ({}, "")
    if error:
        st.error(error)
    elif save or st.button(texts.UPLOAD_REMOVE, key="upload_remove"):
        if save:
            intake.save_sidecar(name, corpus, sidecar)
        else:
            intake.remove(name, corpus)
        builder.request()
        st.session_state["upload_waiting"] = True
        st.session_state["upload_note"] = (texts.UPLOAD_FIELDS_SAVED if save else texts.UPLOAD_REMOVED).format(
            name=markdown_text(name))
        st.rerun()
