"""Issue 17, point 6: bad input meets a wall — a clear message (exit 2), nothing stored."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import time
import unicodedata
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from desk_app.domain.errors import DeskError, ValidationError
from desk_app.domain.models import Applicant
from desk_app.domain.text import sanitize
from desk_app.services import intake
from desk_app.services.admin import settings as desk_settings
from offline_store import Store
from tests.services.deskutil import MINI_CATALOG, PEOPLE, UNIT, VN, dump, request

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n"


def _req(**applicant):
    req = request(received_at=datetime(2026, 11, 10, 9, 0, tzinfo=VN))
    if applicant:
        idn, name, birth, sex, phone = PEOPLE[0]
        base = dict(id_number=idn, full_name=name, birth_date=birth, sex=sex, phone=phone)
        req.applicant = Applicant(**{**base, **applicant})
    return req


def _refused(ctx, req, field: str | None = None) -> ValidationError:
    before = dump(ctx.data_dir)
    with pytest.raises(ValidationError) as e:
        intake.receive(ctx, req)
    assert dump(ctx.data_dir) == before, "a refused intake changed the store"
    assert len(e.value.vi) < 600 and len(e.value.en) < 600     # never the whole input echoed
    if field is not None:
        fields = [p["field"] for p in e.value.details.get("problems", [])] or [
            e.value.details.get("field")]
        assert field in fields, fields
    return e.value


@pytest.mark.parametrize("name", [
    "\u200b\u200c\u200d\ufeff",            # only zero-width characters
    "\u0301\u0303\u0309",                  # only combining marks
    "An \u0301\u0301\u0301\u0301",         # stacked marks ("zalgo")
    "\u202eNguyễn Văn An",                 # right-to-left override
    "Nguyễn \x1b[31mVăn\x1b[0m An",         # ANSI escape
    "Nguyễn\x00Văn An",                    # NUL through the services API
    "A" * 101,
])
def test_bad_names_are_refused(ctx, name: str) -> None:
    _refused(ctx, _req(full_name=name), "applicant.full_name")


def test_invisible_characters_inside_a_real_name_are_removed(ctx) -> None:
    d = intake.receive(ctx, _req(full_name="Nguyễn\u200b Văn\u00ad An\ufeff"))
    assert d.applicant.full_name == "Nguyễn Văn An"


@pytest.mark.parametrize("field,value", [
    ("address", "x" * 40_000), ("email", "a" * 100_000 + "@x.vn"), ("phone", "0" * 16),
    ("address", "Thôn \u202eĐông"), ("old_id_number", "1\x00"),
])
def test_long_or_hostile_applicant_fields(ctx, field: str, value: str) -> None:
    _refused(ctx, _req(**{field: value}), f"applicant.{field}")


@pytest.mark.parametrize("attr,value,field", [
    ("clerk", "c" * 100_000, "clerk"), ("request_id", "r" * 100_000, "request_id"),
    ("on_behalf_of", "o" * 201, "on_behalf_of"), ("delivery_address", "\x07bell", "delivery_address"),
])
def test_long_or_hostile_request_fields(ctx, attr: str, value: str, field: str) -> None:
    req = _req()
    setattr(req, attr, value)
    _refused(ctx, req, field)


def test_refusal_reason_is_capped_and_keeps_lines(ctx) -> None:
    with pytest.raises(ValidationError):
        intake.refuse(ctx, _req(), "r" * 2001)
    d = intake.refuse(ctx, _req(), "Thiếu giấy chứng sinh.\r\nThiếu tờ khai.")
    assert d.note == "Thiếu giấy chứng sinh.\nThiếu tờ khai."


def test_attachments_are_sniffed_by_content(ctx, tmp_path: Path) -> None:
    txt = tmp_path / "scan.pdf"
    txt.write_text("#!/bin/sh\necho not a pdf\n")
    _refused(ctx, _with(_req(), txt), "attachments")
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    e = _refused(ctx, _with(_req(), empty), "attachments")
    assert "0" in e.en
    jpeg = tmp_path / "photo.dat"
    jpeg.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 100)
    d = intake.receive(ctx, _with(_req(), jpeg))
    assert d.attachments[0].mime == "image/jpeg"


@pytest.mark.skipif(os.name != "posix", reason="symbolic links need POSIX rights here")
def test_a_symlink_is_never_followed(ctx, tmp_path: Path) -> None:
    target = tmp_path / "secret.pdf"
    target.write_bytes(PDF + b"secret")
    link = tmp_path / "link.pdf"
    link.symlink_to(target)
    _refused(ctx, _with(_req(), link), "attachments")
    shadow = tmp_path / "shadow.pdf"
    shadow.symlink_to("/etc/shadow")
    _refused(ctx, _with(_req(), shadow), "attachments")


def test_size_cap_comes_from_settings(ctx, tmp_path: Path) -> None:
    desk_settings.update(ctx, attachment_max_mb="1")
    ctx.reload() if hasattr(ctx, "reload") else ctx.settings.update(attachment_max_mb="1")
    big = tmp_path / "big.pdf"
    big.write_bytes(PDF + b"0" * (1024 * 1024))
    e = _refused(ctx, _with(_req(), big), "attachments")
    assert "1 MB" in e.en
    with pytest.raises(ValidationError):
        desk_settings.update(ctx, attachment_max_mb="0")


def _with(req, path: Path):
    req.attachments = [(path, None)]
    return req


def test_leftover_temp_blobs_are_removed_at_open(tmp_path: Path) -> None:
    s = Store.open(tmp_path)
    old = s.blobs.root / "tmp" / "put-killed"
    old.write_bytes(b"x" * 1000)
    past = time.time() - 3600
    os.utime(old, (past, past))
    running = s.blobs.root / "tmp" / "put-running"      # another process is writing it now
    running.write_bytes(b"y")
    s.close()
    Store.open(tmp_path).close()
    assert not old.exists() and running.exists()


def test_a_failed_commit_removes_the_blob_it_wrote(ctx, tmp_path: Path, monkeypatch) -> None:
    from offline_store import repo

    f = tmp_path / "s.pdf"
    f.write_bytes(PDF + b"unique content 42")

    def broken(*a, **k):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(repo, "insert_event", broken)
    with pytest.raises(DeskError) as e:
        intake.receive(ctx, _with(_req(), f))
    assert e.value.exit_code == 1
    assert ctx.store.blobs.all() == [] or all(
        ctx.store.conn.execute("SELECT 1 FROM attachments WHERE sha256 = ?", (s,)).fetchone()
        for s in ctx.store.blobs.all())
    assert list((ctx.store.blobs.root / "tmp").iterdir()) == []


# --------------------------------------------------------------------------- hypothesis

_TEXT = st.text(st.characters(codec="utf-8"), max_size=60) | st.sampled_from([
    "\u202e", "\x1b[2J", "\x00", "\u200b" * 3, "\u0301" * 4, "A" * 400, "Nguyễn Văn An",
    "e\u0301", "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace")])
_FIELDS = ["full_name", "address", "phone", "email", "old_id_number", "sex",
           "on_behalf_of", "delivery_address", "clerk", "request_id", "component", "reason"]


def _stored_text_is_clean(conn) -> None:
    for table, cols in (("dossiers", ("applicant_name", "applicant_address", "applicant_phone",
                                      "applicant_email", "on_behalf_of", "delivery_address",
                                      "clerk", "note", "applicant_sex",
                                      "applicant_old_id_number")),
                        ("dossier_components", ("name",)), ("intake_requests", ("request_id",)),
                        ("applicants", ("full_name", "address", "email", "phone"))):
        for row in conn.execute(f"SELECT {', '.join(cols)} FROM {table}"):
            for v in row:
                if isinstance(v, str):
                    assert unicodedata.is_normalized("NFC", v), (table, v)
                    assert not any(unicodedata.category(c) == "Cc" and c != "\n" for c in v), v


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(field=st.sampled_from(_FIELDS), value=_TEXT)
def test_any_text_in_any_field_is_stored_clean_or_refused(ctx, field: str, value: str) -> None:
    req = _req()
    if field in ("full_name", "address", "phone", "email", "old_id_number", "sex"):
        a = req.applicant
        req.applicant = Applicant(**{**a.__dict__, field: value})
    elif field == "component":
        req.components = [type(req.components[0])(1, value, req.components[0].form, 1),
                          req.components[1]]
    elif field != "reason":
        setattr(req, field, value)
    try:
        if field == "reason":
            intake.refuse(ctx, req, value)
        else:
            intake.receive(ctx, req)
    except ValidationError as e:
        assert e.exit_code == 2 and len(e.vi) < 800
    _stored_text_is_clean(ctx.store.conn)


def test_sanitize_is_idempotent_on_what_it_returns() -> None:
    for s in ("Nguyễn  Văn\tAn", "Ngue\u0302\u0303n", "a\u200bb"):
        once = sanitize(s, field="f", max_len=100)
        assert sanitize(once, field="f", max_len=100) == once


# --------------------------------------------------------------------------- CLI

@pytest.fixture(scope="module")
def cli_desk(tmp_path_factory, desk_app_cmd) -> Path:
    d = tmp_path_factory.mktemp("cli") / "desk"
    subprocess.run([*desk_app_cmd, "init", "--data-dir", str(d), "--unit", UNIT, "--catalog",
                    str(MINI_CATALOG)], check=True, capture_output=True, timeout=120)
    return d


@pytest.mark.parametrize("args", [
    ["dossier", "add", "--procedure", "1.004873", "--applicant-id", PEOPLE[0][0],
     "--applicant-name", "An", "--received-at", "0001-01-01T00:00"],
    ["dossier", "add", "--procedure", "1.004873", "--applicant-id", PEOPLE[0][0],
     "--applicant-name", "An", "--birth-date", "0001-01-01"],
    ["dossier", "list", "--limit", "1e30"],
    ["dossier", "list", "--limit", "1" + "0" * 30],
    ["dossier", "list", "--offset", "1" + "0" * 30],
    ["search", "x", "--limit", "1" + "0" * 30],
    ["calendar", "due", "--received-at", "9999-12-31T10:00", "--days", "5"],
    ["dossier", "add", "--procedure", "1.004873", "--applicant-id", PEOPLE[0][0],
     "--applicant-name", "\x1b[31mAn", "--address", "x" * 40_000],
])
def test_cli_extreme_input_is_exit_2(desk_app_cmd, cli_desk: Path, args: list[str]) -> None:
    if args[0] != "calendar":
        args = [*args[:2], "--data-dir", str(cli_desk), *args[2:]] if args[0] == "dossier" else [
            args[0], "--data-dir", str(cli_desk), *args[1:]]
    p = subprocess.run([*desk_app_cmd, *args], capture_output=True, text=True, timeout=120)
    assert p.returncode == 2, (p.stdout[-500:], p.stderr[-500:])
    assert "Traceback" not in p.stderr and len(p.stderr) < 2000
    assert "\x1b" not in p.stderr + p.stdout


_CLI_FIELDS = ["--applicant-name", "--address", "--phone", "--email", "--clerk",
               "--request-id", "--sex"]


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(option=st.sampled_from(_CLI_FIELDS),
       value=st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40))
def test_cli_any_text_exits_0_or_2(desk_app_cmd, cli_desk: Path, option: str, value: str) -> None:
    base = {"--applicant-name": PEOPLE[0][1]}
    base[option] = value
    args = [*desk_app_cmd, "dossier", "add", "--data-dir", str(cli_desk), "--procedure",
            "1.004873", "--applicant-id", PEOPLE[0][0], "--received-at", "2026-11-10T09:00"]
    for k, v in base.items():
        args += [f"{k}={v}"]
    p = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert p.returncode in (0, 2), (option, value, p.stderr[-800:])
    assert "Traceback" not in p.stderr
    con = sqlite3.connect(cli_desk / "desk.sqlite3")
    try:
        _stored_text_is_clean(con)
    finally:
        con.close()
