"""The words a document prints, each built once (Decree 30/2020/NĐ-CP, Appendix I):
dates, the place and date line, the number line in the State and the Party
form, and where a line may not break."""

from __future__ import annotations

import datetime as dt
import re

from documents.model import Paragraph, Run
from portal.names import nfc, upper

# Blank room left in "Số:      /BC-UBND" for the number written in when the
# document is registered (it is not known while the report is drafted).
BLANK = "\u00a0" * 6
NBSP = "\u00a0"


def vn_month(month: int) -> str:
    """Decree 30 writes months 1 and 2 with a leading zero, the others without."""
    return f"{month:02d}" if month < 3 else str(month)


def vn_date(day: dt.date) -> str:
    """A date as documents write it, "ngày 05 tháng 02 năm 2021": Decree 30 puts a
    leading zero before days below 10 and months 1 and 2 (nobody can then add a
    digit by hand)."""
    return f"ngày {day.day:02d} tháng {vn_month(day.month)} năm {day.year}"


def when(day: dt.date | None, year: int) -> str:
    """The date, or for an unsigned document the day and month left blank to be
    written in when it is signed."""
    return vn_date(day) if day else f"ngày{BLANK}tháng{BLANK}năm {year}"


def date_line(place: str, day: dt.date | None, year: int) -> str:
    """The place and date line: "Châu Thành, ngày 20 tháng 11 năm 2020"."""
    written = when(day, year)
    return f"{place}, {written}" if place else written


# A Party number joins the type to the number with "-" and names the body after
# "/": "172-KH/TU", "225-CTr/HU", "12-BC/ĐU". A State number is the other way
# round: "158/KH-UBND", "3899/SYT-KHTC".
PARTY_NUMBER = re.compile(r"(^|[\d\s])-\s*[A-Za-zĐđ]+\s*/\s*[A-ZĐƯ]")
PARTY_BODIES = (
    "ĐẢNG CỘNG SẢN",
    "ĐẢNG BỘ",
    "ĐẢNG ỦY",
    "TỈNH ỦY",
    "THÀNH ỦY",
    "HUYỆN ỦY",
    "THỊ ỦY",
    "QUẬN ỦY",
    "BAN THƯỜNG VỤ",
    "BAN CHẤP HÀNH",
    "BAN TUYÊN GIÁO",
    "CHI BỘ",
)


def is_party_document(number_symbol: str, issuing_body: str = "") -> bool:
    """A Party document gets the Party header ("ĐẢNG CỘNG SẢN VIỆT NAM", "Số 172-KH/TU").

    It is one when its number and symbol has the Party shape (type joined by
    "-", issuing body after "/", e.g. "172-KH/TU", "225-CTr/HU", "12-BC/TU"),
    names a district Party committee ("/HU"), or when, with no number yet, the
    issuing body is a Party committee or organ (Tỉnh ủy, Huyện ủy, Đảng ủy,
    Ban Thường vụ, Ban Tuyên giáo…). A People's Committee ("ỦY BAN NHÂN DÂN")
    is not.
    """
    number = nfc(number_symbol)
    if PARTY_NUMBER.search(number) or "/HU" in number.upper():
        return True
    if number.strip(" /") and "/" in number:
        return False  # a State number ("158/KH-UBND"): the body does not overrule it
    body = upper(issuing_body)
    return any(word in body for word in PARTY_BODIES)


def number_text(number_symbol: str, party: bool, kind: str = "BC") -> str:
    """The number and symbol as printed, with blank room before a number not yet
    given: "      /BC-UBND" (State), "      -BC/" (Party)."""
    number = nfc(number_symbol).strip() or (f"-{kind}/" if party else f"/{kind}-UBND")
    return BLANK + number if number[0] in "/-" else number


def number_line(number_symbol: str, party: bool, kind: str = "BC") -> str:
    """The number line: "Số: 125/BC-UBND" for the State, "Số 172-KH/TU" (no colon)
    for the Party."""
    return ("Số " if party else "Số: ") + number_text(number_symbol, party, kind)


# ---------------------------------------------------------------- lines that must not break

# A document's number and symbol: "21-NQ/TW", "20,21-NQ/TW", "3899/SYT-KHTC",
# "104/QĐ-UBND-TL", "59- CTr/TU" (the seed's spacing), "      /BC-UBND" (a
# number left blank). A line breaking inside
# one ("21-NQ/ | TW") reads as two words. A match starts only where a run of
# digits or blanks starts: a megabyte of digits is then read once, not once
# per digit.
SYMBOL = re.compile(
    r"(?:(?<![\d,])\d[\d,]*|(?<!\u00a0)\u00a0+)(?:\s?[-/]\s?[A-Za-zĐđƯư][\wĐđƯư.]*)+(?:[-/][\wĐđƯư.]+)*",
)


def runs(text: str, keep_last_words: bool = False) -> tuple[Run, ...]:
    """`text` cut into runs, document symbols kept whole; with `keep_last_words`
    the last two words too, so that no word stands alone on the last line
    (a title, a summary)."""
    text = nfc(text)
    tail = ""
    if keep_last_words:
        # A split, not a regex searched backwards: that would read a long word
        # once per letter. Words are at the even places, white space between.
        stripped = text.rstrip()
        parts = re.split(r"(\s+)", stripped)
        if len(parts) >= 5 and any(parts[: len(parts) - 3 : 2]):
            tail = "".join(parts[-3:]) + text[len(stripped) :]
            text = "".join(parts[:-3])
    pieces: list[Run] = []
    position = 0
    for match in SYMBOL.finditer(text):
        if match.start() > position:
            pieces.append(Run(text[position : match.start()]))
        pieces.append(Run(match.group(0), keep=True))
        position = match.end()
    if position < len(text):
        pieces.append(Run(text[position:]))
    if tail:
        pieces.append(Run(tail, keep=True))
    return tuple(pieces)


def paragraph(text: str, keep_last_words: bool = False) -> Paragraph:
    text = nfc(text)
    return Paragraph(text, runs(text, keep_last_words))


def paragraphs(text: str) -> tuple[Paragraph, ...]:
    """One paragraph per non-empty line."""
    return tuple(paragraph(line) for line in (text or "").splitlines() if line.strip())
