"""Export every record and attachment with hashes recomputed from disk (for audits and torture tests)."""
from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa

from .common import blob_path, sha256_file
from .db import Database, blobs, records


def export(db: Database, data_dir: Path) -> dict:
    """ok is False when a referenced attachment is missing or a file no longer hashes to its name."""
    with db.read() as conn:
        recs = conn.execute(sa.select(records).order_by(records.c.unit_code, records.c.id)).all()
        blob_rows = conn.execute(sa.select(blobs).order_by(blobs.c.unit_code, blobs.c.sha256)).all()
    checked: dict[tuple[str, str], dict] = {}
    for b in blob_rows:
        path = blob_path(data_dir, b.unit_code, b.sha256)
        on_disk, size = sha256_file(path) if path.exists() else (None, None)
        checked[(b.unit_code, b.sha256)] = {
            "unit_code": b.unit_code, "sha256": b.sha256, "size": int(b.size),
            "sha256_on_disk": on_disk, "size_on_disk": size,
            "ok": on_disk == b.sha256 and size == b.size}
    ok = all(c["ok"] for c in checked.values())
    out_records = []
    for r in recs:
        rec = json.loads(r.record_json)
        atts = []
        for a in rec.get("TaiLieuNop", []):
            c = checked.get((r.unit_code, a["TepDinhKemId"]))
            atts.append({"TepDinhKemId": a["TepDinhKemId"], "TenTepDinhKem": a.get("TenTepDinhKem"),
                         "KichThuoc": a.get("KichThuoc"),
                         "sha256_on_disk": c["sha256_on_disk"] if c else None,
                         "ok": bool(c and c["ok"] and c["size"] == a.get("KichThuoc"))})
        ok = ok and all(a["ok"] for a in atts)
        out_records.append({"record_id": r.record_id, "unit_code": r.unit_code, "MaHoSo": r.ma_ho_so,
                            "SoBienNhan": r.so_bien_nhan, "version": int(r.version),
                            "TrangThaiHoSo": int(r.trang_thai), "origin_desk": r.origin_desk,
                            "record": rec, "attachments": atts})
    return {"ok": ok, "records": out_records, "blobs": list(checked.values()),
            "counts": {"records": len(out_records), "blobs": len(checked)}}
