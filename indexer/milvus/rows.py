"""What a passage and a document become in Milvus, and back: pure mapping, no client.

The BM25 fields hold the text pipeline's own tokens (word_tokens, folded_tokens) joined by
spaces. Milvus analyses them again, so every token is first encoded into letters and digits
only: then a whitespace analyser (a real Milvus server) and a word-character one (the
"standard" tokenizer, the only general one milvus-lite knows) both give back exactly our
tokens. The encoding keeps ASCII letters a-y, digits and the Latin letters of Vietnamese, and
writes any other character c as "z<hex code of c>z" ("z" itself as "zz"): "nhà~ở" ->
"nhàz7ezở", "xã_hội" -> "xãz5fzhội". It is reversible, so two tokens never meet.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from indexer.models import DocumentMetadata, Passage
from indexer.index.lexical import FIELDS as LEXICAL_FIELDS, passage_tokens  # the index folder's fields and tokens

ESCAPE = "z"
_PLAIN_ASCII = frozenset("abcdefghijklmnopqrstuvwxy0123456789")
TEXT_LIMIT = 65_535      # bytes of a Milvus VARCHAR field
NO_YEAR = 0              # the year field of a document whose year is unknown
DOC_KEY = "doc:"         # metadata rows: "settings" and one "doc:<corpus file name>" per document
SETTINGS_KEY = "settings"


def _plain(c: str) -> bool:
    """A character every analyser keeps inside a token: ASCII a-y, 0-9, lower-case Latin
    letters with diacritics (U+00C0-U+1EFF: à, ơ, ư, đ, ...)."""
    return c in _PLAIN_ASCII or ("\u00c0" <= c <= "\u1eff" and c.isalpha() and c.islower())


def encode_token(token: str) -> str:
    return "".join(c if _plain(c) else (ESCAPE * 2 if c == ESCAPE else f"{ESCAPE}{ord(c):x}{ESCAPE}")
                   for c in token)


def decode_token(encoded: str) -> str:
    out, i = [], 0
    while i < len(encoded):
        c = encoded[i]
        if c != ESCAPE:
            out.append(c)
            i += 1
            continue
        end = encoded.index(ESCAPE, i + 1)
        out.append(chr(int(encoded[i + 1:end], 16)) if end > i + 1 else ESCAPE)
        i = end + 1
    return "".join(out)


def field_text(tokens: tuple[str, ...] | list[str]) -> str:
    """Tokens as the text of a BM25 field (or of a BM25 query)."""
    return " ".join(encode_token(t) for t in tokens if t)


@dataclass(frozen=True)
class PassageRow:
    """One passage as a row of the passages collection (the primary key is Milvus's)."""
    doc: str
    province: str
    level: str
    year: int
    doc_type: str
    number: str
    record: str           # the Passage as JSON (text, section path, lines, citation)
    words: str
    folded: str

    def to_dict(self, vector) -> dict:
        return {"doc": self.doc, "province": self.province, "level": self.level, "year": self.year,
                "doc_type": self.doc_type, "number": self.number, "record": self.record,
                "words": self.words, "folded": self.folded, "vector": [float(x) for x in vector]}


def passage_row(passage: Passage, meta: DocumentMetadata) -> PassageRow:
    fields = {name: field_text(passage_tokens(passage, name)) for name in LEXICAL_FIELDS}
    record = json.dumps(passage.to_dict(), ensure_ascii=False)
    for name, text in dict(fields, record=record).items():
        if len(text.encode("utf-8")) > TEXT_LIMIT:
            raise ValueError(f"{passage.doc}: a passage's {name} field is over {TEXT_LIMIT} bytes")
    return PassageRow(passage.doc, meta.province, meta.level, meta.year or NO_YEAR, meta.doc_type,
                      meta.number, record, fields["words"], fields["folded"])


def passage_from_record(record: str) -> Passage:
    return Passage.from_dict(json.loads(record))


def doc_key(name: str) -> str:
    return DOC_KEY + name


@dataclass(frozen=True)
class DocumentEntry:
    """A metadata row per document: what the update compares (the corpus file's checksum) and what
    the searcher needs (the document's metadata)."""
    name: str
    checksum: str          # the corpus fingerprint entry (file + sidecar)
    content_hash: str
    passages: int
    metadata: DocumentMetadata

    def to_json(self) -> str:
        return json.dumps({"checksum": self.checksum, "content_hash": self.content_hash,
                           "passages": self.passages, "metadata": self.metadata.to_dict()}, ensure_ascii=False)

    @classmethod
    def from_json(cls, name: str, text: str) -> "DocumentEntry":
        d = json.loads(text)
        return cls(name, d["checksum"], d["content_hash"], d["passages"], DocumentMetadata.from_dict(d.get("metadata", d.get("plan", {}))))  # "plan": written before 2026-12


def changed_documents(fingerprint: dict[str, str], stored: dict[str, DocumentEntry]) -> tuple[list[str], list[str]]:
    """(names to (re)write, names to delete): a file is rewritten when it is new or its
    checksum changed; a stored document whose file is gone is deleted."""
    write = [name for name, digest in fingerprint.items()
             if name not in stored or stored[name].checksum != digest]
    gone = [name for name in stored if name not in fingerprint]
    return write, gone
