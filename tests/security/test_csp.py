"""Content Security Policy: scripts from the portal's static files only.

The header is checked on the pages themselves; the templates are read for
what the header would block (inline scripts, handler attributes, hx-on), so
that a template is fixed before a browser refuses it.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from reports.models import Report, ReportingRound

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Laid out by WeasyPrint into PDFs, never shown in a browser: no policy applies.
PRINT_ONLY = TEMPLATES / "documents"


def policy(response):
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def chau_thanh_report():
    round_ = ReportingRound.objects.get(year=2020, template__code="bc-ctr-59-60", parent=None)
    return Report.objects.get(round=round_, unit__code="877", unit__valid_from=None)


@pytest.mark.parametrize("username", [None, "chauthanh"])
def test_pages_forbid_inline_scripts_and_eval(client, as_user, username):
    if username:
        client = as_user(username)
        url = reverse("report-detail", args=[chau_thanh_report().pk])
    else:
        url = reverse("login")
    response = client.get(url)
    assert response.status_code == 200
    directives = policy(response)
    assert directives["script-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["style-src"] == ["'self'"]
    for name in ("script-src", "default-src", "style-src"):
        assert "'unsafe-inline'" not in directives[name]
        assert "'unsafe-eval'" not in directives[name]
    assert "script-src-attr" not in directives and "script-src-elem" not in directives


def test_error_pages_and_the_admin_carry_the_policy_too(as_user):
    client = as_user("hongngu")
    response = client.get(reverse("report-detail", args=[chau_thanh_report().pk]))
    assert response.status_code == 404
    assert "'unsafe-inline'" not in policy(response)["script-src"]
    admin = as_user("admin")
    response = admin.get(reverse("admin:index"))
    assert response.status_code == 200
    assert policy(response)["script-src"] == ["'self'"]


def test_htmx_is_told_not_to_eval_nor_to_add_a_style_element(client):
    page = client.get(reverse("login")).content.decode()
    htmx = page.index("/static/vendor/htmx/htmx.min.js")
    config = page.index("/static/js/htmx-csp.js")
    assert htmx < config, "htmx-csp.js sets htmx.config: it must come after htmx"
    script = (Path(settings.BASE_DIR) / "static/js/htmx-csp.js").read_text()
    for line in ("allowEval = false", "allowScriptTags = false", "includeIndicatorStyles = false"):
        assert f"htmx.config.{line};" in script


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
HX_ON = re.compile(r"\bhx-on", re.IGNORECASE)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)
EVAL_ATTRIBUTE = re.compile(r"""hx-(vals|headers)\s*=\s*["']\s*(js|javascript):""", re.IGNORECASE)


def browser_templates():
    return sorted(p for p in TEMPLATES.rglob("*.html") if PRINT_ONLY not in p.parents)


def test_the_template_scan_finds_what_the_policy_blocks():
    bad = """<script>alert(1)</script><button onclick="go()">x</button>
    <div hx-on:click="x"></div><a href="javascript:void(0)">y</a><i hx-vals='js:{a: 1}'></i>"""
    good = """<script src="/static/js/editor.js"></script><button class="oncall">x</button>"""
    for pattern in (INLINE_SCRIPT, HANDLER, HX_ON, JS_URL, EVAL_ATTRIBUTE):
        assert pattern.search(bad), pattern.pattern
        assert not pattern.search(good), pattern.pattern


@pytest.mark.parametrize(
    "template", browser_templates(), ids=lambda p: str(p.relative_to(TEMPLATES))
)
def test_no_template_has_inline_script_or_handler(template):
    text = template.read_text(encoding="utf-8")
    for what, pattern in [
        ("an inline <script>: move it to static/js", INLINE_SCRIPT),
        ("an on…= handler attribute: listen from static/js", HANDLER),
        ("hx-on, which needs eval", HX_ON),
        ("a javascript: URL", JS_URL),
        ("a js: value, which needs eval", EVAL_ATTRIBUTE),
    ]:
        found = pattern.search(text)
        assert not found, f"{template.name} has {what}: {found.group(0)[:80]}"
