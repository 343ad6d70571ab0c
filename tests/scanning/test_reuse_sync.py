"""Never scan twice, proved over HTTP: the real reference back end on 127.0.0.1 (subprocess).

A second dossier for the same applicant re-uses the ID-card scan of the first: no new blob file
on the desk, and no upload byte — the record names a blob the unit's server already holds, so it
is accepted as it is. The first dossier's scan did cross the link (the proof is not vacuous).
"""
from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

from desk_app.domain.models import Role
from desk_app.services import open_desk, sync_control
from desk_app.services.scanning import documents
from desk_app.services.scanning.attach import attach_file
from desk_app.sync.api import Credentials
from offline_store import Store
from tests.scanning.digit_util import BIRTH, CERT_SIGN, MARRIAGE, PERSON, counts, receive
from tests.sync.harness import PASSWORD, Backend, make_desk

CLERK = {"actor": "hoa", "role": Role.CLERK}
_units = itertools.count(70)


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory):
    b = Backend(tmp_path_factory.mktemp("backend14") / "srv").start()
    yield b
    b.stop()


@pytest.fixture
def desk(backend: Backend, tmp_path: Path) -> tuple[Path, str]:
    unit = f"000.{next(_units):02d}.32.H48"
    user = f"u{unit.replace('.', '')}-d1"
    backend.add_desk(user, 1, unit=unit)
    data = tmp_path / "desk1"
    make_desk(data, 1, unit=unit)
    return data, user


def _scan(tmp_path: Path) -> Path:
    """An ID-card scan of a realistic size (~200 KB): a real PDF with an incompressible image."""
    import io

    from PIL import Image

    img = Image.frombytes("RGB", (300, 230), os.urandom(300 * 230 * 3))
    buf = io.BytesIO()
    img.save(buf, "PDF", resolution=300)
    f = tmp_path / "cccd.pdf"
    f.write_bytes(buf.getvalue())
    return f


def sync_until_done(data: Path, url: str, creds: Credentials) -> tuple[int, int]:
    """Passes of ``sync_once`` until the outbox is empty (a dossier's next version waits for the
    previous one; time is moved on between passes as tests/workflow/test_sync.py does).
    Returns (records accepted, upload body bytes) over all passes."""
    acked = sent = 0
    for _ in range(8):
        with Store.open(data) as store:
            store.conn.execute("UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00.000000Z'"
                               " WHERE state = 'queued'")
            left = store.conn.execute("SELECT count(*) FROM outbox WHERE state <> 'done'").fetchone()[0]
        if not left:
            return acked, sent
        rep = sync_control.sync_once(data, url, creds)
        assert not rep.faults and rep.needs_attention == 0, rep
        acked += rep.acked
        sent += rep.uploaded_bytes
    raise AssertionError("the outbox did not empty in 8 passes")


def test_second_dossier_reuses_the_id_card_with_no_new_blob_and_no_upload(backend, desk, tmp_path):
    data, user = desk
    creds = Credentials(user, PASSWORD)
    scan = _scan(tmp_path)
    with open_desk(data, create=False) as ctx:
        d1 = receive(ctx, BIRTH)
        first = attach_file(ctx, d1.code, 4, scan, **CLERK)
        assert first.upload_needed
    acked1, bytes1 = sync_until_done(data, backend.url, creds)
    assert acked1 == 2                                   # dossier.create + dossier.update
    assert bytes1 >= scan.stat().st_size                 # the scan crossed the link once

    with open_desk(data, create=False) as ctx:
        held = documents.offers(ctx, PERSON[0], CERT_SIGN)
        assert [(o.component_seq, o.doc_type) for o in held] == [(1, "id_card")]
        doc = held[0].document
        assert doc.sha256 == first.sha256 and doc.on_server      # learned from the acked item
        d2 = receive(ctx, CERT_SIGN)
        before = counts(data)
        out = documents.reuse(ctx, d2.code, 1, doc.id, **CLERK)
        assert out.reused and not out.new_blob and not out.upload_needed
        # and at intake, in one key press: a third dossier takes it while being received
        d3 = receive(ctx, MARRIAGE, reuse=[(3, doc.id)])
    assert counts(data)["blobs"] == before["blobs"]
    acked2, bytes2 = sync_until_done(data, backend.url, creds)
    assert acked2 == 3                                   # d2 create + update, d3 create
    assert bytes2 == 0                                   # not one byte of the scan again
    exp = backend.export()
    recs = {r["MaHoSo"]: r for r in exp["records"]}
    for code in (d1.code, d2.code, d3.code):
        atts = recs[code]["attachments"]
        assert [a["TepDinhKemId"] for a in atts] == [first.sha256] and all(a["ok"] for a in atts)
    with Store.open(data) as store:
        assert store.conn.execute("SELECT count(*) FROM outbox WHERE state <> 'done'").fetchone()[0] == 0
    # the unit's server holds the scan once
    assert [b["sha256"] for b in exp["blobs"] if b["sha256"] == first.sha256] == [first.sha256]
