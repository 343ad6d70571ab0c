"""Turning domain objects into JSON and short text lines for the terminal."""
from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from desk_app.domain.labels import status_label, sync_state_label
from desk_app.domain.models import Dossier



def jsonable(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, (datetime, date)):
        return obj.isoformat()
    if isinstance(obj, Path):
        return str(obj)
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    return obj


def dumps(obj: Any) -> str:
    return json.dumps(jsonable(obj), ensure_ascii=False, indent=2)


def fmt_dt(dt: datetime | None, lang: str) -> str:
    if dt is None:
        return "—"
    return dt.strftime("%H:%M %d/%m/%Y") if lang == "vi" else dt.strftime("%Y-%m-%d %H:%M")


def dossier_line(d: Dossier, lang: str) -> str:
    status = status_label(d.status, lang)
    return (f"{d.code}  {fmt_dt(d.received_at, lang)}  {d.applicant.full_name:<24}  "
            f"{d.procedure_code:<10} {status}  [{d.sync_state}]")


def dossier_detail(d: Dossier, lang: str) -> str:
    vi = lang == "vi"
    lines = [
        f"{'Mã hồ sơ' if vi else 'Code'}: {d.code}",
        f"{'Thủ tục' if vi else 'Procedure'}: {d.procedure_code} — {d.procedure_name}",
        f"{'Người nộp' if vi else 'Applicant'}: {d.applicant.full_name} ({d.applicant.id_number})"
        + (f", {d.applicant.phone}" if d.applicant.phone else ""),
        f"{'Tiếp nhận' if vi else 'Received'}: {fmt_dt(d.received_at, lang)}",
        f"{'Hẹn trả' if vi else 'Due'}: {fmt_dt(d.due_at, lang)}",
        f"{'Trạng thái' if vi else 'Status'}: "
        f"{status_label(d.status, lang)}",
        f"{'Đồng bộ' if vi else 'Sync'}: {sync_state_label(d.sync_state, lang)}"
        + (f" — {d.sync_error}" if d.sync_error else ""),
    ]
    if d.note:
        lines.append(f"{'Ghi chú' if vi else 'Note'}: {d.note}")
    for c in d.components:
        lines.append(f"  {c.seq}. {c.name} ({c.form.value}) × {c.quantity}")
    for a in d.attachments:
        lines.append(f"  📎 {a.filename} {a.size} B sha256={a.sha256[:12]}…")
    for e in d.events:
        lines.append(f"  {fmt_dt(e.at, lang)}  {e.from_status.value if e.from_status else '∅'}"
                     f" → {e.to_status.value}  {e.actor}" + (f" — {e.note}" if e.note else ""))
    return "\n".join(lines)
