"""The portal side of the reference back end on its own: bad input to its commands (exit 2,
nothing stored) and the decision endpoint over HTTP (idempotent op_id, unit isolation)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from tests.online.conftest import pdf
from tests.sync.harness import PASSWORD, ROOT, env

pytestmark = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)


def token(unit, user: str) -> str:
    r = httpx.post(f"{unit.backend.url}/api/v1/auth/token", json={"username": user, "password": PASSWORD}, timeout=30)
    r.raise_for_status()
    return r.json()["access_token"]


def portal_rows(unit) -> int:
    from reference_backend.db import Database
    from reference_backend.portal import portal_dossiers

    db = Database(unit.backend.data_dir, unit.backend.database_url)
    try:
        db.create_all()
        with db.read() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(portal_dossiers)
                                .where(portal_dossiers.c.unit_code == unit.code)).scalar_one()
    finally:
        db.dispose()


def test_bad_input_to_the_portal_commands_stores_nothing(unit, tmp_path: Path) -> None:
    good = ["--unit", unit.code, "--procedure", "1.004873", "--applicant-id", "001090012345",
            "--applicant-name", "Đặng Thị Hương", "--filed-at", "2026-11-27T16:10"]
    txt = tmp_path / "ghi-chu.txt"
    txt.write_text("không phải PDF")
    cases = [
        (["--filed-at", "2026-11-31T10:00"], "không phải thời điểm ISO 8601"),
        (["--unit", "H48"], "Mã đơn vị không hợp lệ"),
        (["--procedure", "khai sinh"], "Mã thủ tục không hợp lệ"),
        (["--applicant-id", "abc"], "số định danh"),
        (["--file", str(txt)], "không phải PDF hay ảnh"),
        (["--file", str(tmp_path / "missing.pdf")], "Không tìm thấy tệp"),
    ]
    for override, message in cases:
        args = list(good)
        for i in range(0, len(override), 2):
            if override[i] in args:
                args[args.index(override[i]) + 1] = override[i + 1]
            else:
                args += override[i:i + 2]
        p = unit.portal("file-online", *args, ok=2)
        assert message in p.stderr, (override, p.stderr)
    assert portal_rows(unit) == 0
    assert "Không có hồ sơ trực tuyến" in unit.portal("online-status", "DVC-20261127-00000000", ok=2).stderr
    assert "Không tìm thấy" in unit.portal("province-result", "--code", f"{unit.code}-261127-0001",
                                           "--status", "9", ok=2).stderr
    assert "Mã trạng thái" in unit.portal("province-result", "--code", "x", "--status", "11", ok=2).stderr


def test_decision_endpoint_is_idempotent_and_unit_scoped(unit, tmp_path: Path) -> None:
    unit.desk(1)
    user = f"u{unit.code.replace('.', '')}-d1"
    pid = unit.file_online(files=[pdf(tmp_path / "a.pdf")])
    url = f"{unit.backend.url}/api/v1/online/{pid}/decision"
    h = {"Authorization": f"Bearer {token(unit, user)}"}
    body = {"op_id": "op-1", "decision": "supplement", "reason": "Thiếu tờ khai", "clerk": "Hoa", "at": ""}
    with httpx.Client(timeout=30) as c:
        assert c.post(url, json={**body, "decision": "approve"}, headers=h).status_code == 400
        assert c.post(url, json={**body, "reason": ""}, headers=h).status_code == 400
        assert c.post(url, json={**body, "extra": 1}, headers=h).status_code == 400
        assert c.post(url, json=body).status_code == 401
        r404 = c.post(f"{unit.backend.url}/api/v1/online/DVC-20261127-00000000/decision", json=body, headers=h)
        assert r404.status_code == 404 and r404.json()["error"]["code"] == "online_not_found"
        first = c.post(url, json=body, headers=h)
        assert first.status_code == 200 and first.json()["status"] == "accepted"
        again = c.post(url, json=body, headers=h)
        assert again.status_code == 200 and again.json()["status"] == "replayed"
        assert again.json()["version"] == first.json()["version"]
        other = c.post(url, json={**body, "reason": "Lý do khác"}, headers=h)
        assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency_mismatch"
        refuse = c.post(url, json={**body, "op_id": "op-2", "decision": "refuse"}, headers=h)
        assert refuse.status_code == 200
        late = c.post(url, json={**body, "op_id": "op-3"}, headers=h)
        assert late.status_code == 409 and late.json()["error"]["code"] == "online_already_decided"
        seen = c.get(f"{unit.backend.url}/api/v1/online/{pid}", headers=h)
        assert seen.status_code == 200 and seen.json()["state"] == "refused"
        # another unit's desk neither sees nor decides it
        stranger_unit = unit.code.replace(".33.", ".34.")
        stranger = f"s{stranger_unit.replace('.', '')}-d1"
        unit.backend.add_desk(stranger, 1, unit=stranger_unit)
        hs = {"Authorization": f"Bearer {token(unit, stranger)}"}
        assert c.get(f"{unit.backend.url}/api/v1/online/{pid}", headers=hs).status_code == 404
        assert c.post(url, json={**body, "op_id": "op-9"}, headers=hs).status_code == 404
    st = unit.online_status(pid)
    assert [e["kind"] for e in st["events"]] == ["filed", "supplement_requested", "refused"]
    assert [e["op_id"] for e in st["events"]] == [None, "op-1", "op-2"]
