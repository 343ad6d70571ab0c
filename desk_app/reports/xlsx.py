"""The report (``indicators.build_report``) as an XLSX workbook (openpyxl, imported here only)."""
from __future__ import annotations

from pathlib import Path

GROUP_COLS = [("label", "Nhóm"), ("received", "Tiếp nhận"), ("judged", "Đến hạn/đã giải quyết"),
              ("on_time", "Trước hạn, đúng hạn"), ("late_resolved", "Giải quyết quá hạn"),
              ("overdue_open", "Quá hạn chưa giải quyết"), ("on_time_rate", "Tỷ lệ đúng hạn (%)"),
              ("online", "Trực tuyến"), ("online_share", "Tỷ lệ trực tuyến (%)"),
              ("digitised", "Đã số hóa"), ("digitisation_rate", "Tỷ lệ số hóa (%)"),
              ("results", "Có kết quả"), ("results_digitised", "Kết quả số hóa"),
              ("result_digitisation_rate", "Tỷ lệ số hóa kết quả (%)"),
              ("rated", "Lượt đánh giá"), ("satisfied", "Hài lòng"),
              ("satisfaction_rate", "Tỷ lệ hài lòng (%)"), ("synced", "Đã đồng bộ"),
              ("sync_rate", "Tỷ lệ đồng bộ (%)")]


def write(report: dict, path: Path, *, unit_name: str = "") -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    bold = Font(bold=True)
    ws.append(["BÁO CÁO KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([unit_name])
    p = report["period"]
    ws.append(["Kỳ báo cáo", f"{p['from']} – {p['to']}"])
    ws.append(["Tính đến", report["as_of"]])
    ws.append([])
    ws.append(["Chỉ tiêu", "Giá trị"])
    for c in ws[ws.max_row]:
        c.font = bold
    for key, label in (("on_time_rate", "Tỷ lệ giải quyết đúng hạn (%)"),
                       ("digitisation_rate", "Tỷ lệ số hóa hồ sơ (%)"),
                       ("result_digitisation_rate", "Tỷ lệ số hóa kết quả (%)"),
                       ("online_share", "Tỷ lệ hồ sơ trực tuyến (%)"),
                       ("satisfaction_rate", "Tỷ lệ hài lòng (%)"),
                       ("sync_rate", "Tỷ lệ đồng bộ (%)")):
        ws.append([label, report[key]])
    ws.append([])
    for key, fig in report["figure_names"].items():
        ws.append([fig["vi"], report["figures"][key]])
    ws.column_dimensions["A"].width = 48
    ws.column_dimensions["B"].width = 24

    wi = wb.create_sheet("Bộ chỉ số 766")
    wi.append(["Nhóm chỉ số", "Chỉ số", "Điểm tối đa", "Điểm", "Tử số", "Mẫu số", "Tỷ lệ (%)"])
    for c in wi[1]:
        c.font = bold
    for g in report["indicators"].values():
        wi.append([g["name"], "", g["max_score"], g["score"]])
        wi.cell(wi.max_row, 1).font = bold
        for part in g["parts"].values():
            wi.append(["", part["name"], part["max_score"],
                       "không tính được tại quầy" if part["score"] is None else part["score"],
                       part.get("numerator"), part.get("denominator"), part.get("rate")])
    wi.append(["Tổng điểm (phần tính được)", "", report["computable_max"], report["score"]])
    wi.column_dimensions["A"].width = 28
    wi.column_dimensions["B"].width = 56

    for title, rows in (("Theo thủ tục", report["by_procedure"]),
                        ("Theo cán bộ", report["by_clerk"]),
                        ("Theo tháng", report["by_month"])):
        s = wb.create_sheet(title)
        s.append(["Mã" if title == "Theo thủ tục" else "", *[c[1] for c in GROUP_COLS]])
        for c in s[1]:
            c.font = bold
        for r in rows:
            s.append([r["group"], *[r.get(k) for k, _ in GROUP_COLS]])
        s.column_dimensions["B"].width = 40

    sf = wb.create_sheet("Phí, lệ phí")
    fees = report["fees"]
    sf.append(["Cán bộ", "Số khoản thu", "Số tiền (đồng)", "Miễn", "Ngày có thu", "Ngày đã ký xác nhận"])
    for c in sf[1]:
        c.font = bold
    for c in fees["by_clerk"]:
        sf.append([c["clerk"], c["payments"], c["collected"], c["exempt"], c["days"],
                   c["days_signed_off"]])
    sf.append(["Tổng", fees["payments"], fees["collected"], fees["exempt"]])
    sf.column_dimensions["A"].width = 28

    dig = report.get("digitisation")
    if dig:                              # issue 14: digitisation and re-use figures
        sd = wb.create_sheet("Số hóa")
        sd.append(["Số liệu", "Giá trị"])
        for c in sd[1]:
            c.font = bold
        for key, fig in dig["figure_names"].items():
            sd.append([fig["vi"], dig["figures"][key]])
        for key, label in (("dossier_digitisation_rate", "Tỷ lệ số hóa hồ sơ (%)"),
                           ("paper_digitisation_rate", "Tỷ lệ số hóa hồ sơ giấy (%)"),
                           ("component_digitisation_rate", "Tỷ lệ số hóa thành phần (%)"),
                           ("result_digitisation_rate", "Tỷ lệ số hóa kết quả (%)"),
                           ("reuse_rate", "Tỷ lệ sử dụng lại dữ liệu đã số hóa (%)")):
            sd.append([label, dig["rates"][key]])
        sd.append([])
        cols = list(dig["figure_names"])
        sd.append(["Mã thủ tục", "Thủ tục", *[dig["figure_names"][k]["vi"] for k in cols]])
        for c in sd[sd.max_row]:
            c.font = bold
        for r in dig["by_procedure"]:
            sd.append([r["group"], r["label"], *[r[k] for k in cols]])
        sd.column_dimensions["A"].width = 52
        sd.column_dimensions["B"].width = 40

    so = wb.create_sheet("Quá hạn")
    so.append(["Mã hồ sơ", "Thủ tục", "Người nộp", "Cán bộ", "Hẹn trả", "Trạng thái"])
    for c in so[1]:
        c.font = bold
    for it in report["overdue_now"]["items"]:
        so.append([it["code"], it["procedure"], it["applicant"], it["clerk"], it["due_at"],
                   it["status"]])
    path = Path(path)
    wb.save(path)
    return path
