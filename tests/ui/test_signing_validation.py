"""The validation view: a valid file, a tampered one and one altered after signing, in words."""
from __future__ import annotations

import pytest

from tests.ui.signing_helpers import (  # noqa: F401 — fixtures
    signing_qm_dir, signing_vi,
    cache, hsm, officer, pki, signed_samples, signing_desk, trust,
)


@pytest.fixture
def samples(hsm, signing_desk, tmp_path):
    return signed_samples(tmp_path / "samples", hsm.lib, signing_desk)


def _view(qtbot, ctx, officer, jobs, path):
    from desk_app.ui import i18n
    from desk_app.ui.validation_view import ValidationView

    i18n.install("vi")
    v = ValidationView(ctx, officer, jobs)
    qtbot.addWidget(v)
    v.show()
    qtbot.waitExposed(v)
    with qtbot.waitSignal(v.checked, timeout=60_000):
        v.check(path)
    return v


def test_model_passes_the_model_tester(qtbot, qtmodeltester, ctx, officer, jobs, samples):
    v = _view(qtbot, ctx, officer, jobs, samples["valid"])
    qtmodeltester.check(v.model)


def test_valid_file_is_shown_valid(qtbot, ctx, officer, jobs, samples):
    v = _view(qtbot, ctx, officer, jobs, samples["valid"])
    assert v.verdict_ok is True
    assert v.model.rowCount() == 1
    row = [v.model.index(0, c).data() for c in range(v.model.columnCount())]
    assert row[1].startswith("Nguyễn Văn Bình")
    assert row[8] == "B-B"
    assert "green" in v.verdict.styleSheet() or "#1b6e20" in v.verdict.styleSheet()
    assert "Nguyễn Văn Bình" in v.details.toPlainText()


@pytest.mark.parametrize("which", ["tampered", "altered"])
def test_broken_file_is_shown_invalid_in_words(qtbot, ctx, officer, jobs, samples, which):
    from desk_app.ui.qt import Qt

    v = _view(qtbot, ctx, officer, jobs, samples[which])
    assert v.verdict_ok is False
    text = v.verdict.text()
    assert "#b3261e" in v.verdict.styleSheet()                    # red …
    assert "KHÔNG HỢP LỆ" in text or "NOT VALID" in text          # … and in words
    assert v.model.index(0, 0).data() == "KHÔNG HỢP LỆ"
    why = {"tampered": "nội dung đã ký bị sửa", "altered": "tệp bị sửa sau khi ký"}[which]
    assert why in text and why in v.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert v.model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole).color().name() == "#b3261e"
    if which == "tampered":
        assert v.model.index(0, 3).data() == v.model.tr("ALTERED")
    else:
        assert v.model.index(0, 3).data() == v.model.tr("intact")      # signed bytes still there
        assert v.model.index(0, 4).data() == v.model.tr("CONTENT CHANGED")


def test_unsigned_and_unusable_files(qtbot, ctx, officer, jobs, samples, tmp_path):
    v = _view(qtbot, ctx, officer, jobs, samples["unsigned"])
    assert v.verdict_ok is False and v.model.rowCount() == 0
    junk = tmp_path / "not-a.pdf"
    junk.write_bytes(b"hello")
    with qtbot.waitSignal(v.checked, timeout=30_000):
        v.check(junk)
    assert v.report is None and "#b3261e" in v.verdict.styleSheet()
