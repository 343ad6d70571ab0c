"""POST/GET /api/v1/certbook on the real reference back end: an entry is recorded once (replay by
op_id), a number a unit already holds is never taken twice, the province never renumbers."""
from __future__ import annotations

import httpx
import pytest

from tests.online.conftest import PASSWORD, backend, unit  # noqa: F401  (fixtures)
from tests.support.pg import pg_cluster  # noqa: F401  (fixture)

pytestmark = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)

ENTRY = {"op_id": "certbook:U:01:2026:1", "SoQuyen": "01", "Nam": 2026, "So": 1,
         "Loai": "SCT/BS", "NgayChungThuc": "2026-12-02T10:00:00+07:00", "Quay": "U#1",
         "NguoiChungThuc": "Nguyễn Văn Bình", "TenGiayTo": "Giấy khai sinh",
         "NguoiYeuCau": "Trần Văn An", "SoTrang": 3, "SoBan": 1, "LePhi": 5000,
         "TepDinhKemId": "ab" * 32, "MaHoSo": None}


def _client(unit, user):
    c = httpx.Client(base_url=unit.backend.url, timeout=30)
    tok = c.post("/api/v1/auth/token", json={"username": user, "password": PASSWORD})
    tok.raise_for_status()
    c.headers["Authorization"] = f"Bearer {tok.json()['access_token']}"
    return c


def test_entries_are_recorded_once_and_never_renumbered(unit):
    _, user = unit.desk(1)
    c = _client(unit, user)
    try:
        r = c.post("/api/v1/certbook", json=ENTRY)
        assert r.status_code == 200 and r.json()["status"] == "accepted", r.text
        r = c.post("/api/v1/certbook", json=ENTRY)
        assert r.status_code == 200 and r.json()["status"] == "replayed"
        r = c.post("/api/v1/certbook", json={**ENTRY, "NguoiYeuCau": "Người khác"})
        assert r.status_code == 409 and r.json()["error"]["code"] == "idempotency_mismatch"
        r = c.post("/api/v1/certbook", json={**ENTRY, "op_id": "certbook:U:01:2026:1-bis"})
        assert r.status_code == 409 and r.json()["error"]["code"] == "certbook_number_taken"
        for bad in ({**ENTRY, "So": 0}, {**ENTRY, "SoQuyen": "A1"}, {**ENTRY, "la": 1},
                    {**ENTRY, "SoTrang": True}, [ENTRY]):
            r = c.post("/api/v1/certbook", json=bad)
            assert r.status_code == 400, (bad, r.text)
        r = c.post("/api/v1/certbook", json={**ENTRY, "op_id": "certbook:U:01:2027:1",
                                             "Nam": 2027})
        assert r.status_code == 200
        got = c.get("/api/v1/certbook").json()["entries"]
        assert [(e["SoQuyen"], e["Nam"], e["So"]) for e in got] == [("01", 2026, 1),
                                                                    ("01", 2027, 1)]
        assert [e["Nam"] for e in c.get("/api/v1/certbook", params={"year": "2027"})
                .json()["entries"]] == [2027]
        assert c.get("/api/v1/certbook", params={"year": "20x6"}).status_code == 400
    finally:
        c.close()
    other = unit.backend                                       # another unit sees nothing
    from tests.online.conftest import Unit
    u2 = Unit(code="000.99.33.H48", backend=other, root=unit.root / "u2")
    _, user2 = u2.desk(1)
    c2 = _client(u2, user2)
    try:
        assert c2.get("/api/v1/certbook").json()["entries"] == []
    finally:
        c2.close()
