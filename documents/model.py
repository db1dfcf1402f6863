"""An official document as printed (Decree 30/2020/NĐ-CP, Appendix I), in one
typed model that every renderer reads: the HTML preview and the PDF
(templates/documents/report.html), the Excel appendix (documents/report_xlsx.py).

The model holds every printed word already written: upper case, place names,
dates, number lines are decided by the builders (documents/build.py) through
documents/wording.py and documents/names.py, and a renderer only lays them
out. A builder makes one per kind of document: a report, a provincial
synthesis (a report of the province), later an award list, a roll-up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum


class Form(Enum):
    """The header of a State body or of a Party body (Decree 30; Party: Hướng dẫn 36-HD/VPTW)."""

    STATE = "state"
    PARTY = "party"


@dataclass(frozen=True)
class Header:
    """The two columns above the title: bodies and number | nation and date."""

    superior_body: str  # upper case, "UBND TỈNH ĐỒNG THÁP"; may be empty
    issuer_lines: tuple[str, ...]  # upper case, "ỦY BAN NHÂN DÂN" / "HUYỆN CHÂU THÀNH"
    form: Form
    number_line: str  # "Số: 125/BC-UBND" or "Số 12-BC/HU"
    date_line: str  # "Châu Thành, ngày 20 tháng 11 năm 2020"

    @property
    def party(self) -> bool:
        return self.form is Form.PARTY

    @property
    def nation_lines(self) -> tuple[str, ...]:
        """Right column: the nation and motto, or the Party's name."""
        if self.party:
            return ("ĐẢNG CỘNG SẢN VIỆT NAM",)
        return ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


@dataclass(frozen=True)
class Run:
    """A piece of a printed line; `keep` pieces never break across lines
    (document symbols "21-NQ/TW", the summary's last two words)."""

    text: str
    keep: bool = False


@dataclass(frozen=True)
class Paragraph:
    text: str  # as the document reads it
    runs: tuple[Run, ...]  # the same text, cut where it must not break

    def __str__(self) -> str:
        return self.text


class CellKind(Enum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    MARK = "mark"  # "X" in a matrix
    RATIO = "ratio"  # a ratio of two other cells of the row


@dataclass(frozen=True)
class Ratio:
    """A ratio column's operands: the row's cells at `numerator` and
    `denominator` (0-based), × 100, rounded to one decimal. A spreadsheet
    writes it as a formula when both are numbers."""

    numerator: int
    denominator: int


@dataclass(frozen=True)
class Cell:
    """A cell as printed (`text`) and what it is, for a spreadsheet."""

    text: str
    kind: CellKind = CellKind.TEXT
    number: Decimal | None = None  # for NUMBER, and RATIO's computed value
    decimals: int = 0  # as written: "13,04" has 2
    unit: str = ""  # a number's unit written after it ("%")
    ratio: Ratio | None = None
    day: dt.date | None = None  # for DATE
    centred: bool = False

    @property
    def is_number(self) -> bool:
        return self.kind is CellKind.NUMBER and self.number is not None


@dataclass(frozen=True)
class HeaderCell:
    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass(frozen=True)
class Table:
    """A table with its merged header rows (`header`: rows of cells with their
    spans, as HTML lays them out) and its body rows."""

    key: str  # which table of the outline it is ("table-2")
    title: Paragraph
    header: tuple[tuple[HeaderCell, ...], ...]
    rows: tuple[tuple[Cell, ...], ...]
    widths: tuple[int, ...]  # relative column widths (Excel characters)
    kind: str = ""  # reports.models.TableKind value, for the stylesheet

    @property
    def columns(self) -> int:
        return len(self.widths)

    def __iter__(self) -> Iterator[tuple[Cell, ...]]:
        return iter(self.rows)


@dataclass(frozen=True)
class Section:
    """A section as written: its numbering and heading, its paragraphs, and the
    tables the outline places after it."""

    number: str
    heading: Paragraph  # "1. Tình hình triển khai…": the numbering as written
    depth: int
    paragraphs: tuple[Paragraph, ...]
    tables: tuple[Table, ...] = ()


@dataclass(frozen=True)
class Signature:
    """Bottom right: authority words and title in upper case ("TM. ỦY BAN NHÂN
    DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"), then the signer."""

    authority: tuple[str, ...]
    title: str
    signer: str

    @property
    def lines(self) -> tuple[str, ...]:
        return (*self.authority, self.title) if self.title else self.authority


@dataclass(frozen=True)
class Appendix:
    """An appendix on pages of its own: "PHỤ LỤC", its title and the
    "(Kèm theo Báo cáo số … ngày … của …)" line, then its tables."""

    label: str  # "PHỤ LỤC"
    title: Paragraph
    reference: Paragraph
    tables: tuple[Table, ...]
    landscape: bool = False


@dataclass(frozen=True)
class Document:
    kind: str  # the type name as printed: "BÁO CÁO"
    header: Header
    summary: tuple[Paragraph, ...]  # trích yếu, line by line as typed
    introduction: tuple[Paragraph, ...]
    sections: tuple[Section, ...]
    closing: tuple[Paragraph, ...]
    signature: Signature
    recipients: tuple[str, ...]  # the lines under "Nơi nhận:"
    draft: bool  # not final: printed with "DỰ THẢO"
    appendix: Appendix | None = None
    title: str = ""  # the HTML <title>
    recipients_label: str = "Nơi nhận:"
    draft_mark: str = "DỰ THẢO"

    @property
    def tables(self) -> tuple[Table, ...]:
        """Every table the document prints, in reading order."""
        body = tuple(t for s in self.sections for t in s.tables)
        return body + (self.appendix.tables if self.appendix else ())
