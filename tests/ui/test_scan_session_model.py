"""The scan session's thumbnail model: qtmodeltester, moves, drag and drop, delete + undo."""
from __future__ import annotations

from PIL import Image

from desk_app.scanning.backend import Page
from desk_app.services.scanning.session import SessionPage, rotate
from desk_app.ui.qt import QModelIndex, Qt
from desk_app.ui.scan_thumbnails import MIME, BlankRole, ThumbnailModel


def _pages(n: int) -> list[SessionPage]:
    out = []
    for i in range(n):
        img = Image.new("RGB", (100 + 10 * i, 140), (255, 255, 255))
        out.append(SessionPage(page=Page(img, 75, "color", "feeder", index=i, origin=f"p{i}"),
                               origin=f"p{i}", likely_blank=(i == 2)))
    return out


def _origins(model: ThumbnailModel) -> list[str]:
    return [p.origin for p in model.pages()]


def test_qtmodeltester_with_pages(qtmodeltester, qapp) -> None:
    model = ThumbnailModel()
    model.append(_pages(4))
    qtmodeltester.check(model, force_py=True)
    model.moveRows(QModelIndex(), 0, 1, QModelIndex(), 3)
    model.removeRows(1, 1)
    model.undo()
    qtmodeltester.check(model, force_py=True)


def test_moves_delete_undo(qapp) -> None:
    model = ThumbnailModel()
    model.append(_pages(4))
    assert model.moveRows(QModelIndex(), 0, 1, QModelIndex(), 2)      # p0 after p1
    assert _origins(model) == ["p1", "p0", "p2", "p3"]
    assert model.moveRows(QModelIndex(), 3, 1, QModelIndex(), 0)      # p3 first
    assert _origins(model) == ["p3", "p1", "p0", "p2"]
    assert not model.moveRows(QModelIndex(), 1, 1, QModelIndex(), 1)  # onto itself
    assert model.removeRows(1, 2)
    assert _origins(model) == ["p3", "p2"]
    assert model.undo() == [1, 2]
    assert _origins(model) == ["p3", "p1", "p0", "p2"]
    assert not model.can_undo()


def test_blank_flag_shown_until_kept(qapp) -> None:
    model = ThumbnailModel()
    model.append(_pages(3))
    idx = model.index(2, 0)
    assert model.data(idx, BlankRole) is True and model.unconfirmed_blanks() == [2]
    assert model.data(idx, Qt.ItemDataRole.ForegroundRole) is not None
    sp = model.page(2)
    sp.blank_confirmed = True
    model.set_page(2, sp)
    assert model.unconfirmed_blanks() == [] and model.data(idx, BlankRole) is False


def test_drag_and_drop_moves_rows(qapp) -> None:
    model = ThumbnailModel()
    model.append(_pages(4))
    mime = model.mimeData([model.index(0, 0)])
    assert mime.hasFormat(MIME)
    assert model.dropMimeData(mime, Qt.DropAction.MoveAction, 3, 0, QModelIndex()) is False
    assert _origins(model) == ["p1", "p2", "p0", "p3"]


def test_rotation_changes_the_thumbnail(qapp) -> None:
    model = ThumbnailModel()
    model.append(_pages(1))
    before = model.data(model.index(0, 0), Qt.ItemDataRole.DecorationRole).size()
    model.set_page(0, rotate(model.page(0), 1))
    after = model.data(model.index(0, 0), Qt.ItemDataRole.DecorationRole).size()
    assert (after.width(), after.height()) == (before.height(), before.width())
