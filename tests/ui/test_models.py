"""Every table model passes Qt's model tester; the dossier list loads lazily."""
from __future__ import annotations

from pathlib import Path

from desk_app.domain.models import ComponentForm
from desk_app.services import catalog, dossiers, open_desk
from desk_app.services.admin import setup
from desk_app.ui.components_model import COL_FORM, COL_QUANTITY, COL_RECEIVED, ComponentsModel
from desk_app.ui.dossier_detail import RowsModel
from desk_app.ui.dossier_model import DossierTableModel
from desk_app.ui.procedure_finder import ProcedureListModel
from desk_app.ui.qt import QModelIndex, Qt


def test_dossier_model(qtmodeltester, ctx):
    model = DossierTableModel(lambda off, lim: dossiers.list_recent(ctx, limit=lim, offset=off), page_size=16)
    qtmodeltester.check(model)
    model.fetchMore(QModelIndex())
    assert model.rowCount() >= 16
    qtmodeltester.check(model)
    model.set_source(lambda off, lim: dossiers.search(ctx, "nguyen", limit=off + lim)[off:])
    qtmodeltester.check(model)


def test_dossier_model_is_lazy_on_2000_dossiers(qtmodeltester, tmp_path: Path):
    setup.init_store(tmp_path / "big", demo=True, n_dossiers=2100)
    ctx = open_desk(tmp_path / "big")
    try:
        calls: list[tuple[int, int]] = []

        def source(off: int, lim: int):
            calls.append((off, lim))
            return dossiers.list_recent(ctx, limit=lim, offset=off)
        model = DossierTableModel(source, page_size=200)
        model.fetchMore(QModelIndex())
        assert model.rowCount() == 200 and model.canFetchMore(QModelIndex())
        assert calls == [(0, 200)], "only the first page is read"
        while model.canFetchMore(QModelIndex()):
            model.fetchMore(QModelIndex())
        assert model.rowCount() == 2100
        assert len({model.dossier(r).code for r in range(model.rowCount())}) == 2100
        qtmodeltester.check(model)
    finally:
        ctx.close()


def test_components_model(qtmodeltester, ctx, scan_png):
    model = ComponentsModel()
    proc = catalog.get_procedure(ctx, "1.001193")
    model.set_required(proc.components)
    qtmodeltester.check(model)
    assert model.rowCount() == len(proc.components)
    first = model.index(0, COL_RECEIVED)
    assert model.setData(first, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert model.setData(model.index(0, COL_FORM), 2)
    assert not model.setData(model.index(0, COL_QUANTITY), 0), "quantity 0 is refused"
    assert model.setData(model.index(0, COL_QUANTITY), 3)
    model.attach(1, [scan_png])
    comps = model.to_components()
    assert [(c.seq, c.form, c.quantity) for c in comps] == [
        (proc.components[0].seq, ComponentForm.CERTIFIED_COPY, 3), (proc.components[1].seq, comps[1].form, comps[1].quantity)]
    assert model.to_attachments() == [(scan_png, proc.components[1].seq)]
    qtmodeltester.check(model)


def test_procedure_and_detail_models(qtmodeltester, ctx):
    model = ProcedureListModel()
    model.set_items(catalog.search_procedures(ctx, "chung thuc"))
    assert model.rowCount() > 0
    qtmodeltester.check(model)
    d = dossiers.get(ctx, dossiers.list_recent(ctx, limit=1)[0].code)
    rows = RowsModel(["a", "b"], [[e.actor, e.note] for e in d.events])
    qtmodeltester.check(rows)


def test_sync_column_shows_each_state_with_its_detail(qapp, ctx):
    from dataclasses import replace

    from desk_app.ui import i18n
    i18n.install("vi")
    base = dossiers.list_recent(ctx, limit=1)[0]
    rows = [replace(base, code=f"C{i}", sync_state=s, server_receipt_no=r, sync_error=e)
            for i, (s, r, e) in enumerate([("local", "", ""), ("queued", "", ""), ("sending", "", ""),
                                           ("awaiting", "", ""), ("synced", "STN-1", ""),
                                           ("needs_attention", "", "Tệp đính kèm bị hỏng")])]
    model = DossierTableModel(lambda off, lim: rows[off:off + lim], page_size=10)
    model.fetchMore(QModelIndex())
    model.set_progress({"C2": 40})
    texts = [model.data(model.index(r, 6)) for r in range(model.rowCount())]
    assert texts == ["Đã lưu trên máy", "Chờ gửi", "Đang gửi 40%", "Đã gửi, chờ xác nhận",
                     "Đã đồng bộ · số biên nhận STN-1", "Cần xử lý: Tệp đính kèm bị hỏng"]
    assert model.data(model.index(5, 6), Qt.ItemDataRole.ForegroundRole) is not None
