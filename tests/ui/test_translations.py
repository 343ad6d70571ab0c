"""Vietnamese is complete, well-formed and built: every source string has a real translation."""
from __future__ import annotations

import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from desk_app.ui import i18n, labels
from desk_app.ui.qt import QCoreApplication

I18N = i18n.I18N_DIR
# Translations that are legitimately plain ASCII (codes, file filters, shortcuts only).
ASCII_OK = {"SHA-256", "STT", "SL", "In", "&In", "Trang sau", "Trang"}  # real Vietnamese words without marks


def messages(ts: Path) -> list[tuple[str, str, ET.Element]]:
    root = ET.parse(ts).getroot()
    return [(c.findtext("name"), m.findtext("source"), m.find("translation"))
            for c in root.iter("context") for m in c.iter("message")]


@pytest.mark.parametrize("name", ["desk_vi.ts", "qtbase_vi.ts"])
def test_every_string_has_a_vietnamese_translation(name):
    msgs = messages(I18N / name)
    assert len(msgs) > 20
    problems = []
    for ctx, src, tr in msgs:
        text = (tr.text or "") if tr is not None else ""
        kind = tr.get("type") if tr is not None else "missing"
        if not text.strip() or kind in ("unfinished", "vanished", "obsolete", "missing"):
            problems.append(f"{ctx}: {src!r} untranslated ({kind})")
            continue
        if text != unicodedata.normalize("NFC", text):
            problems.append(f"{ctx}: {src!r} not NFC")
        for ph in ("%1", "%2", "%3"):
            if (ph in src) != (ph in text):
                problems.append(f"{ctx}: {src!r} placeholder {ph} lost")
        letters = [c for c in text if c.isalpha()]
        if letters and text.isascii() and text not in ASCII_OK:
            problems.append(f"{ctx}: {src!r} -> {text!r} has no Vietnamese diacritics")
    assert not problems, "\n".join(problems)


def test_ts_files_are_up_to_date_with_the_code(tmp_path):
    """lupdate on the current sources finds no string the committed .ts lacks."""
    fresh = tmp_path / "fresh.ts"
    subprocess.run([str(Path(sys.executable).with_name("pyside6-lupdate")), "-silent", "-locations", "none",
                    *map(str, i18n.sources()), "-ts", str(fresh)], check=True, capture_output=True)
    in_code = {(c, s) for c, s, _ in messages(fresh)}
    committed = {(c, s) for c, s, _ in messages(I18N / "desk_vi.ts")}
    assert in_code - committed == set(), "run: python -m desk_app.ui.i18n update, then translate"
    assert committed - in_code == set(), "stale strings: run python -m desk_app.ui.i18n update"
    assert {(c, s) for c, s, _ in messages(I18N / "desk_en.ts")} == committed


def test_qm_files_are_built_from_the_ts(tmp_path):
    for ts in sorted(I18N.glob("*.ts")):
        out = tmp_path / ts.with_suffix(".qm").name
        subprocess.run([str(Path(sys.executable).with_name("pyside6-lrelease")), "-silent", str(ts), "-qm", str(out)],
                       check=True, capture_output=True)
        assert out.read_bytes() == ts.with_suffix(".qm").read_bytes(), f"rebuild {ts.name}: python -m desk_app.ui.i18n release"


def test_vietnamese_is_installed_at_runtime(qapp):
    assert i18n.install("vi") == "vi"
    assert QCoreApplication.translate("MainWindow", "Search: dossier code, name (diacritics optional), ID number, phone  (Ctrl+F)").startswith("Tìm: mã hồ sơ")
    assert labels.status_label("received") == "Đã tiếp nhận"
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Hủy"
    i18n.install("en")
    assert QCoreApplication.translate("MainWindow", "Search: dossier code, name (diacritics optional), ID number, phone  (Ctrl+F)").startswith("Search")
    assert labels.status_label("received") == "Received"
    assert i18n.install("xx") == "vi", "an unknown language falls back to Vietnamese"
