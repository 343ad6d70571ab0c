"""The request/answer channel under the Windows drivers (WIA in-process over COM, TWAIN through a
32-bit helper process), so both can be recorded on a real desk and replayed anywhere.

A transport answers ``request(op, **args) -> dict``: ``list``, ``open`` (device, settings),
``next`` (one page: ``{"page": {"format", "data"}}``, ``{"end": True}``, or ``{"error": {...}}``)
and ``close``. :class:`RecordingTransport` writes a session as JSON (page images replaced by their
format and size: a recording holds no personal data); :class:`ReplayTransport` plays one back,
checking that the driver asks the same things in the same order, and synthesises the pages.
"""
from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, Protocol

from PIL import Image, ImageDraw

__all__ = ["RecordingTransport", "ReplayMismatch", "ReplayTransport", "Transport", "synth_page"]


class Transport(Protocol):
    def request(self, op: str, **args: Any) -> dict[str, Any]: ...

    def close(self) -> None: ...


class ReplayMismatch(AssertionError):
    """The driver asked something the recorded session did not."""


def synth_page(spec: dict[str, Any]) -> bytes:
    """A generated page image for ``{"format": "JPEG", "width": w, "height": h, "mode": "RGB"}``."""
    w, h = int(spec.get("width", 620)), int(spec.get("height", 877))
    mode = spec.get("mode", "RGB")
    img = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(img)
    for y in range(h // 10, h - h // 10, max(6, h // 40)):
        d.rectangle((w // 10, y, w - w // 10, y + max(1, h // 200)), fill=(30, 30, 90))
    if mode == "L":
        img = img.convert("L")
    elif mode == "1":
        img = img.convert("L").point(lambda v: 255 if v > 128 else 0).convert("1")
    fmt = spec.get("format", "JPEG").upper()
    buf = io.BytesIO()
    img.save(buf, "JPEG" if fmt == "JPEG" and mode != "1" else fmt if fmt != "JPEG" else "PNG")
    return buf.getvalue()


def _describe(page: dict[str, Any]) -> dict[str, Any]:
    out = {"format": page.get("format", "?")}
    try:
        with Image.open(io.BytesIO(page["data"])) as im:
            out.update(width=im.width, height=im.height, mode=im.mode)
    except Exception:  # noqa: BLE001  (a damaged page is recorded as such)
        out["damaged"] = True
    return out


class RecordingTransport:
    """Wraps a real transport and writes the session to ``path`` on ``close``."""

    def __init__(self, inner: Transport, path: Path | str) -> None:
        self.inner, self.path = inner, Path(path)
        self.steps: list[dict[str, Any]] = []

    def request(self, op: str, **args: Any) -> dict[str, Any]:
        answer = self.inner.request(op, **args)
        rec = dict(answer)
        if "page" in rec:
            rec["page"] = {"synthetic": _describe(rec["page"])}
        self.steps.append({"op": op, "args": args, "answer": rec})
        return answer

    def close(self) -> None:
        self.inner.close()
        self.path.write_text(json.dumps({"steps": self.steps}, ensure_ascii=False, indent=1),
                             encoding="utf-8")


class ReplayTransport:
    """Plays a recorded session. ``strict``: each request must match the next recorded one (op
    and, when recorded, the arguments)."""

    def __init__(self, session: dict[str, Any] | Path | str, *, strict: bool = True) -> None:
        if not isinstance(session, dict):
            session = json.loads(Path(session).read_text(encoding="utf-8"))
        self.steps = list(session["steps"])
        self.strict = strict
        self.pos = 0
        self.asked: list[tuple[str, dict[str, Any]]] = []

    def request(self, op: str, **args: Any) -> dict[str, Any]:
        self.asked.append((op, args))
        if self.pos >= len(self.steps):
            raise ReplayMismatch(f"request {op!r} after the end of the recorded session")
        step = self.steps[self.pos]
        self.pos += 1
        if step["op"] != op:
            raise ReplayMismatch(f"step {self.pos}: asked {op!r}, recorded {step['op']!r}")
        if self.strict and "args" in step:
            for key, want in step["args"].items():
                if args.get(key) != want:
                    raise ReplayMismatch(f"step {self.pos} ({op}): {key}={args.get(key)!r},"
                                         f" recorded {want!r}")
        answer = dict(step["answer"])
        if "page" in answer and "synthetic" in answer["page"]:
            spec = answer["page"]["synthetic"]
            answer["page"] = {"format": spec.get("format", "JPEG"), "data": synth_page(spec)}
        return answer

    def close(self) -> None:
        pass

    @property
    def finished(self) -> bool:
        return self.pos == len(self.steps)


# --------------------------------------------------------------------------- a driver over a transport

from collections.abc import Callable

from desk_app.scanning.backend import (
    DeviceInfo,
    DeviceOptions,
    Page,
    Scanner,
    ScanSession,
    ScanSettings,
    SourceNames,
    debug_log,
    runs_on_scanner,
)
from desk_app.scanning.errors import ScanError


class _TransportSession(ScanSession):
    def __init__(self, scanner: TransportScanner, device_id: str, settings: ScanSettings) -> None:
        self.scanner, self.device_id, self.settings = scanner, device_id, settings
        self.count = 0
        self.done = False

    @runs_on_scanner
    def next_page(self) -> Page | None:
        s = self.settings
        if self.done or (s.max_pages is not None and self.count >= s.max_pages):
            return None
        answer = self.scanner._ask("next")
        if answer.get("end"):
            self.done = True
            return None
        if "error" in answer:
            self.done = True
            err = self.scanner.map_error(answer["error"], pages=self.count, device=self.device_id)
            if err is None:
                return None
            raise err
        page = answer["page"]
        data = page["data"]
        img = Image.open(io.BytesIO(data))
        img.load()
        fmt = img.format
        if s.mode == "bw" and img.mode != "1":
            from desk_app.scanning.imaging import to_bilevel

            img = to_bilevel(img)
        out = Page(image=img, dpi=s.dpi, mode=s.mode, source=s.source,
                   side="back" if s.source == "duplex" and self.count % 2 else "front",
                   index=self.count, encoded=data if fmt == "JPEG" else None,
                   encoded_format=fmt if fmt == "JPEG" else None, origin=self.device_id)
        self.count += 1
        if s.source == "flatbed" and s.max_pages is None:
            self.done = True
        return out

    @runs_on_scanner
    def close(self) -> None:
        if not getattr(self, "_closed", False):
            self._closed = True
            try:
                self.scanner._ask("close")
            except ScanError:
                pass


class TransportScanner(Scanner):
    """A driver whose device calls go through a :class:`Transport` (WIA, TWAIN)."""

    backend = "?"
    prefix = "?:"

    def __init__(self, transport: Transport | Callable[[], Transport] | None = None, *,
                 overrides: dict[str, SourceNames] | None = None) -> None:
        self._transport = transport
        self.overrides = overrides or {}

    # subclasses
    def make_transport(self) -> Transport:
        raise NotImplementedError

    def map_error(self, error: dict[str, Any], *, pages: int, device: str) -> ScanError | None:
        raise NotImplementedError

    @property
    def transport(self) -> Transport:
        if self._transport is None:
            self._transport = self.make_transport()
        elif callable(self._transport) and not hasattr(self._transport, "request"):
            self._transport = self._transport()
        return self._transport  # type: ignore[return-value]

    def _ask(self, op: str, **args: Any) -> dict[str, Any]:
        answer = self.transport.request(op, **args)
        debug_log.record(f"{self.backend}.{op}", backend=self.backend,
                         status="error" if "error" in answer else "ok",
                         code=str(answer.get("error", {}).get("code", "")) or None)
        return answer

    def _raise(self, answer: dict[str, Any], device: str) -> None:
        if "error" in answer:
            err = self.map_error(answer["error"], pages=0, device=device)
            raise err or ScanError(device=device)

    @runs_on_scanner
    def list_devices(self) -> list[DeviceInfo]:
        answer = self._ask("list")
        self._raise(answer, "")
        return [DeviceInfo(self.prefix + d["id"], self.backend, d.get("vendor", ""),
                           d.get("model", ""), d.get("kind", "")) for d in answer["devices"]]

    def _raw_id(self, device_id: str) -> str:
        return device_id.removeprefix(self.prefix)

    @runs_on_scanner
    def options(self, device_id: str) -> DeviceOptions:
        answer = self._ask("options", device=self._raw_id(device_id))
        self._raise(answer, device_id)
        raw = tuple(answer.get("sources", ()))
        names = self.overrides.get(device_id, SourceNames())
        res = tuple(int(r) for r in answer.get("resolutions", ()))
        return DeviceOptions(sources=names.ours(raw), raw_sources=raw, resolutions=res,
                             min_dpi=min(res, default=75), max_dpi=max(res, default=600))

    @runs_on_scanner
    def open(self, device_id: str, settings: ScanSettings) -> ScanSession:
        opts = self.options(device_id)
        raw_source = self.overrides.get(device_id, SourceNames()).resolve(settings.source,
                                                                         opts.raw_sources)
        if raw_source is None:
            raise ScanError(f"Máy quét {device_id} không có nguồn “{settings.source}”.",
                            f"The scanner {device_id} has no “{settings.source}” source.",
                            device=device_id)
        answer = self._ask("open", device=self._raw_id(device_id), source=raw_source,
                           dpi=opts.nearest_dpi(settings.dpi), mode=settings.mode)
        self._raise(answer, device_id)
        return _TransportSession(self, device_id, settings)

    def close(self) -> None:
        if self._transport is not None and hasattr(self._transport, "request"):
            self._transport.close()
