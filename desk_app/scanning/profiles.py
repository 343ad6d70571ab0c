"""Scan profiles per document type, as data (``profiles.toml`` beside this module), with an
administrator lock: a locked profile refuses changes at scan time unless the person is an
administrator (``ProfileLocked``, exit code 3)."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from desk_app.domain.errors import NotFoundError, ValidationError
from desk_app.scanning.backend import MODES, SOURCES, ScanSettings
from desk_app.scanning.errors import ProfileLocked

__all__ = ["JOB_SOURCES", "PRESETS", "Profile", "get_profile", "load_profiles"]

DEFAULTS_FILE = Path(__file__).with_name("profiles.toml")
PRESETS = ("bw_g4", "gray_jpeg", "color_jpeg", "color_jpeg_small", "keep")
JOB_SOURCES = (*SOURCES, "manual_duplex")


@dataclass(frozen=True)
class Profile:
    name: str
    label_vi: str = ""
    label_en: str = ""
    source: str = "flatbed"        # one of JOB_SOURCES
    dpi: int = 300
    mode: str = "color"
    preset: str = "color_jpeg"
    width_mm: float | None = 210.0
    height_mm: float | None = 297.0
    pdfa: bool = False
    locked: bool = False

    def __post_init__(self) -> None:
        bad = None
        if self.source not in JOB_SOURCES:
            bad = ("source", self.source)
        elif self.mode not in MODES:
            bad = ("mode", self.mode)
        elif self.preset not in PRESETS:
            bad = ("preset", self.preset)
        if bad:
            raise ValidationError("scan_profile_bad",
                                  f"Hồ sơ quét “{self.name}”: giá trị {bad[0]}=“{bad[1]}” không hợp lệ.",
                                  f"Scan profile “{self.name}”: {bad[0]}=“{bad[1]}” is not valid.",
                                  profile=self.name, field=bad[0])

    def label(self, lang: str = "vi") -> str:
        return (self.label_en if lang.startswith("en") else self.label_vi) or self.name

    def adjusted(self, *, by_admin: bool = False, **changes: Any) -> Profile:
        """The profile with ``changes`` (None values ignored); a locked profile refuses any real
        change unless ``by_admin``."""
        changes = {k: v for k, v in changes.items() if v is not None and getattr(self, k) != v}
        if not changes:
            return self
        if self.locked and not by_admin:
            raise ProfileLocked(self.name, ", ".join(sorted(changes)))
        return replace(self, **changes)

    def settings(self, *, source: str | None = None, max_pages: int | None = None) -> ScanSettings:
        src = source or self.source
        return ScanSettings(source="feeder" if src == "manual_duplex" else src, dpi=self.dpi,
                            mode=self.mode, max_pages=max_pages, width_mm=self.width_mm,
                            height_mm=self.height_mm)


_FIELDS = {f.name for f in fields(Profile)}


def _parse(data: dict[str, Any], origin: str) -> dict[str, Profile]:
    out = {}
    for name, body in data.items():
        if not isinstance(body, dict):
            continue
        unknown = set(body) - _FIELDS
        if unknown:
            raise ValidationError("scan_profile_bad",
                                  f"{origin}: hồ sơ quét “{name}” có khóa lạ {sorted(unknown)}.",
                                  f"{origin}: scan profile “{name}” has unknown keys {sorted(unknown)}.",
                                  profile=name)
        out[name] = Profile(name=name, **body)
    return out


def load_profiles(admin_file: Path | None = None) -> dict[str, Profile]:
    """The built-in profiles, overridden by name by the administrator's TOML file if given."""
    profiles = _parse(tomllib.loads(DEFAULTS_FILE.read_text(encoding="utf-8")), DEFAULTS_FILE.name)
    if admin_file is not None and Path(admin_file).exists():
        try:
            data = tomllib.loads(Path(admin_file).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ValidationError("scan_profile_file_bad",
                                  f"Không đọc được {Path(admin_file).name}: {exc}",
                                  f"Cannot read {Path(admin_file).name}: {exc}") from None
        for name, prof in _parse(data, Path(admin_file).name).items():
            base = profiles.get(name)
            if base is not None:
                merged = {f: getattr(base, f) for f in _FIELDS} | {k: v for k, v in data[name].items()}
                prof = Profile(**merged)
            profiles[name] = prof
    return profiles


def get_profile(name: str, admin_file: Path | None = None) -> Profile:
    profiles = load_profiles(admin_file)
    try:
        return profiles[name]
    except KeyError:
        raise NotFoundError("scan_profile_unknown",
                            f"Không có hồ sơ quét “{name}” (có: {', '.join(profiles)}).",
                            f"No scan profile “{name}” (there are: {', '.join(profiles)}).",
                            profile=name) from None
