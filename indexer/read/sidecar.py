"""A document's JSON sidecar (`corpus/<same name>.json`) and the corrections typed on the page:
which fields they may set, of which type, how long, and which values are valid. A sidecar that
breaks a rule is refused whole with a reason naming its file and the field; the document is
then read with its own header (corpus.py), never held back."""
from __future__ import annotations

import dataclasses
import datetime
import json
import pathlib

from indexer.models import LEVELS, DocumentMetadata

MAX_SIDECAR_BYTES = 64 * 1024
MAX_CHARS = {"title": 500}   # a title; every other text field:
MAX_FIELD_CHARS = 200
MAX_LIST_ITEMS = 50
YEARS = range(1900, 2101)
_FIELD_TYPES = {"year": (int, type(None)), "draft": (bool,), "implements": (list, tuple),
                "based_on": (list, tuple)}


class SidecarError(ValueError):
    """A sidecar or a correction breaks a rule; field names the field ("" for the whole file)."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


def check_field(key: str, value) -> None:
    """SidecarError when value is not a valid value of the metadata field key."""
    known = {f.name for f in dataclasses.fields(DocumentMetadata)}
    if key not in known:
        raise SidecarError(f"unknown metadata field {key!r} (known fields: {', '.join(sorted(known))})", key)
    types = _FIELD_TYPES.get(key, (str,))
    if not isinstance(value, types) or (key == "year" and isinstance(value, bool)):
        raise SidecarError(f"field {key!r} has a value of the wrong type: {_short(value)}", key)
    items = value if isinstance(value, (list, tuple)) else [value] if isinstance(value, str) else []
    limit = MAX_CHARS.get(key, MAX_FIELD_CHARS)
    if len(items) > MAX_LIST_ITEMS or any(not isinstance(v, str) or len(v) > limit for v in items):
        raise SidecarError(f"field {key!r} is too long (at most {limit} characters"
                           f"{f', {MAX_LIST_ITEMS} entries' if isinstance(value, (list, tuple)) else ''})", key)
    if key == "year" and value is not None and value not in YEARS:
        raise SidecarError(f"field 'year' is not a year: {value}", key)
    if key == "date" and value and not _valid_date(value):
        raise SidecarError(f"field 'date' is not a date (YYYY-MM-DD): {_short(value)}", key)
    if key == "level" and value and value not in LEVELS:
        raise SidecarError(f"field 'level' must be one of {', '.join(LEVELS)}: {_short(value)}", key)


def _valid_date(value: str) -> bool:
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10 and day.year in YEARS


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def apply_sidecar(meta: DocumentMetadata, sidecar: dict) -> DocumentMetadata:
    """meta with every field the sidecar names replaced; SidecarError (a ValueError) when a
    field is unknown or its value is not valid."""
    for key, value in sidecar.items():
        check_field(key, value)
    changes = dict(sidecar)
    for key in ("implements", "based_on"):
        if key in changes:
            changes[key] = tuple(str(v) for v in changes[key])
    return dataclasses.replace(meta, **changes)


def read_sidecar(path: pathlib.Path) -> dict | None:
    """The parsed <stem>.json beside a corpus file, or None when there is none; SidecarError
    naming the sidecar when it is too large, not JSON, nested too deep or not an object."""
    path = pathlib.Path(path)
    side = path.with_suffix(".json")
    if side == path or not side.is_file():
        return None
    try:
        with open(side, "rb") as f:
            data = f.read(MAX_SIDECAR_BYTES + 1)
    except OSError as e:
        raise SidecarError(f"metadata sidecar {side.name} cannot be read ({e.strerror or e})") from None
    if len(data) > MAX_SIDECAR_BYTES:
        raise SidecarError(f"metadata sidecar {side.name} is larger than {MAX_SIDECAR_BYTES // 1024} KB")
    try:
        parsed = json.loads(data.decode("utf-8"))
    except json.JSONDecodeError as e:
        raise SidecarError(f"metadata sidecar {side.name} is not valid JSON: {e.msg} "
                           f"(line {e.lineno}, column {e.colno})") from None
    except UnicodeDecodeError:
        raise SidecarError(f"metadata sidecar {side.name} is not UTF-8 text") from None
    except RecursionError:
        raise SidecarError(f"metadata sidecar {side.name} is nested too deeply to be metadata") from None
    if not isinstance(parsed, dict):
        raise SidecarError(f"metadata sidecar {side.name} must hold a JSON object, "
                           f"not {type(parsed).__name__}")
    return parsed


def checked_sidecar(path: pathlib.Path) -> dict | None:
    """read_sidecar, with every field checked; the SidecarError names the sidecar's file."""
    sidecar = read_sidecar(path)
    for key, value in (sidecar or {}).items():
        try:
            check_field(key, value)
        except SidecarError as e:
            raise SidecarError(f"metadata sidecar {pathlib.Path(path).with_suffix('.json').name}: {e}",
                               e.field) from None
    return sidecar
