"""The frozen records passed from the corpus files to the page: one dataclass per concept."""
from __future__ import annotations

from dataclasses import dataclass, field, asdict

LEVELS = ("trung ương", "tỉnh", "huyện", "xã")   # administrative levels of an issuer, top first


@dataclass(frozen=True)
class DocumentMetadata:
    """What a document's header says about it. Every field is empty when the header does not say it."""

    number: str = ""          # số hiệu, e.g. "743/KH-UBND"
    doc_type: str = ""        # "Kế hoạch", "Luật", "Nghị định", "Quyết định", "Công văn", ...
    issuer: str = ""          # "UBND tỉnh Gia Lai", "Huyện ủy Phụng Hiệp", "UBND xã Tiền Nông"
    level: str = ""           # one of LEVELS
    province: str = ""        # "Gia Lai"
    place: str = ""           # place of issue as written on the date line
    date: str = ""            # ISO "2025-03-28"; "" when the day is blank (draft)
    year: int | None = None   # issue year, also known for a draft's blank date
    draft: bool = False       # "(Dự thảo)"
    title: str = ""           # the line(s) after "KẾ HOẠCH"
    implements: tuple[str, ...] = ()  # higher documents it implements: "42-NQ/TW", "68/NQ-CP", ...
    signer: str = ""          # name under the signature block
    based_on: tuple[str, ...] = ()    # what its "Căn cứ ..." lines name, one entry per line
    source: str = ""          # the file path, set only when another document would get the same label or citation

    def to_dict(self) -> dict:
        d = asdict(self)
        d["implements"] = list(self.implements)
        d["based_on"] = list(self.based_on)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "DocumentMetadata":
        known = {k: v for k, v in d.items() if k in cls.__dataclass_fields__}
        for key in ("implements", "based_on"):
            if key in known:
                known[key] = tuple(known[key])
        return cls(**known)


@dataclass(frozen=True)
class Document:
    """One corpus file as read: its text (decoded or extracted) and its metadata."""

    name: str                 # path relative to the corpus folder, "/"-separated
    text: str                 # the source text; every passage is a slice of it
    metadata: DocumentMetadata
    content_hash: str         # sha256 of the file's bytes


@dataclass(frozen=True)
class Target:
    """What a reference points at: a document of the corpus (and the article, clause and point
    named and present in it), or a document outside the corpus by its canonical key."""

    doc: str = ""            # corpus file name; "" for an external target
    article: str = ""        # "18"
    clause: str = ""         # "1"
    point: str = ""          # "a"
    external: str = ""       # canonical number ("24/2018/QH14") or normalised title ("luật đất đai")

    def to_json(self) -> dict:
        """The CLI contract: {"doc", "article", "clause", "point"} or {"external", ...}, no empty keys."""
        keys = ("external",) if self.external else ("doc",)
        return {k: getattr(self, k) for k in keys + ("article", "clause", "point") if getattr(self, k)}

    @classmethod
    def from_dict(cls, d: dict) -> "Target":
        return cls(**{k: str(v) for k, v in d.items() if k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Reference:
    """A reference written in a passage ("khoản 1 Điều 18 của Luật này"), as cited and as resolved.
    One per target: "khoản 1 và khoản 3 Điều 8" is two references over the same span."""

    text: str                 # == Passage.text[start:end]
    start: int                # character offsets into Passage.text
    end: int
    number: str = ""          # the cited document's canonical number as written ("42/NQ/TW"), if any
    title: str = ""           # its type and title as written, normalised ("luật an ninh mạng"), if any;
                              # neither: this document ("Luật này", "Điều này", or no document named)
    article: str = ""         # as written, short forms ("Điều này") already replaced by their antecedent
    clause: str = ""
    point: str = ""
    target: Target | None = None   # set by resolution; None while unresolved or when nothing matches

    def to_json(self) -> dict:
        return {"text": self.text, "start": self.start, "end": self.end,
                "target": self.target.to_json() if self.target else None}

    def to_dict(self) -> dict:
        d = {k: getattr(self, k) for k in ("text", "start", "end", "number", "title", "article", "clause", "point")}
        d["target"] = asdict(self.target) if self.target else None
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Reference":
        d = dict(d)
        target = d.pop("target", None)
        return cls(**d, target=Target.from_dict(target) if target else None)


@dataclass(frozen=True)
class Passage:
    """A searchable piece of one section of one document, verbatim from the source text."""

    doc: str                          # Document.name
    text: str                         # == Document.text[char_start:char_end]
    section: tuple[str, ...]          # every heading from the top: ("III. NHIỆM VỤ ...", "6. Nâng cao ...")
    section_numbers: tuple[str, ...]  # the headings' labels: ("III", "6"); "" for an unnumbered heading
    line_start: int                   # 1-based, inclusive, in Document.text
    line_end: int                     # 1-based, inclusive
    char_start: int
    char_end: int
    citation: str = ""
    context_chars: int = 0            # leading characters that are headings of the sections above,
                                      # carried as context because they have no text of their own
    references: tuple[Reference, ...] = ()   # what its text cites (indexer/references/)

    @property
    def body(self) -> str:
        """The passage's own text, without the headings carried as context (what is ranked)."""
        return self.text[self.context_chars:].lstrip()

    def to_dict(self) -> dict:
        d = asdict(self)
        d["section"] = list(self.section)
        d["section_numbers"] = list(self.section_numbers)
        d["references"] = [r.to_dict() for r in self.references]
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Passage":
        d = dict(d)
        d["section"] = tuple(d["section"])
        d["section_numbers"] = tuple(d["section_numbers"])
        d["references"] = tuple(Reference.from_dict(r) for r in d.get("references", ()))
        return cls(**d)


@dataclass(frozen=True)
class Skipped:
    """A corpus file that could not be read, and why (in words a person understands)."""

    name: str
    reason: str


@dataclass(frozen=True)
class CorpusReading:
    """The result of reading a corpus folder: every document read, every file skipped."""

    documents: tuple[Document, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    duplicates: tuple[tuple[str, str], ...] = field(default=())  # (duplicate, original kept)

    def summary(self) -> str:
        s = f"{len(self.documents)} read, {len(self.skipped)} skipped"
        if self.duplicates:
            s += f", {len(self.duplicates)} duplicate(s) indexed once"
        return s
