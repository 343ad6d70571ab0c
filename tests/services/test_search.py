"""Search: diacritic- and case-insensitive names (đ included), code prefixes, ID, phone."""
from __future__ import annotations

import unicodedata
from datetime import datetime

from desk_app.services import dossiers, intake
from tests.services.deskutil import PEOPLE, UNIT, VN, request


def _fill(ctx) -> list:
    at = datetime(2026, 11, 20, 9, 0, tzinfo=VN)
    return [intake.receive(ctx, request(person=i, received_at=at)) for i in range(len(PEOPLE))]


def names(res) -> list[str]:
    return [d.applicant.full_name for d in res]


def test_folded_names(ctx) -> None:
    _fill(ctx)
    assert names(dossiers.search(ctx, "nguyen van an")) == ["Nguyễn Văn An"]
    assert names(dossiers.search(ctx, "NGUYỄN VĂN AN")) == ["Nguyễn Văn An"]
    assert names(dossiers.search(ctx, unicodedata.normalize("NFD", "Nguyễn Văn"))) == ["Nguyễn Văn An"]
    assert names(dossiers.search(ctx, "dang")) == ["Đặng Thị Hương"]
    assert names(dossiers.search(ctx, "do duc dung")) == ["Đỗ Đức Dũng"]
    assert names(dossiers.search(ctx, "nguyen van a")) == ["Nguyễn Văn An"]   # last word = prefix
    assert dossiers.search(ctx, "khong ai ten nay") == []


def test_code_id_and_phone(ctx) -> None:
    made = _fill(ctx)
    codes = [d.code for d in dossiers.search(ctx, f"{UNIT}-261120")]
    assert sorted(codes) == sorted(d.code for d in made)
    assert [d.code for d in dossiers.search(ctx, made[2].code)] == [made[2].code]
    assert [d.code for d in dossiers.search(ctx, made[2].code.lower())] == [made[2].code]
    assert names(dossiers.search(ctx, PEOPLE[1][0])) == ["Đặng Thị Hương"]
    assert names(dossiers.search(ctx, "0987 654 321")) == ["Đặng Thị Hương"]
    assert names(dossiers.search(ctx, "+84987654321")) == ["Đặng Thị Hương"]
    assert names(dossiers.search(ctx, "261120-1003")) == [made[2].applicant.full_name]


def test_newest_first_and_limit(ctx) -> None:
    for h in range(5):
        intake.receive(ctx, request(person=0, received_at=datetime(2026, 11, 20, 8 + h, 0,
                                                                 tzinfo=VN)))
    res = dossiers.search(ctx, "nguyen", limit=3)
    assert [d.received_at.hour for d in res] == [12, 11, 10]
    assert len(dossiers.list_recent(ctx, limit=2)) == 2
    assert dossiers.search(ctx, "   ", limit=4) == dossiers.list_recent(ctx, limit=4)


def test_search_syntax_is_never_an_error(ctx) -> None:
    _fill(ctx)
    for q in ['"', "nguyen AND", "*", "an OR dang", "NEAR(", "(", "-", "a.b.c", "'; DROP"]:
        dossiers.search(ctx, q)


def test_search_on_demo_data(demo_dir) -> None:
    from desk_app.services import open_desk
    with open_desk(demo_dir) as c:
        res = dossiers.search(c, "nguyen")
        assert res and all("Nguyễn" in d.applicant.full_name for d in res)
        assert all(a.received_at >= b.received_at for a, b in zip(res, res[1:]))
        d = dossiers.get(c, res[0].code)
        assert d.events and d.components
