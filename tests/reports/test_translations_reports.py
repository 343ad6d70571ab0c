"""Every literal UI string of the reports views has its finished Vietnamese translation (with its
%1 markers) in resources/i18n/desk_vi.ts."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FILES = ["desk_app/ui/queues.py", "desk_app/ui/dashboard.py", "desk_app/ui/rating_view.py",
         "desk_app/ui/cash_summary.py"]
MAIN_WINDOW_NEW = {"&Reports", "Work queues (Ctrl+W)", "Dashboard (F9)", "Dossiers", "Work queues",
                   "Citizen's rating of the selected dossier (Ctrl+R)", "Takings of the day…",
                   "Online dossiers", "Select a dossier first.", "The citizen's rating was recorded."}
VI_MARKS = set("ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")


def _strings(path: Path) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()

    def walk(node, cls):
        for ch in ast.iter_child_nodes(node):
            c = ch.name if isinstance(ch, ast.ClassDef) else cls
            if isinstance(ch, ast.Call) and isinstance(ch.func, ast.Attribute):
                a = ch.args
                if ch.func.attr == "tr" and a and isinstance(a[0], ast.Constant):
                    found.add((cls, a[0].value))
                if (ch.func.attr == "translate" and len(a) >= 2
                        and all(isinstance(x, ast.Constant) for x in a[:2])):
                    found.add((a[0].value, a[1].value))
            walk(ch, c)
    walk(ast.parse(path.read_text(encoding="utf-8")), None)
    return found


def test_every_string_has_its_vietnamese() -> None:
    import xml.etree.ElementTree as ET

    table = {}
    for c in ET.parse(ROOT / "resources/i18n/desk_vi.ts").getroot().iter("context"):
        for m in c.iter("message"):
            tr = m.find("translation")
            if tr is not None and tr.get("type") != "unfinished" and (tr.text or "").strip():
                table[(c.findtext("name"), m.findtext("source"))] = tr.text
    wanted = set().union(*(_strings(ROOT / f) for f in FILES))
    wanted |= {("MainWindow", s) for s in MAIN_WINDOW_NEW}
    assert wanted <= set(table), sorted(wanted - set(table))
    mine = {k: table[k] for k in wanted}
    for (ctx, src), vi in mine.items():
        assert vi.count("%1") == src.count("%1") and vi.count("%2") == src.count("%2"), src
        assert vi != src or src.startswith("%"), src
    assert sum(1 for vi in mine.values() if set(vi.lower()) & VI_MARKS) > len(mine) * 0.8
