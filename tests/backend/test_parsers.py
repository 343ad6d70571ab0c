"""Fuzz the header parsers the tus endpoints rely on (hypothesis)."""
from __future__ import annotations

import base64
import binascii
import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reference_backend.common import ApiError
from reference_backend.uploads import parse_checksum, parse_metadata

keys = st.from_regex(r"[A-Za-z0-9_.\-]{1,20}", fullmatch=True)


@given(st.dictionaries(keys, st.text(max_size=50), max_size=6))
def test_metadata_round_trip(meta: dict[str, str]) -> None:
    raw = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" if v else k for k, v in meta.items())
    assert parse_metadata(raw) == meta


@given(st.text(max_size=200))
def test_metadata_garbage_fails_cleanly(raw: str) -> None:
    try:
        out = parse_metadata(raw)
    except (ValueError, UnicodeError, binascii.Error):
        return
    assert isinstance(out, dict)


@given(st.binary(max_size=64))
def test_checksum_header(chunk: bytes) -> None:
    digest = hashlib.sha256(chunk).digest()
    assert parse_checksum("sha256 " + base64.b64encode(digest).decode()) == digest


@given(st.text(max_size=100))
def test_checksum_garbage_is_a_400(raw: str) -> None:
    try:
        out = parse_checksum(raw)
    except ApiError as e:
        assert e.status == 400
        return
    assert out is not None and len(out) == 32


def test_duplicate_metadata_key_refused() -> None:
    with pytest.raises(ValueError):
        parse_metadata("a YQ==,a Yg==")
