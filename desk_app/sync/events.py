"""Typed events of the sync engine (what it tells its listeners while it runs).

The engine builds one frozen dataclass per event and hands it to its listeners:

- ``on_typed_event(ev: SyncEvent)`` receives the objects themselves;
- ``on_event(d: dict)`` receives ``ev.to_dict()`` — the JSON shape ``desk-app sync --json`` prints
  one line per event and the GUI's sync panel reads (``d["event"]``, ``d.get("vi")``). Those keys
  are a published format: ``to_dict()`` must keep them exactly (tests/sync/test_events.py).

Every event has a Vietnamese and an English line for a person (``message(lang)``): fields when the
wire shape already carries them (fault, offline, needs_attention), computed otherwise.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

__all__ = ["AccountsApplied", "Acked", "FaultEvent", "FeedApplied", "NeedsAttention", "Offline",
           "Online", "SyncEvent", "Uploaded", "EVENT_TYPES", "from_dict"]


@dataclass(frozen=True)
class SyncEvent:
    """Base of every engine event. ``kind`` is the ``"event"`` key of the dict form."""

    kind: ClassVar[str] = ""

    @property
    def step(self) -> str:
        """A stable machine name in the jobs vocabulary (``sync.<kind>``)."""
        return f"sync.{self.kind}"

    def message(self, lang: str = "vi") -> str:
        """The line for a person in ``lang`` ("vi" default, "en")."""
        return getattr(self, "en") if lang.lower().startswith("en") else getattr(self, "vi")

    def _fields(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def to_dict(self) -> dict[str, Any]:
        """The published JSON shape: ``{"event": kind, **fields}``."""
        return {"event": self.kind, **self._fields()}


@dataclass(frozen=True)
class FaultEvent(SyncEvent):
    """A classified failure (``reasons.SyncFault``); the same keys as ``SyncFault.to_dict()``."""

    kind: ClassVar[str] = "fault"
    code: str
    vi: str
    en: str
    retryable: bool = True
    offline: bool = False
    retry_after: float | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, fault: Any) -> "FaultEvent":
        return cls(code=fault.code, vi=fault.vi, en=fault.en, retryable=fault.retryable,
                   offline=fault.offline, retry_after=fault.retry_after, details=dict(fault.details))


@dataclass(frozen=True)
class Offline(SyncEvent):
    """The link (or a setting) failed: every lane waits for the probe."""

    kind: ClassVar[str] = "offline"
    code: str
    vi: str
    en: str


@dataclass(frozen=True)
class Online(SyncEvent):
    """The probe got an answer: every lane resumes."""

    kind: ClassVar[str] = "online"

    @property
    def vi(self) -> str:
        return "Đã kết nối lại máy chủ tỉnh; tiếp tục gửi hồ sơ."

    @property
    def en(self) -> str:
        return "The provincial server answers again; sending resumes."


@dataclass(frozen=True)
class NeedsAttention(SyncEvent):
    """An item the engine will not retry by itself (a person must look)."""

    kind: ClassVar[str] = "needs_attention"
    item: int
    dossier: str | None
    code: str
    vi: str
    # The English line is kept out of the published dict (its keys are fixed); typed listeners get it.
    en: str = field(default="", compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {"event": self.kind, "item": self.item, "dossier": self.dossier, "code": self.code,
                "vi": self.vi}

    def message(self, lang: str = "vi") -> str:
        return (self.en or self.vi) if lang.lower().startswith("en") else self.vi


@dataclass(frozen=True)
class Acked(SyncEvent):
    """The server accepted ``count`` records of one batch."""

    kind: ClassVar[str] = "acked"
    count: int

    @property
    def vi(self) -> str:
        return f"Máy chủ tỉnh đã nhận {self.count} hồ sơ."

    @property
    def en(self) -> str:
        return f"The provincial server accepted {self.count} record(s)."


@dataclass(frozen=True)
class Uploaded(SyncEvent):
    """One attachment is on the server (``skipped``: it already had a verified copy)."""

    kind: ClassVar[str] = "uploaded"
    item: int
    sha256: str
    bytes: int
    skipped: bool

    @property
    def vi(self) -> str:
        if self.skipped:
            return f"Tệp {self.sha256[:12]}… đã có trên máy chủ tỉnh."
        return f"Đã gửi tệp {self.sha256[:12]}… ({self.bytes / 1_000_000:.1f} MB)."

    @property
    def en(self) -> str:
        if self.skipped:
            return f"File {self.sha256[:12]}… was already on the provincial server."
        return f"Sent file {self.sha256[:12]}… ({self.bytes / 1_000_000:.1f} MB)."


@dataclass(frozen=True)
class FeedApplied(SyncEvent):
    """Changes pulled from the unit feed and applied to this desk."""

    kind: ClassVar[str] = "feed"
    applied: int

    @property
    def vi(self) -> str:
        return f"Đã nhận {self.applied} thay đổi từ máy chủ tỉnh."

    @property
    def en(self) -> str:
        return f"Received {self.applied} change(s) from the provincial server."


@dataclass(frozen=True)
class AccountsApplied(SyncEvent):
    """Staff accounts provided by the province (``GET /api/v1/accounts``) applied to this desk."""

    kind: ClassVar[str] = "accounts"
    applied: int
    version: str | None = None

    @property
    def vi(self) -> str:
        return f"Đã cập nhật {self.applied} tài khoản cán bộ từ tỉnh."

    @property
    def en(self) -> str:
        return f"Updated {self.applied} staff account(s) from the province."


EVENT_TYPES: dict[str, type[SyncEvent]] = {
    cls.kind: cls for cls in (FaultEvent, Offline, Online, NeedsAttention, Acked, Uploaded, FeedApplied,
                              AccountsApplied)
}


def from_dict(data: dict[str, Any]) -> SyncEvent:
    """The typed event for a dict of the published shape (e.g. a ``sync --json`` line).
    Unknown keys are ignored; an unknown ``event`` raises KeyError."""
    cls = EVENT_TYPES[data["event"]]
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})
