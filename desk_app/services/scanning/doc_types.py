"""Document types: which component names (and result types) are the same kind of paper.

The table is data (``doc_types.json`` next to this file; an administrator's
``<data_dir>/doc_types.json`` replaces it): a component is classified by its folded name
(``desk_app.domain.text.fold``: no diacritics, đ → d, lower case) — the first type one of whose
phrases occurs as whole words wins; a "never" phrase first (a form filled for one dossier, a
draft) makes it not reusable (``""``).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from desk_app.domain.text import fold

DATA = Path(__file__).with_name("doc_types.json")


@dataclass(frozen=True)
class DocType:
    key: str
    vi: str
    en: str
    phrases: tuple[str, ...]

    def label(self, lang: str = "vi") -> str:
        return self.en if lang.startswith("en") else self.vi


@dataclass(frozen=True)
class DocTypeTable:
    types: tuple[DocType, ...]
    never: tuple[str, ...]

    def get(self, key: str) -> DocType | None:
        return next((t for t in self.types if t.key == key), None)

    def classify(self, name: str) -> str:
        """The doc-type key of a component / result name, or "" (not a reusable paper)."""
        words = _words(name)
        if not words:
            return ""
        # a form or a draft is named first ("Tờ khai …", "Đơn đề nghị …"): judged on the head
        for p in self.never:
            if _has(words, p):
                return ""
        for t in self.types:
            if any(_has(words, p) for p in t.phrases):
                return t.key
        return ""


def _words(text: str) -> str:
    return " " + " ".join(re.findall(r"[0-9a-z]+", fold(text or "").lower())) + " "


def _has(words: str, phrase: str) -> bool:
    return f" {phrase.strip()} " in words


def _load(path: Path) -> DocTypeTable:
    raw = json.loads(path.read_text(encoding="utf-8"))
    types = tuple(DocType(str(t["key"]), str(t["vi"]), str(t["en"]),
                          tuple(" ".join(_words(p).split()) for p in t.get("phrases", ())))
                  for t in raw.get("types", ()))
    never = tuple(" ".join(_words(p).split()) for p in raw.get("never", ()))
    return DocTypeTable(types, never)


@lru_cache(maxsize=8)
def _cached(path: str, mtime: float) -> DocTypeTable:
    return _load(Path(path))


def table(data_dir: Path | None = None) -> DocTypeTable:
    """The administrator's table (``<data_dir>/doc_types.json``) if there is one, else ours."""
    path = DATA
    if data_dir is not None and (Path(data_dir) / "doc_types.json").is_file():
        path = Path(data_dir) / "doc_types.json"
    return _cached(str(path), path.stat().st_mtime)


def classify(name: str, data_dir: Path | None = None) -> str:
    return table(data_dir).classify(name)
