"""Translations: English source strings in the code, Vietnamese shipped as the default language.

Two translators per language, both kept referenced on this module (a QTranslator that is garbage
collected silently stops translating):
- ``desk_<lang>.qm`` — our strings, extracted from ``self.tr(...)`` / ``translate(...)`` by lupdate;
- ``qtbase_<lang>.qm`` — our own Vietnamese for Qt's standard buttons and dialogs (Qt ships none).

Build (after changing UI strings)::

    .venv/bin/python -m desk_app.ui.i18n update    # lupdate: refresh resources/i18n/desk_*.ts
    # translate the new entries (Qt Linguist: .venv/bin/pyside6-linguist resources/i18n/desk_vi.ts)
    .venv/bin/python -m desk_app.ui.i18n release   # lrelease: build the .qm files (generated)
"""
from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from desk_app.domain.errors import DeskError
from desk_app.ui.qt import QCoreApplication, QLocale, QTranslator

log = logging.getLogger(__name__)

I18N_DIR = Path(__file__).resolve().parents[2] / "resources" / "i18n"
LANGUAGES = ("vi", "en")
CATALOGS = ("desk", "qtbase")
_installed: list[QTranslator] = []
_current = "vi"


def current_language() -> str:
    return _current


def install(lang: str) -> str:
    """Install the translators for ``lang`` (replacing the previous ones); returns the language used."""
    global _current
    app = QCoreApplication.instance()
    if lang not in LANGUAGES:
        log.warning("unknown language %r, using Vietnamese", lang)
        lang = "vi"
    for tr in _installed:
        app.removeTranslator(tr)
    _installed.clear()
    for catalog in CATALOGS:
        qm = I18N_DIR / f"{catalog}_{lang}.qm"
        tr = QTranslator(app)
        if qm.exists() and tr.load(str(qm)):
            app.installTranslator(tr)
            _installed.append(tr)
        elif lang != "en":
            log.error("translation %s missing or unreadable", qm)
    QLocale.setDefault(QLocale(QLocale.Language.Vietnamese if lang == "vi" else QLocale.Language.English,
                               QLocale.Country.Vietnam))
    _current = lang
    return lang


def error_text(exc: BaseException) -> str:
    """The one line shown to the clerk for a failure, in the current language."""
    if isinstance(exc, DeskError):
        return exc.message(_current)
    log.exception("unexpected error", exc_info=exc)
    return QCoreApplication.translate(
        "Errors", "Unexpected error: %1. Nothing typed was lost; please try again or call IT support."
    ).replace("%1", type(exc).__name__)


# --- build (developer tool) -------------------------------------------------------------------
def _tool(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def sources() -> list[Path]:
    ui = Path(__file__).resolve().parent
    return sorted(p for p in ui.rglob("*.py") if p.name != "qt.py" and "__pycache__" not in p.parts)


def update() -> None:
    """Extract strings into resources/i18n/desk_<lang>.ts, keeping existing translations."""
    for lang in LANGUAGES:
        ts = I18N_DIR / f"desk_{lang}.ts"
        subprocess.run([_tool("pyside6-lupdate"), "-no-obsolete", "-locations", "none",
                        "-target-language", "vi_VN" if lang == "vi" else "en_US",
                        *map(str, sources()), "-ts", str(ts)], check=True)


def merge(tsv_files: list[Path] | None = None) -> int:
    """Fill untranslated entries of desk_vi.ts (and Qt's own contexts in qtbase_vi.ts) from
    ``resources/i18n/new_vi_*.tsv`` lines ``context<TAB>English source<TAB>Vietnamese``; the English
    .ts gets the identity. Returns how many strings were filled. Run after ``update``."""
    import xml.etree.ElementTree as ET

    pairs: dict[tuple[str, str], str] = {}
    for tsv in tsv_files or sorted(I18N_DIR.glob("new_vi_*.tsv")):
        for line in tsv.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) == 3 and parts[2].strip():
                pairs[(parts[0], parts[1].replace("\\n", "\n"))] = parts[2].replace("\\n", "\n")
    filled = 0
    for name, identity in (("desk_vi.ts", False), ("desk_en.ts", True), ("qtbase_vi.ts", False)):
        path = I18N_DIR / name
        tree = ET.parse(path)
        root = tree.getroot()
        before = filled
        contexts = {c.findtext("name"): c for c in root.iter("context")}
        for c_name, ctx in contexts.items():
            for m in ctx.iter("message"):
                tr = m.find("translation")
                key = (c_name, m.findtext("source"))
                if tr is not None and (tr.get("type") == "unfinished" or not (tr.text or "").strip()):
                    if identity:
                        tr.text = key[1]
                    elif key in pairs:
                        tr.text = pairs[key]
                    else:
                        continue
                    tr.attrib.pop("type", None)
                    filled += 1
        if name == "qtbase_vi.ts":           # Qt's own contexts: add the messages lupdate never sees
            for (c_name, src), vi in pairs.items():
                if not c_name.startswith("Q") or (c_name, src) in _messages(root):
                    continue
                ctx = contexts.get(c_name)
                if ctx is None:
                    ctx = ET.SubElement(root, "context")
                    ET.SubElement(ctx, "name").text = c_name
                    contexts[c_name] = ctx
                m = ET.SubElement(ctx, "message")
                ET.SubElement(m, "source").text = src
                ET.SubElement(m, "translation").text = vi
                filled += 1
        if filled == before:
            continue
        root.text = "\n"
        for ctx in root:
            ET.indent(ctx, space="    ")
            ctx.tail = "\n"
        body = ET.tostring(root, encoding="unicode")
        head = '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n'
        if name == "qtbase_vi.ts":
            head += ("<!-- Our own Vietnamese for Qt's standard buttons and dialogs (Qt ships no qtbase_vi).\n"
                     "     Hand-maintained: lupdate does not touch this file. Build with: python -m desk_app.ui.i18n release -->\n")
        path.write_text(head + body + "\n", encoding="utf-8")
    return filled


def _messages(root) -> set[tuple[str, str]]:
    return {(c.findtext("name"), m.findtext("source")) for c in root.iter("context") for m in c.iter("message")}


def release() -> None:
    """Compile every .ts into its .qm (the .qm files are generated; never edit them)."""
    for ts in sorted(I18N_DIR.glob("*.ts")):
        subprocess.run([_tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(ts.with_suffix(".qm"))],
                       check=True)


if __name__ == "__main__":
    if sys.argv[1] == "merge":
        print(f"filled {merge()} strings")
    else:
        {"update": update, "release": release}[sys.argv[1]]()
