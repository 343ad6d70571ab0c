"""The real jobs on the protocol: admin.verify.run and admin.demo.generate_dossiers."""
from __future__ import annotations

import pytest

from desk_app.jobs import Cancelled, CancelToken, Progress
from desk_app.services import intake
from desk_app.services.admin import verify as verify_svc
from desk_app.services.admin.demo import generate_dossiers
from offline_store import repo
from offline_store import verify as store_verify
from tests.services.deskutil import request


def test_verify_reports_each_check_and_every_n_blobs(ctx, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(store_verify, "BLOB_REPORT_EVERY", 2)   # 200 in production
    files = []
    for i in range(5):
        f = tmp_path / f"scan{i}.pdf"
        f.write_bytes(b"%PDF-1.4 scan " + bytes([i]) * 300)
        files.append((f, 1))
    intake.receive(ctx, request("1.004873", attachments=files))
    seen: list[Progress] = []
    rep = verify_svc.run(ctx, progress=seen.append)
    assert rep.ok
    checks = [p for p in seen if p.step == "verify.check"]
    n = len(store_verify.CHECKS)      # 8 since the keyed seals (issue 17)
    assert [p.done for p in checks] == list(range(n)) and {p.total for p in checks} == {n}
    assert f"Đang kiểm tra tệp đính kèm (3/{n})" in [p.vi for p in checks]
    blobs = [(p.done, p.total) for p in seen if p.step == "verify.blobs"]
    assert blobs == [(2, 5), (4, 5), (5, 5)]
    assert seen[-1].step == "verify.done" and seen[-1].done == seen[-1].total == n
    # without blobs: one check fewer, no blob events
    seen.clear()
    verify_svc.run(ctx, blobs=False, progress=seen.append)
    assert {p.total for p in seen if p.step == "verify.check"} == {n - 1}
    assert not [p for p in seen if p.step == "verify.blobs"]


def test_verify_cancelled_between_checks(ctx) -> None:
    token = CancelToken()
    seen: list[str] = []

    def progress(p: Progress) -> None:
        seen.append(p.vi)
        if len(seen) == 2:
            token.cancel()

    with pytest.raises(Cancelled) as info:
        verify_svc.run(ctx, progress=progress, cancel=token)
    assert len(seen) == 2 and info.value.details["step"] == "verify.check"


def test_generate_dossiers_cancel_leaves_whole_batches(ctx) -> None:
    token = CancelToken()
    seen: list[Progress] = []

    def progress(p: Progress) -> None:
        seen.append(p)
        if p.done >= 40:
            token.cancel()                     # asked while batch 3 would start

    with pytest.raises(Cancelled) as info:
        generate_dossiers(ctx, 200, batch=20, progress=progress, cancel=token)
    n = repo.count_dossiers(ctx.store.conn)
    assert n == 40 == info.value.details["done"]
    assert [p.done for p in seen] == [0, 20, 40] and {p.total for p in seen} == {200}
    assert seen[-1].vi == "Đã tạo 40/200 hồ sơ mẫu"
    assert verify_svc.run(ctx).ok


def test_generate_dossiers_old_signature_still_works(ctx) -> None:
    assert generate_dossiers(ctx, 30, batch=7) == 30
    assert repo.count_dossiers(ctx.store.conn) == 30
    assert verify_svc.run(ctx).ok
