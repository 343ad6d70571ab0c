"""Where the PKCS#11 modules of the usual Vietnamese CAs and government tokens are installed.

The module's bitness must match the process (a 64-bit desk_app loads only 64-bit DLLs). On 64-bit
Windows, ``System32`` holds the 64-bit DLLs and ``SysWOW64`` the 32-bit ones; a 32-bit process sees
``SysWOW64`` *as* System32 (file-system redirection), and ``Sysnative`` reaches the real one. The
list is also in docs/signing.md; a province adds entries with the ``token_module`` setting.
"""
from __future__ import annotations

import os
import struct
import sys
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath

__all__ = ["KNOWN_MODULES", "Candidate", "ModuleSpec", "candidates", "detect", "process_bits"]


@dataclass(frozen=True)
class ModuleSpec:
    vendor: str
    windows: tuple[str, ...] = ()        # file names (glob patterns) in System32/SysWOW64
    linux: tuple[str, ...] = ()          # absolute paths (glob patterns)
    macos: tuple[str, ...] = ()


KNOWN_MODULES: tuple[ModuleSpec, ...] = (
    ModuleSpec("VNPT-CA", ("vnptca_p11_v*.dll", "VNPT-CA_v34.dll", "vnpt-ca_csp11.dll"),
               ("/usr/lib/vnptca/libvnptca_p11*.so", "/usr/lib/libvnptca_p11*.so"),
               ("/Library/VNPT-CA/libvnptca_p11*.dylib",)),
    ModuleSpec("Viettel-CA", ("viettel-ca_v*.dll",), ("/usr/lib/viettel-ca_v*.so",),
               ("/usr/local/lib/viettel-ca_v6.dylib", "/Library/Viettel-CA/viettel-ca_v6.dylib")),
    ModuleSpec("BKAV-CA", ("BkavCA*.dll", "st3csp11.dll"), ("/usr/lib/libBkavCA*.so",)),
    ModuleSpec("FPT-CA", ("fptca_v*.dll",), ("/usr/lib/fptca_v4.so", "/usr/lib/fptca_v*.so")),
    ModuleSpec("MISA-CA", ("misaca_csp11_v2.dll",), ("/usr/lib/libmisaca*.so",)),
    ModuleSpec("CA2 / Nacencomm", ("CA2_csp11.dll", "nca_v*.dll"), ("/usr/lib/libnca*.so",)),
    ModuleSpec("Ban Cơ yếu Chính phủ (VGCA Token, Bit4id)", ("bit4xpki.dll", "bit4ipki.dll"),
               ("/usr/lib/libbit4xpki.so", "/usr/lib/bit4id/libbit4xpki.so",
                "/usr/local/lib/libbit4xpki.so"), ("/usr/local/lib/bit4id/libbit4xpki.dylib",)),
    ModuleSpec("SafeNet eToken", ("eTPKCS11.dll",), ("/usr/lib/libeTPkcs11.so",
                                                      "/usr/lib64/libeTPkcs11.so"),
               ("/usr/local/lib/libeTPkcs11.dylib",)),
    ModuleSpec("Feitian ePass2003", ("eps2003csp11.dll",), ("/usr/lib/libcastle.so.1.0.0",
                                                             "/usr/lib/libcastle.so*")),
    ModuleSpec("WatchData", ("wdpkcs.dll",), ("/usr/lib/libwdpkcs*.so",)),
    ModuleSpec("OpenSC", ("opensc-pkcs11.dll",),
               ("/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so", "/usr/lib/opensc-pkcs11.so"),
               ("/Library/OpenSC/lib/opensc-pkcs11.so",)),
)


def process_bits() -> int:
    return struct.calcsize("P") * 8


@dataclass(frozen=True)
class Candidate:
    vendor: str
    path: str
    bits: int | None      # the module's bitness when the folder tells it (Windows), else None
    matches_process: bool | None


def _windows_dirs() -> list[tuple[PureWindowsPath, int]]:
    root = PureWindowsPath(os.environ.get("SystemRoot", r"C:\Windows"))
    if process_bits() == 64:
        return [(root / "System32", 64), (root / "SysWOW64", 32)]
    # a 32-bit process: System32 is redirected to SysWOW64; Sysnative is the real System32
    return [(root / "System32", 32), (root / "Sysnative", 64)]


def candidates(platform: str | None = None) -> list[tuple[str, str, int | None]]:
    """Every (vendor, path-or-pattern, bits) this platform could hold, whether installed or not."""
    platform = platform or sys.platform
    out: list[tuple[str, str, int | None]] = []
    for spec in KNOWN_MODULES:
        if platform.startswith("win"):
            for folder, bits in _windows_dirs():
                out += [(spec.vendor, str(folder / name), bits) for name in spec.windows]
        elif platform == "darwin":
            out += [(spec.vendor, p, None) for p in spec.macos]
        else:
            out += [(spec.vendor, p, None) for p in spec.linux]
    return out


def detect(platform: str | None = None) -> list[Candidate]:
    """The modules installed on this computer (the ones of the wrong bitness are listed too, marked,
    so the face can say why a token's software is not usable)."""
    found: list[Candidate] = []
    seen: set[str] = set()
    me = process_bits()
    for vendor, pattern, bits in candidates(platform):
        p = Path(pattern)
        try:
            paths = sorted(p.parent.glob(p.name)) if any(c in p.name for c in "*?[") else [p]
        except OSError:
            continue
        for path in paths:
            key = str(path).lower()
            if key in seen or not path.is_file():
                continue
            seen.add(key)
            found.append(Candidate(vendor, str(path), bits, None if bits is None else bits == me))
    return found
