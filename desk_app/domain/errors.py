"""Errors a person can act on, with a stable code and the message in Vietnamese and English.

Every layer raises these (never bare ValueError) for anything a clerk, an administrator or an
input file can cause, so the CLI can map them to exit codes and the UI can show the Vietnamese
line without guessing. ``str(e)`` is the Vietnamese text; ``e.message("en")`` the English one.
"""
from __future__ import annotations

from typing import Any


class DeskError(Exception):
    """An error a person can act on.

    ``code`` is stable (used in ``--json`` output and logs); ``vi`` / ``en`` are one-line
    messages; ``details`` carries machine-readable context (field name, offending value, …).
    """

    exit_code: int = 1

    def __init__(self, code: str, vi: str, en: str, /, **details: Any) -> None:
        if not code or not vi or not en:
            raise TypeError("DeskError needs a code and both messages")
        super().__init__(vi)
        self.code = code
        self.vi = vi
        self.en = en
        self.details: dict[str, Any] = dict(details)

    def message(self, lang: str = "vi") -> str:
        """The message in ``lang`` ("vi" default, "en"); unknown languages get Vietnamese."""
        return self.en if lang.lower().startswith("en") else self.vi

    def __str__(self) -> str:
        return self.vi

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.en!r})"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for ``--json`` output and logs."""
        return {"code": self.code, "vi": self.vi, "en": self.en, "details": self.details}


class ValidationError(DeskError):
    """Bad input from a person or a file (CLI exit code 2)."""

    exit_code = 2


class NotFoundError(DeskError):
    """Unknown dossier, procedure, unit, … (CLI exit code 2)."""

    exit_code = 2


class StorageError(DeskError):
    """Disk full, read-only, corrupt database or blob (CLI exit code 1)."""

    exit_code = 1
