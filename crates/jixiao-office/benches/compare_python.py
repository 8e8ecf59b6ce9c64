#!/usr/bin/env python3
"""The same export as `benches/export.rs`, done with python-docx and openpyxl, for the ratio.

Optional; not run by CI. Builds the seed table (fixtures/seed.expected.json, 15 rows) the
way our writers lay it out — title, 主管部门 line, six columns, 一级/二级 merged down, header row
repeated, 合计 row, A4 landscape — and prints the mean time per export.

    python3 -m venv /tmp/pyenv && /tmp/pyenv/bin/pip install python-docx openpyxl
    /tmp/pyenv/bin/python crates/jixiao-office/benches/compare_python.py

Compare with `cargo bench -p jixiao-office --bench export` (export_seed/docx, export_seed/xlsx).
"""

import io
import json
import pathlib
import time

import docx
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
import openpyxl
from openpyxl.styles import Alignment, Border, Font, Side

SEED = pathlib.Path(__file__).resolve().parents[3] / "fixtures/seed.expected.json"
HEADERS = ["一级指标", "二级指标", "任务要点名称", "年度目标", "进度情况", "分值权重"]


def points(w):
    return f"{w:g}分"


def runs(rows, key):
    """(start, end) of runs of equal keys."""
    out, start = [], 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or key(rows[i]) != key(rows[start]):
            out.append((start, i - 1))
            start = i
    return out


def to_docx(t):
    d = docx.Document()
    s = d.sections[0]
    s.orientation = WD_ORIENT.LANDSCAPE
    s.page_width, s.page_height = Mm(297), Mm(210)
    d.add_paragraph(t["title"])
    d.add_paragraph("主管部门：" + t["department"])
    rows = t["rows"]
    table = d.add_table(rows=len(rows) + 2, cols=6)
    table.style = "Table Grid"
    hdr = table.rows[0]
    trpr = hdr._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    trpr.append(el)
    for c, h in enumerate(HEADERS):
        hdr.cells[c].text = h
    for i, r in enumerate(rows, start=1):
        cells = table.rows[i].cells
        for c, v in enumerate(
            [r["level1"], r["level2"], r["task"], r["target"], r["progress"], points(r["weight"])]
        ):
            cells[c].text = v
    for col, key in [(0, lambda r: r["level1"]), (1, lambda r: (r["level1"], r["level2"]))]:
        for a, b in runs(rows, key):
            if b > a:
                merged = table.cell(a + 1, col).merge(table.cell(b + 1, col))
                merged.text = rows[a]["level1"] if col == 0 else rows[a]["level2"]
    last = table.rows[len(rows) + 1]
    total = last.cells[0].merge(last.cells[4])
    total.text = "合计"
    last.cells[5].text = points(sum(r["weight"] for r in rows))
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def to_xlsx(t):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "绩效考核表"
    rows = t["rows"]
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="center")
    body = Font(name="仿宋_GB2312", size=11)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=6)
    ws.cell(1, 1, t["title"]).font = Font(name="方正小标宋简体", size=18)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=6)
    ws.cell(2, 1, "主管部门：" + t["department"])
    for c, h in enumerate(HEADERS, start=1):
        cell = ws.cell(3, c, h)
        cell.font = Font(name="黑体", size=11)
        cell.border = border
    for i, r in enumerate(rows, start=4):
        for c, v in enumerate(
            [r["level1"], r["level2"], r["task"], r["target"], r["progress"]], start=1
        ):
            cell = ws.cell(i, c, v)
            cell.alignment, cell.border, cell.font = wrap, border, body
        cell = ws.cell(i, 6, r["weight"])
        cell.number_format = 'General"分"'
        cell.border = border
    for col, key in [(1, lambda r: r["level1"]), (2, lambda r: (r["level1"], r["level2"]))]:
        for a, b in runs(rows, key):
            if b > a:
                ws.merge_cells(start_row=a + 4, start_column=col, end_row=b + 4, end_column=col)
    total_row = len(rows) + 4
    ws.merge_cells(start_row=total_row, start_column=1, end_row=total_row, end_column=5)
    ws.cell(total_row, 1, "合计")
    ws.cell(total_row, 6, sum(r["weight"] for r in rows))
    for letter, width in zip("ABCDEF", [14, 12, 18, 40, 50, 9]):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def mean_ms(f, t, n):
    f(t)  # warm up
    start = time.perf_counter()
    for _ in range(n):
        f(t)
    return (time.perf_counter() - start) / n * 1000


def main():
    t = json.loads(SEED.read_text(encoding="utf-8"))
    print(f"python-docx {docx.__version__ if hasattr(docx, '__version__') else '?'}: "
          f"{mean_ms(to_docx, t, 50):.2f} ms per .docx")
    print(f"openpyxl {openpyxl.__version__}: {mean_ms(to_xlsx, t, 50):.2f} ms per .xlsx")


if __name__ == "__main__":
    main()
