"""The official PDF of a report (Decree 30/2020/NĐ-CP, Appendix I).

WeasyPrint lays out templates/documents/report.html, the very template of the
on-screen preview, with document_context(): what the reviewer reads on screen
is what is printed. The stylesheet and the bundled Liberation Serif are read
from the staticfiles finders by StaticFilesFetcher, never over the network, so
a PDF is the same on every machine, with or without a running server.
"""

import functools
import mimetypes
import re
import unicodedata
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from portal.downloads import slug
from portal.templatetags.portal_tags import vn_month
from reports import selectors
from reports.models import TableKind

TEMPLATE = "documents/report.html"

# The origin the HTML's relative URLs (/static/…) resolve against. ".invalid" is
# reserved (RFC 2606): even if a URL escaped the fetcher, no host could answer it.
BASE_URL = "https://document.invalid/"

# Blank room left in "Số:      /BC-UBND" for the number written in when the
# document is registered (it is not known while the report is drafted).
BLANK = "\u00a0" * 6

# A table with more columns than this does not fit the 165 mm between the
# margins of a portrait page at 12 pt: the appendix is then set in landscape.
PORTRAIT_COLUMNS = 8


@functools.cache
def _fetcher_class():
    # Imported on first use: WeasyPrint loads Pango, half a second that a web
    # worker or a management command that prints nothing need not pay.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesFetcher(URLFetcher):
        """/static/… from the staticfiles finders; any other URL is refused (see static_path)."""

        def fetch(self, url, headers=None):
            path = static_path(url)
            content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            with open(path, "rb") as f:
                return URLFetcherResponse(url, f.read(), {"Content-Type": content_type})

    return StaticFilesFetcher


def url_fetcher():
    """WeasyPrint's url_fetcher for the document (WeasyPrint 70 wants an instance
    of its URLFetcher). A missing stylesheet or font stops the rendering: a PDF
    in a fallback font would look right and be wrong."""
    return _fetcher_class()(fail_on_errors=True)


def static_path(url):
    """The file behind a /static/… URL of the document; ValueError for any other
    URL (another host, another path, file:, data:): a document must depend on
    neither the network nor what the machine happens to have."""
    parts = urlsplit(url)
    origin = urlsplit(BASE_URL)
    prefix = urlsplit(settings.STATIC_URL).path
    if not prefix.startswith("/"):
        prefix = "/" + prefix
    if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc) or not (
        parts.path.startswith(prefix)
    ):
        raise ValueError(f"not a static file of the portal: {url}")
    relative = unquote(parts.path[len(prefix) :])
    path = finders.find(relative) if ".." not in relative.split("/") else None
    if not path:
        raise ValueError(f"no static file {relative!r}")
    return path


# --------------------------------------------------------------- the document's wording


def vn_date(day):
    """A date as documents write it, "ngày 05 tháng 02 năm 2021": Decree 30 puts a
    leading zero before days below 10 and months 1 and 2 (nobody can then add a
    digit by hand)."""
    return f"ngày {day.day:02d} tháng {vn_month(day.month)} năm {day.year}"


def _when(day, year):
    # An unsigned report leaves the day and month blank, to be written in when signed.
    return vn_date(day) if day else f"ngày{BLANK}tháng{BLANK}năm {year}"


def date_line(place, day, year):
    """The place and date line: "Châu Thành, ngày 20 tháng 11 năm 2020"."""
    when = _when(day, year)
    return f"{place}, {when}" if place else when


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


def _upper(text):
    # "UỶ" and "ỦY" are the same word in two accent placements.
    return unicodedata.normalize("NFC", text or "").upper().replace("UỶ", "ỦY")


def is_party_document(number_symbol, issuing_body=""):
    """A Party document gets the Party header ("ĐẢNG CỘNG SẢN VIỆT NAM", "Số 172-KH/TU").

    It is one when its number and symbol has the Party shape (type joined by
    "-", issuing body after "/", e.g. "172-KH/TU", "225-CTr/HU", "12-BC/TU"),
    names a district Party committee ("/HU"), or when, with no number yet, the
    issuing body is a Party committee or organ (Tỉnh ủy, Huyện ủy, Đảng ủy,
    Ban Thường vụ, Ban Tuyên giáo…). A People's Committee ("ỦY BAN NHÂN DÂN")
    is not.
    """
    number = unicodedata.normalize("NFC", number_symbol or "")
    if PARTY_NUMBER.search(number) or "/HU" in number.upper():
        return True
    if number.strip(" /") and "/" in number:
        return False  # a State number ("158/KH-UBND"): the body does not overrule it
    body = _upper(issuing_body)
    return any(word in body for word in PARTY_BODIES)


def number_text(number_symbol, party):
    """The number and symbol as printed, with blank room before a number not yet given."""
    number = (number_symbol or "").strip() or ("-BC/" if party else "/BC-UBND")
    return BLANK + number if number[0] in "/-" else number


def number_line(number_symbol, party):
    """The number line: "Số: 125/BC-UBND" for the State, "Số 172-KH/TU" (no colon)
    for the Party."""
    return ("Số " if party else "Số: ") + number_text(number_symbol, party)


# Organs whose upper-case name in the header is written in sentence case in a
# running text ("của Ủy ban nhân dân Huyện Châu Thành").
ORGANS = {
    "ỦY BAN NHÂN DÂN": "Ủy ban nhân dân",
    "HỘI ĐỒNG NHÂN DÂN": "Hội đồng nhân dân",
    "BAN THƯỜNG VỤ": "Ban Thường vụ",
    "BAN CHẤP HÀNH": "Ban Chấp hành",
    "TỈNH ỦY": "Tỉnh ủy",
    "THÀNH ỦY": "Thành ủy",
    "HUYỆN ỦY": "Huyện ủy",
    "THỊ ỦY": "Thị ủy",
    "QUẬN ỦY": "Quận ủy",
    "ĐẢNG ỦY": "Đảng ủy",
    "SỞ Y TẾ": "Sở Y tế",
    "PHÒNG Y TẾ": "Phòng Y tế",
}


def issuer_in_text(issuing_body, unit_name=""):
    """The issuing body as a running text names it: "ỦY BAN NHÂN DÂN HUYỆN CHÂU
    THÀNH" → "Ủy ban nhân dân Huyện Châu Thành" (the unit's own spelling of its
    name when it matches; place names keep a capital on every syllable)."""
    body = " ".join(_upper(issuing_body).split())
    for organ, written in ORGANS.items():
        if body.startswith(organ):
            rest = body[len(organ) :].strip()
            if not rest:
                return written
            if unit_name and _upper(unit_name) == rest:
                return f"{written} {unit_name}"
            return f"{written} {rest.title()}"
    return issuing_body


# About as many upper-case bold 13 pt letters as the header's left column holds.
ISSUER_LINE = 24


def issuer_lines(issuing_body):
    """The issuing body in the header, upper case: a long name breaks after the
    organ ("ỦY BAN NHÂN DÂN" / "HUYỆN CHÂU THÀNH"), as documents set it, rather
    than wherever the column ends."""
    body = " ".join(_upper(issuing_body).split())
    if len(body) > ISSUER_LINE:
        for organ in ORGANS:
            if body.startswith(organ + " "):
                return [organ, body[len(organ) + 1 :]]
    return [body] if body else []


def _columns(table):
    config = table.config or {}
    if table.kind == TableKind.DISSEMINATION:
        return 3 + len(config.get("audiences", [])) + len(config.get("methods", []))
    return 7  # STT, name, unit, plan, actual, ratio, next year's plan


def document_context(report, screen=False):
    """Everything templates/documents/report.html shows, for the preview and the PDF."""
    sections, _comments = selectors.sections_of(report)
    tables = list(report.round.template.tables.all())
    dissemination_tables = [t for t in tables if t.kind == TableKind.DISSEMINATION]
    indicator_tables = [t for t in tables if t.kind == TableKind.INDICATORS]
    rows = selectors.indicator_rows(report)
    dissemination = list(report.dissemination.all())
    shown = (dissemination_tables if dissemination else []) + (indicator_tables if rows else [])
    party = is_party_document(report.number_symbol, report.issuing_body)
    number = number_text(report.number_symbol, party)
    signed = _when(report.signed_on, report.round.year)
    return {
        "report": report,
        "sections": sections,
        "rows": rows,
        "dissemination": dissemination,
        "dissemination_tables": dissemination_tables,
        "indicator_tables": indicator_tables,
        "party": party,
        "issuer_lines": issuer_lines(report.issuing_body),
        "number_line": number_line(report.number_symbol, party),
        "date_line": date_line(report.place, report.signed_on, report.round.year),
        "appendix_reference": (
            f"(Kèm theo Báo cáo số {number} {signed} của "
            f"{issuer_in_text(report.issuing_body, report.unit.name)})"
        ),
        "appendix_landscape": any(_columns(t) > PORTRAIT_COLUMNS for t in shown),
        "screen": screen,
    }


# --------------------------------------------------------------------------- the PDF


def render_html(report):
    """The document's HTML for WeasyPrint, NFC-composed: a letter typed as a base
    and a combining accent would otherwise be drawn from two glyphs."""
    html = render_to_string(TEMPLATE, document_context(report))
    return unicodedata.normalize("NFC", html)


class MissingStaticFile(RuntimeError):
    """The document's stylesheet or a font could not be read: no PDF is made."""


def html_to_pdf(html, font_config=None):
    """The PDF of the document's HTML. Many documents in a row may share one
    weasyprint FontConfiguration: the fonts are then registered once."""
    import weasyprint
    from weasyprint.urls import FatalURLFetchingError

    try:
        document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=url_fetcher())
        return document.write_pdf(font_config=font_config)
    except FatalURLFetchingError as e:
        # A BaseException, which Django's handlers would let through to the server.
        raise MissingStaticFile(f"{e}: {e.__cause__}") from e


def report_pdf(report, font_config=None):
    """The report's official PDF, as bytes."""
    return html_to_pdf(render_html(report), font_config)


def pdf_filename(report):
    """An ASCII-safe file name: "BC-877-huyen-chau-thanh-2020.pdf"."""
    name = slug(report.unit.name) or "bao-cao"
    code = slug(report.unit.code)
    return f"BC-{code}-{name}-{report.round.year}.pdf" if code else f"BC-{name}.pdf"
