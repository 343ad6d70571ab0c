"""Never scan twice: the applicant's digitised documents, offers at the next intake, re-use."""
from __future__ import annotations

import pytest

from desk_app.domain.errors import NotFoundError, ValidationError
from desk_app.domain.models import Role
from desk_app.services.scanning import documents
from desk_app.services.scanning.attach import attach_file
from tests.scanning.digit_util import (BIRTH, CERT_SIGN, MARRIAGE, OTHER, PERSON, counts, ctx,  # noqa: F401
                                       desk, pdf_bytes, receive, shipped_template)

CLERK = {"actor": "hoa", "role": Role.CLERK}


def _first_with_id_card(ctx, tmp_path):
    d1 = receive(ctx, BIRTH)
    f = tmp_path / "cccd.pdf"
    f.write_bytes(pdf_bytes("CCCD 001090012345", pages=2))
    out = attach_file(ctx, d1.code, 4, f, **CLERK)
    return d1, out


def test_attached_scan_becomes_a_held_document(ctx, tmp_path):
    d1, out = _first_with_id_card(ctx, tmp_path)
    held = documents.documents(ctx, PERSON[0])
    assert len(held) == 1
    h = held[0]
    assert (h.doc_type, h.sha256, h.pages, h.source_code, h.source_component_seq) == \
        ("id_card", out.sha256, 2, d1.code, 4)
    assert h.blob_present and not h.on_server
    assert h.note_vi.startswith("đã có bản số hóa ngày ") and h.doc_type_vi.startswith("Thẻ căn cước")


def test_offers_match_components_by_type(ctx, tmp_path):
    _d1, out = _first_with_id_card(ctx, tmp_path)
    offers = documents.offers(ctx, PERSON[0], MARRIAGE)
    assert [(o.component_seq, o.doc_type, o.document.sha256) for o in offers] == \
        [(3, "id_card", out.sha256)]
    o = offers[0]
    assert o.note_vi == f"đã có bản số hóa ngày {o.document.digitised_at:%d/%m/%Y}"
    assert documents.offers(ctx, PERSON[0], "2.000815") == []        # nothing of that type
    assert documents.offers(ctx, OTHER[0], MARRIAGE) == []           # another person: nothing
    assert documents.offers(ctx, "", MARRIAGE) == []


def test_reuse_attaches_the_same_blob_without_a_new_file(ctx, desk, tmp_path):
    _d1, out = _first_with_id_card(ctx, tmp_path)
    doc = documents.documents(ctx, PERSON[0])[0]
    d2 = receive(ctx, CERT_SIGN)
    before = counts(desk)
    r = documents.reuse(ctx, d2.code, 1, doc.id, **CLERK)
    assert r.reused and not r.new_blob and r.sha256 == out.sha256 and r.queued
    after = counts(desk)
    assert after["blobs"] == before["blobs"]
    assert after["attachments"] == before["attachments"] + 1
    assert after["applicant_documents"] == before["applicant_documents"]
    row = ctx.store.conn.execute("SELECT reused, doc_type FROM document_uses WHERE dossier_id ="
                                 " (SELECT id FROM dossiers WHERE code = ?)", (d2.code,)).fetchall()
    assert [tuple(x) for x in row] == [(1, "id_card")]
    again = documents.reuse(ctx, d2.code, 1, doc.id, **CLERK)
    assert again.already and counts(desk) == after


def test_reuse_refusals(ctx, desk, tmp_path):
    _d1, out = _first_with_id_card(ctx, tmp_path)
    doc = documents.documents(ctx, PERSON[0])[0]
    other = receive(ctx, CERT_SIGN, person=OTHER)
    mine = receive(ctx, CERT_SIGN)
    before = counts(desk)
    with pytest.raises(ValidationError, match="người khác"):
        documents.reuse(ctx, other.code, 1, doc.id, **CLERK)
    with pytest.raises(ValidationError, match="999"):
        documents.reuse(ctx, mine.code, 1, 999, **CLERK)
    with pytest.raises(ValidationError):
        documents.reuse(ctx, mine.code, 7, doc.id, **CLERK)
    with pytest.raises(NotFoundError):
        documents.reuse(ctx, "000.23.32.H48-991231-9999", 1, doc.id, **CLERK)
    assert counts(desk) == before
    ctx.store.blobs.path(out.sha256).write_bytes(b"%PDF-1.4 damaged")
    with pytest.raises(ValidationError, match="quét lại"):
        documents.reuse(ctx, mine.code, 1, doc.id, **CLERK)
    assert documents.offers(ctx, PERSON[0], CERT_SIGN)[0].document.blob_present  # file exists…
    from desk_app.services.registry import PermissionDenied
    with pytest.raises(PermissionDenied):
        documents.reuse(ctx, mine.code, 1, doc.id, actor="binh", role=Role.OFFICER)


def test_intake_accepts_held_documents(ctx, desk, tmp_path):
    _d1, out = _first_with_id_card(ctx, tmp_path)
    doc = documents.documents(ctx, PERSON[0])[0]
    before = counts(desk)
    d2 = receive(ctx, MARRIAGE, reuse=[(3, doc.id)])
    after = counts(desk)
    assert after["blobs"] == before["blobs"]
    assert [(a.sha256, a.component_seq) for a in d2.attachments] == [(out.sha256, 3)]
    import json
    item = ctx.store.conn.execute("SELECT payload_json FROM outbox WHERE kind = 'dossier.create'"
                                  " ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert [a["TepDinhKemId"] for a in json.loads(item)["TaiLieuNop"]] == [out.sha256]
    # someone else's document, or a component the dossier lacks: refused, nothing written
    with pytest.raises(ValidationError):
        receive(ctx, MARRIAGE, person=OTHER, reuse=[(3, doc.id)])
    with pytest.raises(ValidationError):
        receive(ctx, MARRIAGE, reuse=[(9, doc.id)])
    assert counts(desk)["dossiers"] == after["dossiers"]


def test_intake_scans_are_recorded_with_their_type(ctx, tmp_path):
    f = tmp_path / "giay-chung-sinh.pdf"
    f.write_bytes(pdf_bytes("Giấy chứng sinh"))
    d = receive(ctx, BIRTH, attachments=[(f, 2)])
    held = documents.documents(ctx, PERSON[0])
    assert [(h.doc_type, h.source_code, h.source_component_seq) for h in held] == \
        [("birth_notice", d.code, 2)]


def test_results_become_held_documents(ctx, tmp_path):
    from desk_app.services.workflow import lifecycle

    d = receive(ctx, BIRTH)
    lifecycle.handover(ctx, d.code, actor="hoa", role=Role.CLERK, to="thang")
    res = tmp_path / "giay-khai-sinh.pdf"
    res.write_bytes(pdf_bytes("Giấy khai sinh"))
    lifecycle.result(ctx, d.code, actor="thang", role=Role.PROCESSOR, file=res)
    held = documents.documents(ctx, PERSON[0])
    assert [(h.doc_type, h.source_kind) for h in held] == [("birth_certificate", "result")]
    # a later re-registration (1.004884, component 2 "Bản sao Giấy khai sinh cũ …") offers it
    assert [o.component_seq for o in documents.offers(ctx, PERSON[0], "1.004884")] == [2]


def test_unknown_applicant_listing_is_exit_2(ctx):
    with pytest.raises(NotFoundError) as e:
        documents.documents(ctx, "001099999999")
    assert e.value.exit_code == 2
