"""What a file is, from its first bytes (never from its name: copiers and phones lie)."""
from __future__ import annotations

__all__ = ["IMAGE_KINDS", "sniff_kind"]

IMAGE_KINDS = ("jpeg", "png", "tiff", "bmp", "gif", "webp", "heic")
_MAGIC = ((b"%PDF-", "pdf"), (b"\xff\xd8\xff", "jpeg"), (b"\x89PNG\r\n\x1a\n", "png"),
          (b"II*\x00", "tiff"), (b"MM\x00*", "tiff"), (b"BM", "bmp"), (b"GIF8", "gif"))


def sniff_kind(head: bytes) -> str | None:
    """"pdf", "jpeg", "png", "tiff", "bmp", "gif", "webp", "heic" or None (not ours)."""
    if head[:1024].find(b"%PDF-") != -1:
        return "pdf"
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        return "heic"
    return None
