"""The award list of an emulation movement as an official document: PDF and Excel.

The PDF is templates/documents/award_list.html laid out by the report PDF's
machinery (documents/pdf.py: Decree 30 layout, bundled Liberation
Serif, no network). The workbook is built with the report workbooks' helpers
(documents/excel.py): every cell in Times New Roman, and every name and
reason a reviewer typed written as text, never as a formula.
"""

import unicodedata

from django.template.loader import render_to_string

from documents.excel import (
    CENTRE,
    HEADER,
    PLAIN,
    TEXT,
    TITLE,
    Book,
    Look,
    column_widths,
    page_setup,
)
from documents.pdf import html_to_pdf
from documents.wording import date_line
from movements.standing import award_list
from portal.downloads import slug
from portal.models import UnitKind

TEMPLATE = "documents/award_list.html"
DOC_TYPE = "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

# What a unit's name starts with, and what its place name in a date line drops.
_KIND_WORDS = ("Thành phố", "Thị xã", "Thị trấn", "Huyện", "Tỉnh", "Quận", "Phường", "Xã")


def _upper(text):
    return unicodedata.normalize("NFC", text or "").upper()


def place_name(unit):
    """ "Huyện Hồng Ngự" → "Hồng Ngự", as the date line writes the place."""
    for word in _KIND_WORDS:
        if unit.name.startswith(word + " "):
            return unit.name[len(word) + 1 :]
    return unit.name


def issuer_line(unit):
    """ "UBND HUYỆN HỒNG NGỰ": the People's Committee of the launching territory."""
    if unit.kind in (UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.COMMUNE):
        return f"UBND {_upper(unit.name)}"
    return _upper(unit.name)


def summary_line(movement):
    """Seed 003, section IV: the collectives and individuals "hoàn thành mục tiêu, chỉ tiêu
    trong phong trào thi đua…", the movement's title in the running text."""
    title = movement.title
    running = title[:1].lower() + title[1:] if title[:1] != title[:1].lower() else title
    return f"Tập thể, cá nhân hoàn thành mục tiêu, chỉ tiêu trong {running}"


def document_context(movement):
    collectives, individuals = award_list(movement)
    return {
        "movement": movement,
        "issuer": issuer_line(movement.unit),
        "nation": NATION,
        "motto": MOTTO,
        # Day and month are left blank for the date written when the list is signed.
        "date_line": date_line(place_name(movement.unit), None, movement.year),
        "doc_type": DOC_TYPE,
        "summary": summary_line(movement),
        "collectives": collectives,
        "individuals": individuals,
    }


def award_list_html(movement):
    html = render_to_string(TEMPLATE, document_context(movement))
    return unicodedata.normalize("NFC", html)


def award_list_pdf(movement):
    return html_to_pdf(award_list_html(movement))


def filename(movement, extension):
    """ "khen-thuong-huyen-hong-ngu-2021-7.pdf": ASCII, and the movement's id keeps
    two movements of a unit and year apart."""
    return f"khen-thuong-{slug(movement.unit.name)}-{movement.year}-{movement.pk}.{extension}"


# ------------------------------------------------------------------------------ Excel

COLUMNS = 4  # STT, name, position and unit, achievement
BOLD = Look(bold=True, grid=False)
BOLD_CENTRE = Look(bold=True, align="center", grid=False)
ITALIC_CENTRE = Look(italic=True, align="center", grid=False)
SUMMARY = Look(bold=True, align="center", wrap=True, grid=False)


def _merged(book, ws, row, first, last, value, look):
    # openpyxl draws the top-left cell's borders round the whole merged range.
    book.put(ws, row, first, value, look)
    if last > first:
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)


def award_list_workbook(movement):
    """The award list as an .xlsx file (bytes): the document's header, then the
    collectives and the individuals, each numbered."""
    context = document_context(movement)
    book = Book()
    ws = book.wb.create_sheet("Danh sách khen thưởng")
    column_widths(ws, [7, 32, 34, 55])
    _merged(book, ws, 1, 1, 2, context["issuer"], BOLD_CENTRE)
    _merged(book, ws, 1, 3, 4, NATION, BOLD_CENTRE)
    _merged(book, ws, 2, 3, 4, MOTTO, BOLD_CENTRE)
    _merged(book, ws, 3, 3, 4, context["date_line"], ITALIC_CENTRE)
    _merged(book, ws, 5, 1, COLUMNS, DOC_TYPE, TITLE)
    _merged(book, ws, 6, 1, COLUMNS, context["summary"], SUMMARY)
    ws.row_dimensions[6].height = 34
    row = 8
    _merged(book, ws, row, 1, COLUMNS, "I. TẬP THỂ", BOLD)
    row += 1
    book.put(ws, row, 1, "STT", HEADER)
    _merged(book, ws, row, 2, 3, "Tên tập thể", HEADER)
    book.put(ws, row, 4, "Thành tích", HEADER)
    for number, proposal in enumerate(context["collectives"], start=1):
        row += 1
        book.put(ws, row, 1, number, CENTRE)
        _merged(book, ws, row, 2, 3, proposal.unit.name, TEXT)
        book.put(ws, row, 4, proposal.reason, TEXT)
    row += 2
    _merged(book, ws, row, 1, COLUMNS, "II. CÁ NHÂN", BOLD)
    row += 1
    for column, heading in enumerate(("STT", "Họ và tên", "Chức vụ, đơn vị", "Thành tích"), 1):
        book.put(ws, row, column, heading, HEADER)
    for number, proposal in enumerate(context["individuals"], start=1):
        row += 1
        book.put(ws, row, 1, number, CENTRE)
        book.put(ws, row, 2, proposal.person_name, TEXT)
        where = ", ".join(p for p in (proposal.person_title, proposal.unit.name) if p)
        book.put(ws, row, 3, where, TEXT)
        book.put(ws, row, 4, proposal.reason, TEXT)
    row += 2
    total = (
        f"Tổng cộng: {len(context['collectives']):02d} tập thể, "
        f"{len(context['individuals']):02d} cá nhân."
    )
    _merged(book, ws, row, 1, COLUMNS, total, PLAIN)
    page_setup(ws, COLUMNS)
    return book.save()
