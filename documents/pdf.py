"""The official PDF of a report (Decree 30/2020/NĐ-CP, Appendix I).

WeasyPrint lays out templates/documents/report.html, the very template of the
on-screen preview, with document_context(): what the reviewer reads on screen
is what is printed. The stylesheet and the bundled Liberation Serif are read
from the staticfiles finders by StaticFilesFetcher, never over the network, so
a PDF is the same on every machine, with or without a running server.
"""

import functools
import mimetypes
import unicodedata
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from documents.build import report_document
from portal.downloads import slug
from reports.models import Report

TEMPLATE = "documents/report.html"

# The origin the HTML's relative URLs (/static/…) resolve against. ".invalid" is
# reserved (RFC 2606): even if a URL escaped the fetcher, no host could answer it.
BASE_URL = "https://document.invalid/"


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


# ------------------------------------------------------------------- the document


def document_context(report: Report, screen: bool = False) -> dict[str, object]:
    """What templates/documents/report.html shows, for the preview and the PDF:
    the report's document (documents/build.py), every word already written."""
    return {"doc": report_document(report), "screen": screen}


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
