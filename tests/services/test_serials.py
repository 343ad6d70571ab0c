"""Dossier codes: unique across restarts, desks, concurrent processes and restores."""
from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from desk_app.domain.errors import ValidationError
from desk_app.services import intake, open_desk
from desk_app.services.admin import setup
from offline_store import repo
from tests.services.deskutil import MINI_CATALOG, UNIT, VN, request

AT = datetime(2026, 11, 10, 10, 0, tzinfo=VN)


def _serials(codes: list[str]) -> list[int]:
    return [int(c.rsplit("-", 1)[1]) for c in codes]


def test_codes_continue_after_restart(desk_dir: Path) -> None:
    codes = []
    for _ in range(3):                                   # three "days of work" with restarts
        with open_desk(desk_dir) as ctx:
            codes += [intake.receive(ctx, request(received_at=AT)).code for _ in range(2)]
    assert _serials(codes) == [1001, 1002, 1003, 1004, 1005, 1006]


def test_two_desks_of_one_unit_never_collide(tmp_path: Path) -> None:
    dirs = []
    for desk in (1, 2):
        d = tmp_path / f"desk{desk}"
        setup.init_store(d, demo=False, desk_no=desk, unit_code=UNIT, catalog_path=MINI_CATALOG)
        dirs.append(d)
    got = {}
    for desk, d in zip((1, 2), dirs):
        with open_desk(d) as ctx:
            got[desk] = [intake.receive(ctx, request(received_at=AT)).code for _ in range(3)]
    assert _serials(got[1]) == [1001, 1002, 1003]
    assert _serials(got[2]) == [2001, 2002, 2003]
    assert not set(got[1]) & set(got[2])


def test_restore_of_an_old_counter_does_not_reuse_numbers(desk_dir: Path) -> None:
    """A backup restored with an older daily_serials row: the codes already present win."""
    with open_desk(desk_dir) as ctx:
        first = [intake.receive(ctx, request(received_at=AT)).code for _ in range(3)]
        with ctx.store.transaction() as conn:
            conn.execute("DELETE FROM daily_serials")
        nxt = intake.receive(ctx, request(received_at=AT)).code
    assert _serials([nxt]) == [1004] and nxt not in first


def test_block_exhaustion_is_a_clear_error(desk_dir: Path) -> None:
    with open_desk(desk_dir) as ctx:
        with ctx.store.transaction() as conn:
            conn.execute("INSERT INTO daily_serials VALUES (?, '261110', 1, 1999)", (UNIT,))
        with pytest.raises(ValidationError) as ei:
            intake.receive(ctx, request(received_at=AT))
        assert ei.value.code == "code_block_exhausted"
        assert repo.count_dossiers(ctx.store.conn) == 0


WORKER = r"""
import sys
from datetime import datetime, timedelta, timezone
from desk_app.services import open_desk, intake
from tests.services.deskutil import request
ctx = open_desk(sys.argv[1])
at = datetime(2026, 11, 10, 10, 0, tzinfo=timezone(timedelta(hours=7)))
for _ in range(int(sys.argv[2])):
    print(intake.receive(ctx, request(received_at=at)).code, flush=True)
"""


def test_concurrent_processes_on_one_desk_get_distinct_codes(desk_dir: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(desk_dir), "15"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=root)
             for _ in range(3)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [o[1][-500:] for o in outs]
    codes = [c for o in outs for c in o[0].split()]
    assert len(codes) == 45 and len(set(codes)) == 45
    assert sorted(_serials(codes)) == list(range(1001, 1046))
