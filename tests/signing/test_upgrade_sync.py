"""A document signed offline (PAdES B-B) is upgraded through the sync queue: the deferred item
waits while the time-stamp service does not answer, then the sync adds the validation data and a
document time-stamp (incremental: the signature untouched), stores the upgraded version and sends
it to the province. Real reference back end, SoftHSM2 token, test PKI, pdfsig."""
from __future__ import annotations

import json

from desk_app.services import open_desk
from desk_app.services.signing import current_files, file_versions, sign_dossier_files
from desk_app.signing.validate import exit_code, validate_pdf
from offline_store import repo
from tests.online.conftest import backend, unit  # noqa: F401  (fixtures)
from tests.online.test_online_flow import sync
from tests.signing.conftest import FixedPin
from tests.signing.desks import signing_desk, with_results


def _items(data, kind):
    with open_desk(data, create=False) as ctx:
        return [tuple(r) for r in ctx.store.conn.execute(
            "SELECT state, last_error FROM outbox WHERE kind = ? ORDER BY id", (kind,))]


def _due_now(data):
    with open_desk(data, create=False) as ctx:
        ctx.store.conn.execute("UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00.000000Z'"
                               " WHERE state = 'queued'")


def _set_tsa(data, url):
    with open_desk(data, create=False) as ctx, ctx.store.transaction() as conn:
        repo.set_setting(conn, "signing_tsa_url", url)


def test_offline_signature_is_upgraded_by_the_sync_and_sent(unit, officer_cfg, pki, trust,
                                                            pdfsig, tmp_path):
    data, user = unit.desk(1)
    signing_desk(data, pki, make=False)
    [code] = with_results(data, 1)
    _set_tsa(data, "http://127.0.0.1:9/tsa")              # the TSA does not answer yet
    with open_desk(data, create=False) as ctx:
        rep = sign_dossier_files(ctx, [code], token=officer_cfg, handler=FixedPin(),
                                 actor="binh")
        [signed] = rep.signed
        assert signed.level == "B-B" and signed.needs_upgrade
        with ctx.store.blobs.open(signed.sha256) as f:
            offline_bytes = f.read()
    sync(data, unit, user)
    [(state, error)] = _items(data, "deferred.sign_upgrade")
    assert state == "queued" and error, "retried later, not given up"
    with open_desk(data, create=False) as ctx:
        assert current_files(ctx, code)[0].sha256 == signed.sha256       # still the B-B one

    _set_tsa(data, pki.tsa_url)                            # the TSA is reachable now
    _due_now(data)
    sync(data, unit, user)
    assert [s for s, _ in _items(data, "deferred.sign_upgrade")] == ["done"]
    _due_now(data)
    sync(data, unit, user)                                 # the dossier.update with the new file
    with open_desk(data, create=False) as ctx:
        results = [v for v in file_versions(ctx, code) if v.kind == "result"]
        assert [(v.version, v.signed_level, v.current) for v in results] == \
            [(1, "", False), (2, "B-B", False), (3, "B-LTA", True)]
        up = results[-1]
        path = tmp_path / "upgraded.pdf"
        with ctx.store.blobs.open(up.sha256) as f:
            path.write_bytes(f.read())
        assert ctx.store.conn.execute(
            "SELECT count(*) FROM outbox WHERE state != 'done' AND lane != 'deferred'"
        ).fetchone()[0] == 0
    data_bytes = path.read_bytes()
    assert data_bytes.startswith(offline_bytes)            # incremental: the signature untouched
    report = validate_pdf(path, trust)                     # offline: the embedded data only
    sig = report.signatures[0]
    assert sig.level in ("B-LT", "B-LTA") and sig.revocation == "good" and sig.intact
    assert exit_code(report) == 0
    out = pdfsig(path)
    assert "Signature is Valid." in out and "Certificate is Trusted." in out, out
    # the province holds the upgraded version as the dossier's result
    recs = [r for r in unit.backend.export()["records"] if r["record"]["MaHoSo"] == code]
    [rec] = recs
    assert [d["TepDinhKemId"] for d in rec["record"]["DanhSachGiayToKetQua"]] == [up.sha256]
