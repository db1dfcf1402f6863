"""Template filters of templates/documents/: lay out the document model's
pieces, never word them (documents/build.py has)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from documents.model import Paragraph

register = template.Library()


@register.filter
def runs(paragraph: Paragraph) -> SafeString:
    """A paragraph's text, the runs that may not break (document symbols, the
    summary's last two words) in a no-wrap span: the text stays as it is, so
    pdftotext and a screen reader read it unchanged."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html('<span class="keep">{}</span>', r.text) if r.keep else r.text,)
            for r in paragraph.runs
        ),
    )
