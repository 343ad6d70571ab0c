"""Batch signing as a job: one login, progress per document, cancel, token pulled out, wrong PIN."""
from __future__ import annotations

import pytest

from desk_app.jobs import CancelToken
from desk_app.signing import batch as B
from desk_app.signing import errors as E
from desk_app.signing.token import on_token
from desk_app.signing.validate import validate_pdf
from tests.signing.conftest import FixedPin


def _files(make_pdf, n):
    return [make_pdf(f"ho-so-{i:02d}.pdf") for i in range(n)]


def test_one_login_for_many_documents(officer_cfg, trust, cache, make_pdf, tmp_path):
    files = _files(make_pdf, 6)
    before = {f: f.read_bytes() for f in files}
    events, handler = [], FixedPin()
    rep = B.sign_batch(files, tmp_path / "out", token_cfg=officer_cfg, handler=handler,
                       trust=trust, revocation=cache, progress=events.append)
    assert rep.complete and len(rep.signed) == 6 and rep.not_done == []
    assert len(handler.requests) == 1                          # one PIN for the batch
    steps = [(e.done, e.total) for e in events]
    assert steps[0] == (0, 6) and steps[-1] == (6, 6) and (3, 6) in steps
    assert all(f.read_bytes() == before[f] for f in files)     # inputs untouched
    for s in rep.signed:
        assert validate_pdf(s.output, trust, cache).ok
    assert "Đã ký 6" in rep.summary("vi") and rep.presign.revocation == "good"


def test_cancel_between_documents(officer_cfg, trust, cache, make_pdf, tmp_path):
    files = _files(make_pdf, 5)
    token = CancelToken()

    def progress(p):
        if p.done == 2:
            token.cancel()

    rep = B.sign_batch(files, tmp_path / "out", token_cfg=officer_cfg, handler=FixedPin(),
                       trust=trust, revocation=cache, progress=progress, cancel=token)
    assert rep.stopped == "cancelled" and len(rep.signed) == 2 and rep.not_done == files[2:]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [f.name for f in files[:2]]


def test_token_pulled_out_mid_batch(monkeypatch, officer_cfg, trust, cache, make_pdf, tmp_path):
    files = _files(make_pdf, 5)
    opened = []
    real_open = B.open_session

    def spy(cfg, handler):
        s = real_open(cfg, handler)
        opened.append(s)
        return s

    monkeypatch.setattr(B, "open_session", spy)

    def progress(p):
        if p.done == 3 and opened:                      # the token is pulled out here
            on_token(opened[0]._break)

    rep = B.sign_batch(files, tmp_path / "out", token_cfg=officer_cfg, handler=FixedPin(),
                       trust=trust, revocation=cache, progress=progress)
    assert rep.stopped == "token_removed" and "rút ra" in rep.stop_vi
    assert [s.source for s in rep.signed] == files[:3] and rep.not_done == files[3:]
    out = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert out == [f.name for f in files[:3]]            # no half-written file
    for s in rep.signed:
        assert validate_pdf(s.output, trust, cache).ok    # the signed ones are kept, valid
    assert opened[0].closed


def test_wrong_pin_writes_nothing(officer_cfg, trust, cache, make_pdf, tmp_path):
    files = _files(make_pdf, 3)
    with pytest.raises(E.SigningError) as ei:
        B.sign_batch(files, tmp_path / "out", token_cfg=officer_cfg, handler=FixedPin("999999"),
                     trust=trust, revocation=cache)
    assert ei.value.code == "pin_wrong"
    assert not (tmp_path / "out").exists()


def test_bad_file_in_a_batch_is_reported_and_the_rest_signed(officer_cfg, trust, cache, make_pdf,
                                                            tmp_path):
    files = _files(make_pdf, 2)
    bad = tmp_path / "in" / "hong.pdf"
    bad.write_bytes(b"%PDF-1.4 garbage")
    rep = B.sign_batch([files[0], bad, files[1]], tmp_path / "out", token_cfg=officer_cfg,
                       handler=FixedPin(), trust=trust, revocation=cache)
    assert len(rep.signed) == 2 and [f for f, _, _ in rep.failed] == [bad] and not rep.complete


def test_batch_refuses_to_overwrite_inputs(officer_cfg, trust, make_pdf):
    f = make_pdf()
    with pytest.raises(E.UnusablePdf):
        B.sign_batch([f], f.parent, token_cfg=officer_cfg, handler=FixedPin(), trust=trust)


def test_signing_core_imports_no_qt():
    import subprocess
    import sys

    code = ("import sys, desk_app.signing.batch, desk_app.signing.validate, "
            "desk_app.signing.certbook; "
            "assert not any(m.startswith('PySide6') for m in sys.modules), 'Qt imported'")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
