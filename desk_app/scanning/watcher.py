"""Scan-to-folder watcher for copiers that drop files in a shared folder (polling: portable, works
on SMB shares where change notifications do not).

A file counts once its size (and mtime) stayed the same for ``stable_polls`` polls in a row and it
can be opened (on Windows a file the copier still writes is locked). Each file is taken once: after
the import it is moved to ``imported/``; a file that is not an image or a PDF, or that the importer
refuses (corrupt, empty, encrypted, too big), goes to ``rejected/`` with the reason reported. A file
that vanishes before it was taken is reported and forgotten. Hidden and temporary names (``.*``,
``~$*``, ``*.tmp``, ``*.part``, ``*.crdownload``) are left alone.
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desk_app.domain.errors import DeskError
from desk_app.jobs import CancelToken, ProgressFn, Steps, no_progress
from desk_app.scanning.filetypes import sniff_kind

__all__ = ["FolderWatcher", "WatchEvent", "sniff_kind"]

IMPORTED, REJECTED = "imported", "rejected"
_TEMP_SUFFIXES = (".tmp", ".part", ".crdownload", ".partial", ".lock")
@dataclass
class WatchEvent:
    kind: str                  # "imported" | "rejected" | "vanished"
    name: str
    vi: str = ""
    en: str = ""
    result: Any = None         # what the importer returned
    moved_to: Path | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"event": "watch." + self.kind, "name": self.name, "vi": self.vi, "en": self.en,
                "moved_to": str(self.moved_to) if self.moved_to else None}


@dataclass
class _Seen:
    size: int
    mtime: float
    stable: int = 0


@dataclass
class FolderWatcher:
    """``importer(path) -> result`` is called once per ready file (on the caller's thread);
    raising a DeskError rejects the file with that message."""

    folder: Path
    importer: Callable[[Path], Any]
    stable_polls: int = 3
    interval: float = 1.0
    _seen: dict[str, _Seen] = field(default_factory=dict)
    _taken: set[tuple[str, int, float]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.folder = Path(self.folder)
        for sub in (IMPORTED, REJECTED):
            (self.folder / sub).mkdir(parents=True, exist_ok=True)

    @staticmethod
    def _ignored(name: str) -> bool:
        low = name.lower()
        return low.startswith((".", "~$")) or low.endswith(_TEMP_SUFFIXES)

    def _move(self, path: Path, sub: str) -> Path | None:
        dest_dir = self.folder / sub
        dest = dest_dir / path.name
        n = 1
        while dest.exists():
            dest = dest_dir / f"{path.stem}-{n}{path.suffix}"
            n += 1
        try:
            shutil.move(str(path), str(dest))
        except FileNotFoundError:
            return None
        except OSError:
            return None   # read-only share: the _taken set still keeps it from a second import
        return dest

    def _openable(self, path: Path) -> bytes | None:
        try:
            with open(path, "rb") as fh:
                return fh.read(1024)
        except OSError:
            return None

    def poll(self) -> list[WatchEvent]:
        """One pass over the folder; the files that became ready are imported or rejected."""
        events: list[WatchEvent] = []
        try:
            entries = list(os.scandir(self.folder))
        except FileNotFoundError:
            return events
        present: set[str] = set()
        for entry in entries:
            if not entry.is_file(follow_symlinks=False) or self._ignored(entry.name):
                continue
            try:
                st = entry.stat()
            except FileNotFoundError:
                continue
            present.add(entry.name)
            key = (entry.name, st.st_size, st.st_mtime)
            if key in self._taken:
                continue
            seen = self._seen.get(entry.name)
            if seen is None or (seen.size, seen.mtime) != (st.st_size, st.st_mtime):
                self._seen[entry.name] = _Seen(st.st_size, st.st_mtime)
                continue
            if st.st_size == 0:
                continue            # a copier creates the file, then writes it
            seen.stable += 1
            if seen.stable < self.stable_polls:
                continue
            head = self._openable(Path(entry.path))
            if head is None:        # locked by the writer (Windows) or gone: wait
                if not Path(entry.path).exists():
                    present.discard(entry.name)
                else:
                    seen.stable = 0
                continue
            events.append(self._take(Path(entry.path), head, key))
            self._seen.pop(entry.name, None)
        for name in list(self._seen):
            if name not in present:
                del self._seen[name]
                events.append(WatchEvent("vanished", name,
                                         "tệp đã biến mất trước khi được lấy vào",
                                         "the file vanished before it was taken"))
        return events

    def _take(self, path: Path, head: bytes, key: tuple[str, int, float]) -> WatchEvent:
        self._taken.add(key)
        kind = sniff_kind(head)
        if kind is None:
            moved = self._move(path, REJECTED)
            return WatchEvent("rejected", path.name, "không phải ảnh hay PDF",
                              "not an image or a PDF", moved_to=moved)
        try:
            result = self.importer(path)
        except FileNotFoundError:
            return WatchEvent("vanished", path.name, "tệp đã biến mất khi đang đọc",
                              "the file vanished while being read")
        except DeskError as exc:
            moved = self._move(path, REJECTED)
            return WatchEvent("rejected", path.name, exc.vi, exc.en, moved_to=moved)
        moved = self._move(path, IMPORTED)
        return WatchEvent("imported", path.name, "đã lấy vào", "imported", result=result,
                          moved_to=moved)

    def run(self, *, on_event: Callable[[WatchEvent], None] | None = None,
            progress: ProgressFn = no_progress, cancel: CancelToken | None = None,
            max_polls: int | None = None) -> list[WatchEvent]:
        """Poll until cancelled (or ``max_polls``); a job: Ctrl+C / Cancel stops it between polls."""
        steps = Steps(progress, cancel)
        all_events: list[WatchEvent] = []
        polls = 0
        taken = 0
        while max_polls is None or polls < max_polls:
            for ev in self.poll():
                all_events.append(ev)
                taken += ev.kind == "imported"
                if on_event is not None:
                    on_event(ev)
            polls += 1
            steps.report("scan.watch", taken, None, f"Đã lấy {taken} tệp từ {self.folder.name}",
                         f"Took {taken} files from {self.folder.name}")
            if cancel is not None and cancel.wait(self.interval):
                break
            if cancel is None and (max_polls is None or polls < max_polls):
                import time

                time.sleep(self.interval)
        return all_events
