"""DOCX (python-docx), XLSX (openpyxl, read-only) and XLS (xlrd) extraction."""
from __future__ import annotations

import datetime as dt
import io

from .guard import check_time, check_xml_parts, scan_archive
from .model import AttachmentText, ExtractionRefused, Limits
from .textclean import join_soft_wraps


def extract_docx(data: bytes, limits: Limits) -> AttachmentText:
    """Paragraphs and tables in body order; each table row also as a tab-joined line."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    scan_archive(data, limits)
    check_xml_parts(data, limits)
    document = docx.Document(io.BytesIO(data))
    lines: list[str] = []
    tables: list[list[list[str]]] = []
    for child in document.element.body.iterchildren():
        check_time("reading the DOCX body")
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            rows = []
            for row in Table(child, document).rows:
                cells = [join_soft_wraps(cell.text) for cell in row.cells]
                rows.append(_dedupe_merged(cells))
            tables.append(rows)
            lines.extend("\t".join(r) for r in rows)
    text = "\n".join(lines).strip("\n")
    return AttachmentText(kind="docx", text=text, tables=tables, engine="python-docx",
                          rows=rows_from_tables(tables))


def _dedupe_merged(cells: list[str]) -> list[str]:
    """python-docx repeats a horizontally merged cell; keep it once, pad with ""."""
    out: list[str] = []
    for i, cell in enumerate(cells):
        out.append("" if i and cell and cell == cells[i - 1] else cell)
    return out


def _cell_str(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return join_soft_wraps(str(value))


def extract_xlsx(data: bytes, limits: Limits) -> AttachmentText:
    from openpyxl import load_workbook

    scan_archive(data, limits)
    check_xml_parts(data, limits, streamed=("xl/worksheets/",))   # shared strings, styles: loaded whole
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        tables, names, cells = [], [], 0
        for ws in wb.worksheets:
            table = []
            for row in ws.iter_rows(values_only=True):
                cells += len(row)
                _check_cells(cells, limits)
                check_time(f"reading sheet {ws.title}")
                table.append([_cell_str(v) for v in row])
            tables.append(_trim(table))
            names.append(ws.title)
    finally:
        wb.close()
    return _sheet_result("xlsx", "openpyxl", tables, names)


def extract_xls(data: bytes, limits: Limits) -> AttachmentText:
    import xlrd

    book = xlrd.open_workbook(file_contents=data)
    tables, names = [], []
    _check_cells(sum(sheet.nrows * sheet.ncols for sheet in book.sheets()), limits)
    for sheet in book.sheets():
        table = []
        for r in range(sheet.nrows):
            check_time(f"reading sheet {sheet.name}")
            row = []
            for c in range(sheet.ncols):
                cell = sheet.cell(r, c)
                if cell.ctype == xlrd.XL_CELL_DATE:
                    row.append(_cell_str(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)))
                else:
                    row.append(_cell_str(cell.value))
            table.append(row)
        tables.append(_trim(table))
        names.append(sheet.name)
    return _sheet_result("xls", "xlrd", tables, names)


def _check_cells(cells: int, limits: Limits) -> None:
    """Sheets whose used range spans too many cells (e.g. one cell at XFD1048576) are refused."""
    if cells > limits.max_cells:
        raise ExtractionRefused(f"the sheets span more than {limits.max_cells} cells "
                                f"({Limits.env_name('max_cells')})")


def _trim(table: list[list[str]]) -> list[list[str]]:
    """Drop empty rows and trailing empty columns."""
    rows = [r for r in table if any(c.strip() for c in r)]
    width = max((max((i + 1 for i, c in enumerate(r) if c.strip()), default=0) for r in rows), default=0)
    return [r[:width] + [""] * (width - len(r)) for r in rows]


def _sheet_result(kind: str, engine: str, tables: list[list[list[str]]], names: list[str]) -> AttachmentText:
    lines = []
    for name, table in zip(names, tables):
        if table:
            lines.append(f"## {name}")
            lines.extend("\t".join(r) for r in table)
    result = AttachmentText(kind=kind, text="\n".join(lines), tables=tables, engine=engine, pages=len(tables))
    result.rows = rows_from_tables(tables, result.warnings)
    return result


def find_header(table: list[list[str]]) -> int | None:
    """Index of the header row: the first row that fills most columns with text, not numbers."""
    width = max((len(r) for r in table), default=0)
    for i, row in enumerate(table[:20]):
        filled = [c for c in row if c.strip()]
        if len(filled) >= max(2, (width + 1) // 2) and not any(_is_number(c) for c in filled):
            return i
    return None


def _is_number(s: str) -> bool:
    try:
        float(s.replace(",", ""))
        return True
    except ValueError:
        return False


def rows_from_tables(tables: list[list[list[str]]], warnings: list[str] | None = None) -> list[dict[str, str]]:
    """Rows below each table's header row, as dicts keyed by the header cells."""
    out: list[dict[str, str]] = []
    seen_headers: list[tuple[str, ...]] = []
    for table in tables:
        h = find_header(table)
        if h is None:
            continue
        header = _unique_keys(table[h])
        if seen_headers and tuple(header) not in seen_headers and warnings is not None:
            warnings.append("tables have different headers; rows mix them")
        seen_headers.append(tuple(header))
        for row in table[h + 1:]:
            if list(row[:len(header)]) == list(table[h][:len(header)]):
                continue  # header repeated on a later page
            out.append({key: (row[i] if i < len(row) else "") for i, key in enumerate(header)})
    return out


def _unique_keys(header: list[str]) -> list[str]:
    keys, counts = [], {}
    for i, cell in enumerate(header):
        key = cell.strip() or f"col{i + 1}"
        counts[key] = counts.get(key, 0) + 1
        keys.append(key if counts[key] == 1 else f"{key}_{counts[key]}")
    return keys
