"""Screenshots of the work queues, the dashboard and the rating view at 1024×600 and 1366×768,
taken on a fresh 2,000-dossier demo store (run under Xvfb or offscreen):

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.reports.shots OUT_DIR

Writes OUT_DIR/{queues,dashboard,rating}-{W}x{H}.png (for docs/; the Vietnamese strings appear
once new_vi_reports.tsv is merged into desk_vi.ts).
"""
from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path

SIZES = ((1024, 600), (1366, 768))


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "shots")
    out.mkdir(parents=True, exist_ok=True)
    from desk_app.services import open_desk
    from desk_app.services.admin import setup
    from desk_app.ui import i18n
    from desk_app.ui.dashboard import DashboardView
    from desk_app.ui.qt import QApplication
    from desk_app.ui.queues import QueuesView
    from desk_app.ui.rating_view import RatingView

    app = QApplication.instance() or QApplication([])
    i18n.install("vi")
    data = Path(tempfile.mkdtemp(prefix="shots-")) / "desk"
    setup.init_store(data, demo=True, n_dossiers=2000)
    ctx = open_desk(data, create=False)
    code = ctx.store.conn.execute("SELECT code FROM dossiers WHERE status = 'returned' ORDER BY id"
                                  " DESC LIMIT 1").fetchone()[0]
    for w, h in SIZES:
        for name, view in (("queues", QueuesView(ctx)), ("dashboard", DashboardView(ctx)),
                           ("rating", RatingView(ctx, code))):
            view.resize(w, h)
            view.show()
            if name == "queues":
                view.show_queue("to_return")
            if name == "dashboard":
                view.set_period(date(2025, 1, 1), date.today())
            app.processEvents()
            view.grab().save(str(out / f"{name}-{w}x{h}.png"))
            view.close()
    ctx.close()
    print(f"screenshots in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
