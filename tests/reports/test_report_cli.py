"""`desk-app report`: the JSON (on_time_rate in percent, each Decision 766 indicator by its
national name), XLSX that openpyxl reads back, a PDF that pdftotext reads, progress as a job,
the supervisor's role, bad input; `report-trace` lists the dossiers behind a figure."""
from __future__ import annotations

import json
import subprocess

from tests.reports.conftest import as_json

NATIONAL = {"tien_do_giai_quyet": "Tiến độ giải quyết",
            "dich_vu_cong_truc_tuyen": "Dịch vụ công trực tuyến",
            "so_hoa_ho_so": "Số hóa hồ sơ", "muc_do_hai_long": "Mức độ hài lòng",
            "cong_khai_minh_bach": "Công khai, minh bạch",
            "thanh_toan_truc_tuyen": "Thanh toán trực tuyến"}
MAX = {"tien_do_giai_quyet": 20, "dich_vu_cong_truc_tuyen": 12, "so_hoa_ho_so": 22,
       "muc_do_hai_long": 18, "cong_khai_minh_bach": 18, "thanh_toan_truc_tuyen": 10}


def test_report_json_xlsx_pdf(cli, desk_dir, tmp_path) -> None:
    xlsx, pdf = tmp_path / "bc.xlsx", tmp_path / "bc.pdf"
    code, out, err = cli("report", "--from", "2025-01-01", "--to", "2026-11-19", "--json",
                         "--xlsx", str(xlsx), "--pdf", str(pdf), "--data-dir", str(desk_dir),
                         user="lan")
    assert code == 0, err
    r = as_json(out)
    assert 0 < r["on_time_rate"] <= 100
    assert r["on_time_rate"] == round(100 * r["figures"]["on_time"] / r["figures"]["judged"], 2)
    assert {k: g["name"] for k, g in r["indicators"].items()} == NATIONAL
    assert {k: g["max_score"] for k, g in r["indicators"].items()} == MAX
    assert sum(MAX.values()) == 100
    assert r["indicators"]["thanh_toan_truc_tuyen"]["score"] is None   # not computable at a desk
    from openpyxl import load_workbook

    wb = load_workbook(xlsx)
    assert wb.sheetnames[:2] == ["Tổng hợp", "Bộ chỉ số 766"]
    summary = {row[0]: row[1] for row in wb["Tổng hợp"].iter_rows(values_only=True) if row}
    assert summary["Tỷ lệ giải quyết đúng hạn (%)"] == r["on_time_rate"]
    procs = list(wb["Theo thủ tục"].iter_rows(values_only=True))[1:]
    assert {p[0] for p in procs} == {p["group"] for p in r["by_procedure"]}
    fees = {row[0]: row[2] for row in wb["Phí, lệ phí"].iter_rows(values_only=True)}
    assert fees["Tổng"] == r["fees"]["collected"] > 0
    assert sum(c["collected"] for c in r["fees"]["by_clerk"]) == r["fees"]["collected"]
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "BÁO CÁO KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in text
    assert "Quyết định 766/QĐ-TTg" in text and "Tiến độ giải quyết" in text
    assert f"{r['on_time_rate']:.2f}".replace(".", ",") + " %" in text


def test_report_is_a_job_with_progress(cli, desk_dir) -> None:
    code, out, _ = cli("report", "--from", "2026-01-01", "--to", "2026-03-31", "--json",
                       "--progress", "--data-dir", str(desk_dir), user="lan")
    assert code == 0
    lines = [json.loads(x) for x in out.strip().splitlines() if x.startswith("{\"event\"")]
    assert len(lines) >= 7 and lines[-1]["done"] == lines[-1]["total"]
    assert {ln["step"] for ln in lines} >= {"report.compute"}


def test_report_role_and_bad_input(cli, desk_dir, tmp_path) -> None:
    code, _, err = cli("report", "--data-dir", str(desk_dir), user="hoa")
    assert code == 3
    code, _, err = cli("report", "--from", "2026-03-01", "--to", "2026-02-01", "--data-dir",
                       str(desk_dir), user="lan")
    assert code == 2 and "trước ngày bắt đầu" in err
    code, _, err = cli("report", "--xlsx", str(tmp_path / "x.txt"), "--data-dir", str(desk_dir),
                       user="lan")
    assert code == 2 and not (tmp_path / "x.txt").exists()


def test_report_trace_lists_the_dossiers_behind_a_figure(cli, desk_dir) -> None:
    code, out, _ = cli("report", "--from", "2026-01-01", "--to", "2026-06-30", "--json",
                       "--data-dir", str(desk_dir), user="lan")
    r = as_json(out)
    code, out, _ = cli("report-trace", "late_resolved", "--from", "2026-01-01", "--to",
                       "2026-06-30", "--json", "--data-dir", str(desk_dir), user="lan")
    assert code == 0 and len(as_json(out)) == r["figures"]["late_resolved"] > 0
    clerk = r["by_clerk"][0]
    code, out, _ = cli("report-trace", "on_time", "--from", "2026-01-01", "--to", "2026-06-30",
                       "--group", "clerk", "--value", clerk["group"], "--json", "--data-dir",
                       str(desk_dir), user="lan")
    assert code == 0 and len(as_json(out)) == clerk["on_time"]
    code, _, _ = cli("report-trace", "nope", "--data-dir", str(desk_dir), user="lan")
    assert code == 2
