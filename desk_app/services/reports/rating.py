"""The citizen's rating of the service, after intake and after the return of the result.

Levels are the province's (setting ``rating_levels``: labels best first, separated by ``|``;
default the national three, Rất hài lòng / Hài lòng / Không hài lòng). The last level is the
unsatisfied one and needs a reason. A rating stores no person (anonymous in reports): the
dossier, the stage, the level, the comment, the time. One rating per dossier and stage. It goes
to the province as a ``deferred.rating`` outbox item (lane ``deferred``) that names only the
dossier code.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from desk_app.domain.errors import NotFoundError, ValidationError
from desk_app.domain.ids import new_op_id
from desk_app.domain.text import sanitize
from desk_app.services import convert
from desk_app.services.context import DeskContext
from offline_store import audit, outbox, repo

DEFAULT_LEVELS = ("Rất hài lòng", "Hài lòng", "Không hài lòng")
DEFAULT_LEVELS_EN = ("Very satisfied", "Satisfied", "Not satisfied")
SETTING = "rating_levels"
STAGES = {"intake": ("sau khi tiếp nhận", "after intake"),
          "return": ("khi trả kết quả", "at the return of the result")}
MAX_COMMENT = 500


@dataclass(frozen=True)
class Rating:
    code: str
    stage: str
    level: int
    label: str
    satisfied: bool
    comment: str
    at: datetime


def levels(ctx: DeskContext) -> tuple[str, ...]:
    """The province's levels, best first (at least 2)."""
    raw = repo.get_setting(ctx.store.conn, SETTING, "") or ""
    labels = tuple(x.strip() for x in raw.split("|") if x.strip())
    return labels if 2 <= len(labels) <= 9 else DEFAULT_LEVELS


def level_labels(ctx: DeskContext, lang: str = "vi") -> tuple[str, ...]:
    labs = levels(ctx)
    if lang == "en" and labs == DEFAULT_LEVELS:
        return DEFAULT_LEVELS_EN
    return labs


def rate(ctx: DeskContext, code: str, level: int, *, stage: str = "return", comment: str = "",
         actor: str, now: datetime | None = None) -> Rating:
    labs = levels(ctx)
    if stage not in STAGES:
        raise ValidationError("rating_bad_stage", "Giai đoạn đánh giá chỉ là intake hoặc return.",
                              "The rating stage is intake or return.", field="stage")
    if not isinstance(level, int) or not 1 <= level <= len(labs):
        raise ValidationError("rating_bad_level", f"Mức đánh giá phải từ 1 đến {len(labs)}.",
                              f"The level must be 1 to {len(labs)}.", field="level")
    comment = sanitize(comment or "", field="comment", max_len=MAX_COMMENT, label_vi="Ý kiến",
                       label_en="Comment", multiline=True)
    if level == len(labs) and not comment:
        raise ValidationError("rating_reason_required",
                              f"Mức “{labs[-1]}” cần ghi rõ lý do.",
                              f"The level “{labs[-1]}” needs a reason.", field="comment")
    now = convert.local(now or datetime.now(convert.VN_TZ))
    with ctx.store.transaction() as conn:
        row = repo.get_dossier(conn, code)
        if row is None:
            raise NotFoundError("dossier_not_found", f"Không tìm thấy hồ sơ “{code[:40]}”.",
                                f"No dossier “{code[:40]}”.", code=code[:40])
        if stage == "return" and row["status"] != "returned" and not row["returned_at"]:
            raise ValidationError("rating_not_returned",
                                  f"Hồ sơ {code} chưa trả kết quả: chưa thể đánh giá khâu trả"
                                  " kết quả (có thể đánh giá khâu tiếp nhận: --stage intake).",
                                  f"Dossier {code} has not been returned: the return cannot be"
                                  " rated yet (the intake can: --stage intake).", code=code)
        if conn.execute("SELECT 1 FROM ratings WHERE dossier_id = ? AND stage = ?",
                        (row["id"], stage)).fetchone():
            vi_stage, en_stage = STAGES[stage]
            raise ValidationError("rating_exists",
                                  f"Hồ sơ {code} đã được đánh giá {vi_stage}.",
                                  f"Dossier {code} was already rated {en_stage}.", code=code)
        satisfied = level < len(labs)
        at = convert.iso_local(now)
        conn.execute("INSERT INTO ratings(dossier_id, stage, level, satisfied, comment, at)"
                     " VALUES (?,?,?,?,?,?)", (row["id"], stage, level, int(satisfied), comment,
                                               at))
        outbox.enqueue(conn, kind="deferred.rating", lane="deferred",
                       payload={"MaHoSo": code, "GiaiDoan": stage, "MucDo": level,
                                "TenMucDo": labs[level - 1], "HaiLong": satisfied,
                                "YKien": comment, "ThoiGian": now.strftime("%Y%m%d%H%M%S")},
                       record_id=row["record_id"], clerk=actor, op_id=new_op_id())
        audit.append(conn, actor=actor, action="rating.record", entity="dossier",
                     entity_id=row["record_id"], detail={"code": code, "stage": stage,
                                                         "level": level})
    return Rating(code, stage, level, labs[level - 1], satisfied, comment, now)
