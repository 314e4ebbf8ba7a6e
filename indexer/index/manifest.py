"""The shape a manifest must have before anything in it is trusted: every field the loader or
the next build reads is checked for its type, so that a hand-edited or tampered manifest is
refused with its name instead of checking nothing or failing with a traceback."""
from __future__ import annotations

import re
from pathlib import PurePosixPath

_DIGEST = re.compile(r"[0-9a-f]{64}")


def shape_problems(manifest: object, format_version: int, required: tuple[str, ...]) -> list[str]:
    """What is wrong with the manifest's shape, in words; empty when it can be trusted."""
    if not isinstance(manifest, dict):
        return [f"is a JSON {type(manifest).__name__}, not an object"]
    version = manifest.get("format_version")
    if type(version) is not int or version != format_version:
        return [f"has index format {str(version)[:20]!r}, not {format_version}"]
    problems = _files_problems(manifest.get("files"), required)
    problems += _embedder_problems(manifest.get("embedder"))
    for key, kind in (("corpus", dict), ("doc_hashes", dict), ("corpus_stat", dict),
                      ("skipped", list), ("duplicates", list), ("counts", dict)):
        if key in manifest and not isinstance(manifest[key], kind):
            problems.append(f"field {key!r} is not a JSON {'object' if kind is dict else 'array'}")
    if not problems:
        problems += _record_problems(manifest)
    return problems


def _files_problems(files: object, required: tuple[str, ...]) -> list[str]:
    if not isinstance(files, dict) or not files:
        return ["lists no files to check ('files' is missing, empty or not an object)"]
    problems = []
    for rel, digest in files.items():
        if not isinstance(digest, str) or not _DIGEST.fullmatch(digest):
            problems.append(f"has no valid checksum for {rel[:80]!r}")
        path = PurePosixPath(rel)
        if not rel or path.is_absolute() or ".." in path.parts or "\\" in rel:
            problems.append(f"names a file outside its folder ({rel[:80]!r})")
    missing = [name for name in required if name not in files]
    if missing:
        problems.append(f"does not list {', '.join(missing)}")
    return problems


def _embedder_problems(embedder: object) -> list[str]:
    if not isinstance(embedder, dict):
        return ["field 'embedder' is not an object"]
    ok = (isinstance(embedder.get("backend"), str)
          and isinstance(embedder.get("model_id"), (str, type(None)))
          and type(embedder.get("dim")) is int and embedder["dim"] > 0)
    return [] if ok else ["field 'embedder' lacks backend, model_id or dim"]


def _record_problems(manifest: dict) -> list[str]:
    """Values inside the corpus records must be strings (the next build compares them)."""
    for key in ("corpus", "doc_hashes"):
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in manifest.get(key, {}).items()):
            return [f"field {key!r} holds a value that is not text"]
    for name, entry in manifest.get("corpus_stat", {}).items():
        if not (isinstance(entry, list) and len(entry) == 7 and all(type(x) is int for x in entry[:6])
                and isinstance(entry[6], str)):
            return [f"field 'corpus_stat' has a bad entry for {str(name)[:80]!r}"]
    for key in ("skipped", "duplicates"):
        if not all(isinstance(e, list) and len(e) == 2 and all(isinstance(x, str) for x in e)
                   for e in manifest.get(key, [])):
            return [f"field {key!r} has an entry that is not a pair of names"]
    return []
