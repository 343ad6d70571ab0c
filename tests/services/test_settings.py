"""Province options and the clerk's name: validated, audited, and used by the deadline rules."""
from __future__ import annotations

from datetime import datetime

import pytest

from desk_app.domain.errors import ValidationError
from desk_app.services import intake
from desk_app.services.admin import settings
from tests.services.deskutil import VN, request


def test_afternoon_cutoff_moves_working_day_deadlines(ctx) -> None:
    at = datetime(2026, 11, 10, 16, 30, tzinfo=VN)     # Tuesday 16:30
    before = intake.receive(ctx, request(received_at=at)).due_at
    settings.update(ctx, afternoon_cutoff="16:00", actor="admin")
    assert ctx.province_cutoff is not None
    after = intake.receive(ctx, request(received_at=at)).due_at
    assert (before.day, after.day) == (13, 16)          # counted from Wednesday -> Monday


@pytest.mark.parametrize("key,value", [("afternoon_cutoff", "4pm"), ("office_end", "25:00"),
                                       ("serial_width", "9"), ("lookup_url", "ftp://x"),
                                       ("colour", "red")])
def test_bad_values_are_refused_and_nothing_changes(ctx, key, value) -> None:
    before = dict(ctx.settings)
    with pytest.raises(ValidationError) as ei:
        settings.update(ctx, **{"office_end": "16:30", key: value})
    assert key in ei.value.vi
    ctx.reload()
    assert ctx.settings == before


def test_clerk_name(ctx) -> None:
    settings.set_clerk(ctx, "  Lò   Văn Thắng ")
    assert ctx.clerk_name == "Lò Văn Thắng"
    with pytest.raises(ValidationError):
        settings.set_clerk(ctx, " ")
