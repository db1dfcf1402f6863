"""The pages work under the Content Security Policy, and the browser reports no violation.

Chromium reports every blocked script, handler, style or eval as a
`securitypolicyviolation` event: a script added by the test itself (through
the browser, so outside the page's policy) records them all.
"""

import pytest
from playwright.sync_api import expect

from reports.models import Report, ReportingRound

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def watch(page):
    """Record violations on every page this context opens from now on, and console errors."""
    page.context.add_init_script(RECORD_VIOLATIONS)
    console = []
    page.on(
        "console",
        lambda m: console.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return console


def violations(page):
    return page.evaluate("window.__csp || []")


def demo_report(code):
    round_ = ReportingRound.objects.get(year=2020, template__code="bc-ctr-59-60", parent=None)
    return Report.objects.get(round=round_, unit__code=code, unit__valid_from=None)


def test_a_reporter_works_through_the_pages_without_a_violation(login_page, live_server, demo):
    page = login_page("hongngu")  # Hồng Ngự's report is a draft in the demo
    console = watch(page)
    report = demo_report("870")
    found = {}
    for path in [
        "/",
        "/reports/",
        f"/reports/{report.pk}/",
        f"/reports/{report.pk}/preview/",
        f"/reports/{report.pk}/import/",
        "/indicators/rollup/",
        "/indicators/movements/",
        "/directives/",
        "/accounts/password/",
    ]:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        found[path] = violations(page)
    # The editor's scripts run: htmx saves a section's text as it is typed.
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    box = page.locator("section.report-section").filter(has=page.locator("textarea")).first
    box.locator("textarea").fill("Huyện đã quán triệt đến 150 đồng chí.")
    expect(box.locator(".save-state")).to_contain_text("Đã lưu lúc", timeout=10_000)
    found["editing"] = violations(page)
    # htmx runs without eval, also on a page with an htmx-config of its own.
    config = page.evaluate(
        "[htmx.config.allowEval, htmx.config.allowScriptTags, htmx.config.includeIndicatorStyles]"
    )
    assert config == [False, False, False]
    assert page.evaluate("htmx.config.responseHandling.some(r => r.code === '422')")
    assert not {path: v for path, v in found.items() if v}, found
    assert not console, console


def test_the_administrator_pages_without_a_violation(login_page, live_server, demo):
    page = login_page("admin")
    console = watch(page)
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="chauthanh")
    found = {}
    for path in [
        "/admin/",
        f"/admin/auth/user/{user.pk}/change/",
        f"/admin/auth/user/{user.pk}/password/",
        "/admin/reports/report/",
    ]:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        found[path] = violations(page)
    assert not {path: v for path, v in found.items() if v}, found
    assert not console, console


def test_the_violation_recorder_does_record(login_page, live_server, demo):
    page = login_page("chauthanh")
    watch(page)
    page.goto(f"{live_server.url}/")
    # What the policy forbids: an inline script added to the page.
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ran = true'; document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.__ran === undefined")
    assert any("script-src" in v for v in violations(page))
