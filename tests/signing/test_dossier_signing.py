"""Signed files replace the unsigned ones in their dossiers as new versions (the old kept); the
signed version is what syncs and what the citizen receives. Real SoftHSM2 token, test PKI,
pdfsig."""
from __future__ import annotations

import json

import pytest

from desk_app.domain.models import Role
from desk_app.services import open_desk
from desk_app.services.registry import REGISTRY, allowed
from desk_app.services.signing import current_files, file_versions, sign_dossier_files
from desk_app.signing import batch as B
from desk_app.signing.token import on_token
from desk_app.signing.validate import exit_code, validate_pdf
from tests.signing.conftest import FixedPin
from tests.signing.desks import signing_desk, with_results


def _updates(ctx, code):
    return [json.loads(r[0]) for r in ctx.store.conn.execute(
        "SELECT o.payload_json FROM outbox o JOIN dossiers d ON d.id = o.dossier_id"
        " WHERE d.code = ? AND o.kind = 'dossier.update' ORDER BY o.id", (code,))]


def _blob_file(ctx, sha, tmp_path):
    p = tmp_path / f"{sha[:12]}.pdf"
    with ctx.store.blobs.open(sha) as f:
        p.write_bytes(f.read())
    return p


def test_signed_results_become_new_versions_and_are_what_syncs(officer_cfg, pki, trust, cache,
                                                               pdfsig, tmp_path):
    data = signing_desk(tmp_path / "desk", pki)
    codes = with_results(data, 3)
    with open_desk(data, create=False) as ctx:
        before = {c: current_files(ctx, c)[0] for c in codes}
        events, pin = [], FixedPin()
        rep = sign_dossier_files(ctx, codes, token=officer_cfg, handler=pin, actor="binh",
                                 tsa=pki.tsa_url, progress=events.append)
        assert rep.complete and len(rep.signed) == 3 and len(pin.requests) == 1
        assert {s.level for s in rep.signed} == {"B-LT"} and not any(s.needs_upgrade
                                                                     for s in rep.signed)
        assert events[-1].done == events[-1].total == 3
        for code in codes:
            versions = file_versions(ctx, code)
            results = [v for v in versions if v.kind == "result"]
            assert [(v.version, v.current, v.signed_level) for v in results] == \
                [(1, False, ""), (2, True, "B-LT")]
            old, new = results
            assert old.sha256 == before[code].sha256 and new.supersedes == old.id
            assert [f.sha256 for f in current_files(ctx, code)] == [new.sha256]
            sent = _updates(ctx, code)[-1]                      # what the province receives
            shas = [d["TepDinhKemId"] for d in sent["DanhSachGiayToKetQua"]]
            assert shas == [new.sha256]
            assert [f["sha256"] for f in sent["extra"]["lifecycle"]["result_files"]] == [new.sha256]
            pdf = _blob_file(ctx, new.sha256, tmp_path)
            assert exit_code(validate_pdf(pdf, trust, cache)) == 0
            out = pdfsig(pdf)
            assert "Signature is Valid" in out and "Certificate is Trusted" in out, out
            assert "ETSI.CAdES.detached" in out
        assert ctx.store.conn.execute("SELECT count(*) FROM outbox WHERE kind ="
                                      " 'deferred.sign_upgrade'").fetchone()[0] == 0
        n_audit = ctx.store.conn.execute("SELECT count(*) FROM audit_log WHERE action ="
                                         " 'attachment.signed'").fetchone()[0]
        assert n_audit == 3
        # a signed version cannot be signed again through its old id
        from desk_app.domain.errors import ValidationError

        with pytest.raises(ValidationError) as ei:
            sign_dossier_files(ctx, [before[codes[0]].id], token=officer_cfg, handler=FixedPin(),
                               actor="binh")
        assert ei.value.code == "sign_not_current"


def test_offline_signature_queues_its_upgrade(officer_cfg, pki, tmp_path):
    data = signing_desk(tmp_path / "desk", pki)
    [code] = with_results(data, 1)
    with open_desk(data, create=False) as ctx:
        rep = sign_dossier_files(ctx, [code], token=officer_cfg, handler=FixedPin(),
                                 actor="binh", tsa=None)
        [s] = rep.signed
        assert s.level == "B-B" and s.needs_upgrade
        item = json.loads(ctx.store.conn.execute(
            "SELECT payload_json FROM outbox WHERE kind = 'deferred.sign_upgrade'").fetchone()[0])
        assert item["attachment_id"] == s.attachment_id and item["sha256"] == s.sha256


def test_token_pulled_mid_batch_keeps_the_signed_and_leaves_the_rest(monkeypatch, officer_cfg,
                                                                     pki, tmp_path):
    data = signing_desk(tmp_path / "desk", pki)
    codes = with_results(data, 5)
    opened = []
    real_open = B.open_session

    def spy(cfg, handler):
        s = real_open(cfg, handler)
        opened.append(s)
        return s

    monkeypatch.setattr(B, "open_session", spy)

    def progress(p):
        if p.done == 2 and opened:
            on_token(opened[0]._break)          # the token is pulled out here

    with open_desk(data, create=False) as ctx:
        ids = [current_files(ctx, c)[0].id for c in codes]
        rep = sign_dossier_files(ctx, codes, token=officer_cfg, handler=FixedPin(),
                                 actor="binh", progress=progress)
        assert rep.stopped == "token_removed" and not rep.complete
        assert [s.previous_id for s in rep.signed] == ids[:2] and rep.not_done == ids[2:]
        for c, i in zip(codes, ids):
            cur = current_files(ctx, c)[0]
            if i in ids[:2]:
                assert cur.version == 2 and cur.signed_level == "B-B"
            else:
                assert cur.id == i and cur.version == 1 and cur.signed_level == ""
                assert len(file_versions(ctx, c)) == 1          # nothing added
        assert "rút ra" in rep.stop_vi


def test_bad_targets_change_nothing(officer_cfg, pki, tmp_path):
    from desk_app.domain.errors import NotFoundError, ValidationError

    data = signing_desk(tmp_path / "desk", pki)
    [code] = with_results(data, 1)
    with open_desk(data, create=False) as ctx:
        n = ctx.store.conn.execute("SELECT count(*) FROM attachments").fetchone()[0]
        pin = FixedPin()
        with pytest.raises(NotFoundError):
            sign_dossier_files(ctx, [code, "000.23.32.H48-990101-9999"], token=officer_cfg,
                               handler=pin, actor="binh")
        with pytest.raises(ValidationError) as ei:
            sign_dossier_files(ctx, [code], token=officer_cfg, handler=pin, actor="binh",
                               kinds=("receipt",))
        assert ei.value.code == "sign_no_files"
        with pytest.raises(ValidationError):
            sign_dossier_files(ctx, [], token=officer_cfg, handler=pin, actor="binh")
        assert pin.requests == []                                   # no PIN asked
        assert ctx.store.conn.execute("SELECT count(*) FROM attachments").fetchone()[0] == n


def test_only_the_signing_officer_may_sign_dossier_files():
    import desk_app.services.signing.commands  # noqa: F401

    for name in ("dossier sign", "dossier sign-result", "certify"):
        cmd = REGISTRY[name]
        assert cmd.role == Role.OFFICER
        assert allowed(Role.OFFICER, name) and allowed(Role.ADMIN, name)
        for r in (Role.CLERK, Role.PROCESSOR, Role.SUPERVISOR):
            assert not allowed(r, name), (r, name)
    assert REGISTRY["dossier sign"].job and REGISTRY["dossier sign-result"].job


def test_leader_then_commune_seal_on_the_same_result(officer_cfg, org_cfg, pki, trust, cache,
                                                     pdfsig, tmp_path):
    """The leader signs the result, then the commune's token adds the organisation's signature:
    version 3 carries both, the first still valid (an addition, never a break)."""
    data = signing_desk(tmp_path / "desk", pki)
    [code] = with_results(data, 1)
    with open_desk(data, create=False) as ctx:
        sign_dossier_files(ctx, [code], token=officer_cfg, handler=FixedPin(), actor="binh",
                           tsa=pki.tsa_url)
        rep = sign_dossier_files(ctx, [code], token=org_cfg, handler=FixedPin(), actor="binh",
                                 tsa=pki.tsa_url)
        assert rep.complete and rep.signer == "UBND xã An Bình"
        cur = current_files(ctx, code)[0]
        assert cur.version == 3 and cur.signed_by == "UBND xã An Bình"
        pdf = _blob_file(ctx, cur.sha256, tmp_path)
    report = validate_pdf(pdf, trust, cache)
    sigs = [s for s in report.signatures if s.kind == "signature"]
    assert [s.signer for s in sigs] == ["Nguyễn Văn Bình", "UBND xã An Bình"]
    assert all(s.ok for s in sigs) and exit_code(report) == 0
    out = pdfsig(pdf)
    assert out.count("Signature is Valid") == 2, out
