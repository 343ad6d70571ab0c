"""The lifecycle and forms through the real CLI (in process, real store, real accounts): exit
codes 0/2/3, one clear line in Vietnamese (English with --lang en), nothing changed on refusal,
and every new form checked with pdftotext."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from desk_app.cli.main import main
from desk_app.domain.models import Role
from tests.printing import pdftools
from tests.services.deskutil import copy_desk
from tests.workflow.helpers import PDF, at, receive

LOGIN = {Role.CLERK: "hoa", Role.PROCESSOR: "thang", Role.OFFICER: "binh",
         Role.SUPERVISOR: "lan", Role.ADMIN: "quantri"}
PW_ENV = "DESK_TEST_WF_PW"


@pytest.fixture(scope="module")
def accounts_template(mini_template: Path, tmp_path_factory) -> Path:
    from desk_app.services import open_desk
    from desk_app.services.admin.setup import add_demo_accounts

    d = copy_desk(mini_template, tmp_path_factory.mktemp("wf") / "tpl")
    with open_desk(d, create=False) as ctx, ctx.store.transaction() as conn:
        add_demo_accounts(conn)
    return d


@pytest.fixture
def desk(accounts_template: Path, tmp_path: Path) -> tuple[Path, str]:
    from desk_app.services import open_desk

    d = copy_desk(accounts_template, tmp_path / "desk")
    with open_desk(d, create=False) as ctx:
        code = receive(ctx, at(2026, 2, 11, 9)).code          # due Mon 23/2/2026 17:00
    return d, code


def cli(monkeypatch, capsys, role: Role | None, *argv: str, lang: str = "vi") -> tuple[int, str, str]:
    pre = ["--lang", lang]
    if role is not None:
        monkeypatch.setenv(PW_ENV, f"demo-{role.value}")
        pre += ["--user", LOGIN[role], "--password-env", PW_ENV]
    code = main([*pre, *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def rows(data: Path, sql: str, *args) -> list[tuple]:
    con = sqlite3.connect(data / "desk.sqlite3")
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def state(data: Path) -> list:
    return [rows(data, f"SELECT * FROM {t} ORDER BY rowid") for t in
            ("dossiers", "dossier_events", "outbox", "attachments")]


def test_calendar_due_on_a_saturday_is_monday(monkeypatch, capsys) -> None:
    code, out, _ = cli(monkeypatch, capsys, None, "calendar", "due", "--received-at",
                       "2026-03-07T09:00", "--days", "1", "--json")
    assert code == 0 and json.loads(out)["due"] == "2026-03-09T17:00:00+07:00"


def test_a_life_through_the_cli(desk, monkeypatch, capsys, tmp_path: Path) -> None:
    data, code = desk
    dd = ["--data-dir", str(data)]
    steps = [
        (Role.CLERK, ["dossier", "transition", code, "--to", "in_process", "--received-by",
                      "Lò Văn Thắng", "--at", "2026-02-11T10:00"]),
        (Role.PROCESSOR, ["dossier", "supplement", "request", code, "--note",
                          "Bản sao giấy chứng sinh\nLý do: bản sao bị mờ", "--at",
                          "2026-02-12T10:00"]),
        (Role.CLERK, ["dossier", "supplement", "received", code, "--at", "2026-02-23T09:00"]),
        (Role.CLERK, ["dossier", "handover", code, "--to", "Phòng Tư pháp", "--agency",
                      "Sở Tư pháp tỉnh Lai Châu", "--at", "2026-02-23T10:00"]),
        (Role.OFFICER, ["dossier", "transition", code, "--to", "in_process", "--new-due",
                        "2026-03-02", "--note", "Chờ kết quả xác minh", "--at",
                        "2026-02-24T09:00", "--json"]),
    ]
    for role, argv in steps:
        rc, out, err = cli(monkeypatch, capsys, role, *argv, *dd)
        assert rc == 0, (argv, err)
        if "--json" not in argv:            # the text face: the step's one-line message
            assert len(out.strip().splitlines()) == 1 and code in out, out
    got = json.loads(out)
    assert got["due_at"] == "2026-03-02T17:00:00+07:00" and got["event"]["kind"] == "delay"
    due = rows(data, "SELECT due_at, original_due_at, paused_working_days FROM dossiers")[0]
    assert due == ("2026-03-02T17:00:00+07:00", "2026-02-23T17:00:00+07:00", 2)
    result = tmp_path / "ket-qua.pdf"
    result.write_bytes(PDF)
    rc, _, err = cli(monkeypatch, capsys, Role.PROCESSOR, "dossier", "transition", code, "--to",
                     "result_ready", "--file", str(result), "--at", "2026-02-27T14:00", *dd)
    assert rc == 0, err
    rc, _, err = cli(monkeypatch, capsys, Role.CLERK, "dossier", "return", code,
                     "--received-by", "Nguyễn Văn An", "--at", "2026-02-27T15:30", *dd)
    assert rc == 0, err
    rc, out, _ = cli(monkeypatch, capsys, Role.CLERK, "dossier", "history", code, *dd)
    hist = json.loads(out)
    assert hist["status"] == "returned"
    assert [e["kind"] for e in hist["events"]] == [
        "status", "handover", "supplement_request", "supplement_received", "handover", "delay",
        "result", "return"]

    # Forms 04, 06 and 07 of that life, read back with pdftotext.
    pdfs = {}
    for kind, extra in (("04", [code]), ("06", [code]),
                        ("07", ["--from", "2026-02-01", "--to", "2026-02-28"])):
        out_pdf = tmp_path / f"mau{kind}.pdf"
        rc, _, err = cli(monkeypatch, capsys, Role.CLERK, "form", "--kind", kind, *extra,
                         "-o", str(out_pdf), *dd)
        assert rc == 0, err
        pdfs[kind] = pdftools.flat(out_pdf.read_bytes())
    t4 = pdfs["04"]
    assert "Mẫu số 04" in t4 and "PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in t4
    assert code in t4 and "Chờ kết quả xác minh" in t4
    assert "ngày 25 tháng 02 năm 2026" in t4          # the appointment before the delay
    assert "ngày 02 tháng 3 năm 2026" in t4           # the new one
    t6 = pdfs["06"]
    assert "Mẫu số 06" in t6 and "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in t6
    assert "Sở Tư pháp tỉnh Lai Châu" in t6 and "Lò Văn Thắng" in t6
    assert "10 giờ 00 phút" in t6 and "11/02/2026" in t6 and "Nguyễn Văn An" in t6
    assert "Trước hạn" in t6 or "Đúng hạn" in t6
    t7 = pdfs["07"]
    assert "Mẫu số 07" in t7 and "SỔ THEO DÕI HỒ SƠ" in t7
    assert "Từ ngày 01/02/2026 đến ngày 28/02/2026" in t7
    assert code.split("-")[0] in t7 and "Cấp Giấy xác nhận tình trạng hôn nhân" in t7
    assert "Tổng số: 1 hồ sơ" in t7 and "Nguyễn Văn An" in t7
    # the receipt still shows the first appointment
    out01 = tmp_path / "mau01.pdf"
    assert cli(monkeypatch, capsys, Role.CLERK, "form", "--kind", "01", code, "-o", str(out01),
               *dd)[0] == 0
    t1 = pdftools.flat(out01.read_bytes())
    assert "Mẫu số 01" in t1 and "ngày 23 tháng 02 năm 2026" in t1


def test_form_05_after_a_stop(desk, monkeypatch, capsys, tmp_path: Path) -> None:
    data, code = desk
    dd = ["--data-dir", str(data)]
    assert cli(monkeypatch, capsys, Role.CLERK, "dossier", "handover", code, "--to",
               "Cán bộ địa chính", "--at", "2026-02-11T10:00", *dd)[0] == 0
    rc, _, err = cli(monkeypatch, capsys, Role.PROCESSOR, "dossier", "stop", code, "--note",
                     "Đất đang có tranh chấp, chờ bản án của Tòa án", "--at",
                     "2026-02-12T15:00", *dd)
    assert rc == 0, err
    out = tmp_path / "m05.pdf"
    assert cli(monkeypatch, capsys, Role.CLERK, "form", "--kind", "5", code, "-o", str(out),
               *dd)[0] == 0
    t = pdftools.flat(out.read_bytes())
    assert "Mẫu số 05" in t and "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in t and code in t
    assert "chờ bản án của Tòa án" in t and "15 giờ 00 phút, ngày 12 tháng 02 năm 2026" in t
    assert "Kính gửi: Nguyễn Văn An" in t


@pytest.mark.parametrize("role,argv,needle_vi,needle_en,rc_want", [
    # wrong state: a result is returned before there is one
    (Role.CLERK, ["dossier", "return", "{code}", "--received-by", "An"],
     "Không thể chuyển hồ sơ từ «Đã tiếp nhận» sang «Đã trả kết quả»",
     "cannot go from 'Received' to 'Result returned'", 2),
    # a time before intake
    (Role.CLERK, ["dossier", "handover", "{code}", "--to", "Cán bộ", "--at", "2026-02-10T09:00"],
     "trước khi tiếp nhận hồ sơ", "before the dossier was received", 2),
    # a role the state machine refuses (a clerk may not refuse after intake): exit 3
    (Role.CLERK, ["dossier", "refuse", "{code}", "--note", "Không đủ điều kiện"],
     "Vai trò công chức tiếp nhận không được chuyển hồ sơ", "The receiving clerk role may not", 3),
    # a role the registry refuses (a processor does not hand results back): exit 3
    (Role.PROCESSOR, ["dossier", "withdraw", "{code}"], "không được phép chạy lệnh",
     "may not run", 3),
    # the new date is a day off (a Saturday): the message names the next working day
    (Role.OFFICER, ["dossier", "delay", "{code}", "--new-due", "2026-02-28", "--note", "x"],
     "là ngày nghỉ; ngày làm việc gần nhất sau đó là 02/03/2026", "is a day off", 2),
    (Role.OFFICER, ["dossier", "delay", "{code}", "--new-due", "2026-02-21", "--note", "x"],
     "phải sau ngày hẹn hiện tại", "must be after the current one", 2),
    (Role.CLERK, ["dossier", "transition", "{code}", "--to", "xong"],
     "không tồn tại", "Unknown dossier status", 2),
])
def test_bad_input_is_one_clear_line_and_changes_nothing(desk, monkeypatch, capsys, role, argv,
                                                         needle_vi, needle_en, rc_want) -> None:
    data, code = desk
    argv = [a.replace("{code}", code) for a in argv] + ["--data-dir", str(data)]
    before = state(data)
    for lang, needle, prefix in (("vi", needle_vi, "Lỗi:"), ("en", needle_en, "Error:")):
        rc, out, err = cli(monkeypatch, capsys, role, *argv, lang=lang)
        assert rc == rc_want, err
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(prefix) and needle in lines[0], err
        assert state(data) == before


def test_a_result_file_that_is_not_a_pdf_exits_2(desk, monkeypatch, capsys, tmp_path) -> None:
    data, code = desk
    dd = ["--data-dir", str(data)]
    assert cli(monkeypatch, capsys, Role.CLERK, "dossier", "handover", code, "--to", "Cán bộ",
               *dd)[0] == 0
    fake = tmp_path / "ket-qua.pdf"
    fake.write_text("<html>không phải PDF</html>", encoding="utf-8")
    before = state(data)
    rc, _, err = cli(monkeypatch, capsys, Role.PROCESSOR, "dossier", "result", code, "--file",
                     str(fake), *dd)
    assert rc == 2 and "không phải PDF hoặc ảnh" in err
    assert state(data) == before


def test_admin_acts_as_a_supervisor(desk, monkeypatch, capsys) -> None:
    data, code = desk
    rc, out, err = cli(monkeypatch, capsys, Role.ADMIN, "dossier", "refuse", code, "--note",
                       "Hồ sơ giả mạo", "--data-dir", str(data), "--json")
    assert rc == 0, err
    assert json.loads(out)["status"] == "refused"
    assert rows(data, "SELECT role FROM dossier_events ORDER BY id DESC LIMIT 1") == [("admin",)]


def test_form_04_without_a_delay_and_07_with_a_reversed_period(desk, monkeypatch, capsys,
                                                                tmp_path) -> None:
    data, code = desk
    out = tmp_path / "x.pdf"
    rc, _, err = cli(monkeypatch, capsys, Role.CLERK, "form", "--kind", "04", code, "-o",
                     str(out), "--data-dir", str(data))
    assert rc == 2 and "chưa được gia hạn" in err and not out.exists()
    rc, _, err = cli(monkeypatch, capsys, Role.CLERK, "form", "--kind", "07", "--from",
                     "2026-03-01", "--to", "2026-02-01", "-o", str(out), "--data-dir", str(data),
                     lang="en")
    assert rc == 2 and "start 2026-03-01 is after the end" in err and not out.exists()


def test_returned_by_post_through_transition(desk, monkeypatch, capsys, tmp_path) -> None:
    data, code = desk
    dd = ["--data-dir", str(data)]
    result = tmp_path / "kq.pdf"
    result.write_bytes(PDF)
    assert cli(monkeypatch, capsys, Role.SUPERVISOR, "dossier", "handover", code, "--to", "Cán bộ",
               *dd)[0] == 0
    assert cli(monkeypatch, capsys, Role.PROCESSOR, "dossier", "result", code, "--file",
               str(result), *dd)[0] == 0
    rc, out, err = cli(monkeypatch, capsys, Role.CLERK, "dossier", "transition", code, "--to",
                       "returned", "--via", "post", "--tracking", "EB987654321VN", *dd)
    assert rc == 0, err
    assert rows(data, "SELECT status, delivery_done, returned_to FROM dossiers") == [
        ("returned", "post", "EB987654321VN")]
