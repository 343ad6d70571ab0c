"""Fixtures and helpers for the intake tests: a real IntakeForm on a real JobRunner.

The form is built on its own (not through the main window) so these tests exercise exactly the
intake: the same JobRunner the main window owns runs the saves on its worker thread.
"""
from __future__ import annotations


import pytest

from desk_app.ui.qt import QApplication, QEvent, QRect, QWidget


@pytest.fixture
def jobs(qapp, ctx):
    from desk_app.ui.jobs import JobRunner

    runner = JobRunner(ctx.data_dir)
    yield runner
    runner.shutdown()


@pytest.fixture
def form(qtbot, ctx, jobs):
    from desk_app.ui import i18n
    from desk_app.ui.intake_form import IntakeForm

    i18n.install("vi")
    f = IntakeForm(ctx, jobs=jobs)
    f.show()
    qtbot.waitExposed(f)
    f.activateWindow()
    yield f
    for child in (f.refuse_dialog, f.preview_dialog):
        try:
            if child is not None:
                child.hide()
        except RuntimeError:      # already deleted (WA_DeleteOnClose)
            pass
    f.hide()
    f.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


def wait_idle(qtbot, form, timeout: int = 10_000) -> None:
    """Until the save / refusal started by the last key has come back (on_done or on_error)."""
    qtbot.waitUntil(lambda: not form.saving, timeout=timeout)


def visible_leaves(root: QWidget) -> list[QWidget]:
    """Visible widgets that draw text or take input (labels, fields, buttons, tables)."""
    from desk_app.ui.qt import QAbstractButton, QAbstractSpinBox, QComboBox, QLabel, QLineEdit, QTableView

    kinds = (QLabel, QLineEdit, QComboBox, QAbstractButton, QAbstractSpinBox, QTableView)
    out = []
    for w in root.findChildren(QWidget):
        if not isinstance(w, kinds) or not w.isVisibleTo(root) or w.width() <= 1 or w.height() <= 1:
            continue
        if isinstance(w, QLabel) and not w.text():
            continue
        if any(isinstance(p, (QComboBox, QAbstractSpinBox, QTableView)) for p in _parents(w, root)):
            continue
        out.append(w)
    return out


def _parents(w: QWidget, root: QWidget):
    p = w.parentWidget()
    while p is not None and p is not root:
        yield p
        p = p.parentWidget()


def overlaps(root: QWidget) -> list[tuple[str, str]]:
    """Pairs of visible leaves whose rectangles (in ``root`` coordinates) intersect."""
    leaves = visible_leaves(root)
    rects = [(w, QRect(w.mapTo(root, w.rect().topLeft()), w.size())) for w in leaves]
    bad = []
    for i, (a, ra) in enumerate(rects):
        for b, rb in rects[i + 1:]:
            if a.isAncestorOf(b) or b.isAncestorOf(a):
                continue
            inter = ra.intersected(rb)
            if inter.width() > 2 and inter.height() > 2:
                bad.append((a.objectName() or type(a).__name__ + ":" + getattr(a, "text", lambda: "")(),
                            b.objectName() or type(b).__name__ + ":" + getattr(b, "text", lambda: "")()))
    return bad
