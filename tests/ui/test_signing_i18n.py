"""Every user string of the signing screens has a Vietnamese translation in new_vi_g2.tsv (with
diacritics and its placeholders), and the screens really show it once installed."""
from __future__ import annotations

import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.ui.signing_helpers import SIGNING_MODULES, install_signing_translations, tsv_pairs

UI = Path(__file__).resolve().parents[2] / "desk_app" / "ui"


def test_every_signing_string_is_in_the_tsv(tmp_path):
    ts = tmp_path / "fresh.ts"
    subprocess.run([str(Path(sys.executable).with_name("pyside6-lupdate")), "-silent", "-locations",
                    "none", *(str(UI / m) for m in SIGNING_MODULES), "-ts", str(ts)], check=True)
    root = ET.parse(ts).getroot()
    in_code = {(c.findtext("name"), m.findtext("source")) for c in root.iter("context")
               for m in c.iter("message")}
    pairs = tsv_pairs()
    assert len(in_code) > 100
    assert in_code - set(pairs) == set(), "add these to resources/i18n/new_vi_g2.tsv"
    assert set(pairs) - in_code == set(), "stale lines in new_vi_g2.tsv"
    problems = []
    for (ctx, src), vi in pairs.items():
        if vi != unicodedata.normalize("NFC", vi):
            problems.append(f"{ctx}: {src!r} not NFC")
        for ph in ("%1", "%2", "%3"):
            if (ph in src) != (ph in vi):
                problems.append(f"{ctx}: {src!r} placeholder {ph}")
        if any(c.isalpha() for c in vi) and vi.isascii():
            problems.append(f"{ctx}: {src!r} → {vi!r} has no diacritics")
    assert not problems, "\n".join(problems)


def test_the_dialogs_speak_vietnamese(qtbot, qapp, ctx, tmp_path):
    from desk_app.ui import i18n
    from desk_app.ui.qt import Qt
    from desk_app.ui.signing_dialog import SignDialog

    i18n.install("vi")
    install_signing_translations(tmp_path / "qm")
    dlg = SignDialog(ctx, None, None, lib="")
    qtbot.addWidget(dlg)
    assert dlg.windowTitle() == "Ký số tài liệu bằng thiết bị ký số (USB token)"
    assert dlg.sign_button.text() == "Ký số" and dlg.stop_button.text() == "Dừng sau tài liệu này"
    assert dlg.docs.headerData(1, Qt.Orientation.Horizontal) == "Tình trạng"
    assert dlg.docs.state_text("signed") == "Đã ký"
