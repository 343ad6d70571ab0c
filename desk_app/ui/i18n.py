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
    return sorted(p for p in ui.glob("*.py") if p.name != "qt.py")


def update() -> None:
    """Extract strings into resources/i18n/desk_<lang>.ts, keeping existing translations."""
    for lang in LANGUAGES:
        ts = I18N_DIR / f"desk_{lang}.ts"
        subprocess.run([_tool("pyside6-lupdate"), "-no-obsolete", "-locations", "none",
                        "-target-language", "vi_VN" if lang == "vi" else "en_US",
                        *map(str, sources()), "-ts", str(ts)], check=True)


def release() -> None:
    """Compile every .ts into its .qm (the .qm files are generated; never edit them)."""
    for ts in sorted(I18N_DIR.glob("*.ts")):
        subprocess.run([_tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(ts.with_suffix(".qm"))],
                       check=True)


if __name__ == "__main__":
    {"update": update, "release": release}[sys.argv[1]]()
