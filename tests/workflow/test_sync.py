"""Lifecycle changes reach the real reference back end through the outbox: each step is one
accepted dossier.update (versions chain), the stopped status and the lifecycle facts included."""
from __future__ import annotations

import json
import subprocess

from desk_app.domain.models import DossierStatus as S
from desk_app.services import open_desk
from desk_app.services.workflow import lifecycle as L
from tests.sync.conftest import backend, unit  # noqa: F401  (a real back end per module)
from tests.sync.harness import PASSWORD_ENV, env, outbox_states, receive
from tests.workflow.helpers import SUP, drive, result_file


def test_every_step_is_accepted_by_the_back_end(unit, desk_app_cmd, tmp_path) -> None:  # noqa: F811
    data, user = unit.desk(1)
    a, b = receive(data, 2)
    with open_desk(data, create=False) as ctx:
        drive(ctx, a, S.SUPPLEMENTED, tmp_path)          # supplement request + received
        L.handover(ctx, a, to="Cán bộ tư pháp", agency="Phòng Tư pháp", **SUP)
        L.result(ctx, a, file=result_file(tmp_path), **SUP)
        L.return_result(ctx, a, received_by="Nguyễn Văn Thử", **SUP)
        drive(ctx, b, S.STOPPED, tmp_path)
    acked = 0
    for _ in range(12):             # a pass sends what is ready; a dossier's next version waits
        with open_desk(data, create=False) as ctx:     # time moves on between passes: an item
            ctx.store.conn.execute(                    # backed off after a hand-over to the
                "UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00.000000Z'"  # upload
                " WHERE state = 'queued'")             # lane is due again at the next pass
        out = subprocess.run([*desk_app_cmd, "sync", "--data-dir", str(data), "--server",
                              unit.backend.url, "--once", "--json", "--server-user", user,
                              "--server-password-env", PASSWORD_ENV], capture_output=True,
                             text=True, timeout=180, env=env())
        assert out.returncode == 0, out.stderr
        report = [json.loads(line) for line in out.stdout.splitlines()][-1]
        assert report["ok"] is True, report
        acked += report["acked"]
        if outbox_states(data) == {"done": 9}:
            break
    assert outbox_states(data) == {"done": 9} and acked == 9
    server = {r["MaHoSo"]: r for r in unit.backend.export()["records"]
              if r["unit_code"] == unit.code}
    assert server[a]["version"] == 6 and server[a]["TrangThaiHoSo"] == 10
    assert server[a]["record"]["status"] == "returned"
    life = server[a]["record"]["extra"]["lifecycle"]
    assert [e["kind"] for e in life["events"]] == [
        "supplement_request", "supplement_received", "handover", "result", "return"]
    assert life["returned_to"] == "Nguyễn Văn Thử" and life["processing_agency"] == "Phòng Tư pháp"
    assert server[b]["TrangThaiHoSo"] == 8 and server[b]["record"]["status"] == "stopped"
    # the result document went up with its file, and the back end holds exactly those bytes
    docs = server[a]["record"]["DanhSachGiayToKetQua"]
    assert len(docs) == 1 and docs[0]["TepDinhKemId"]
    with open_desk(data, create=False) as ctx:
        local = ctx.store.blobs.read_bytes(docs[0]["TepDinhKemId"])
    held = [p for p in unit.backend.data_dir.rglob(docs[0]["TepDinhKemId"]) if p.is_file()]
    assert held and held[0].read_bytes() == local, held
