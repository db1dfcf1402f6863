"""Two people on one report, in a real browser: after a conflict nothing
saves by itself until the user has chosen (the issue's case 8)."""

import pytest
from playwright.sync_api import expect

from indicators.models import Indicator
from reports.models import Report, ReportValue, SectionText
from tests.e2e.test_report_flow import section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def stored_text(report):
    saved = SectionText.objects.filter(report=report, section__title="Quán triệt").first()
    return saved.text if saved else None


def test_a_section_conflict_waits_for_the_users_choice(login_page, live_server, report):
    url = f"{live_server.url}/reports/{report.pk}/"
    alice, bob = login_page("chauthanh"), login_page("chauthanh.lead")
    alice.goto(url)
    bob.goto(url)

    box_a = section(alice, "Quán triệt")
    box_a.locator("textarea").fill("Bản của chị An.")
    expect(box_a.locator(".save-state")).to_contain_text("Đã lưu lúc", timeout=10_000)

    box_b = section(bob, "Quán triệt")
    box_b.locator("textarea").fill("Bản của anh Bình.")
    state = box_b.locator(".save-state")
    expect(state).to_have_attribute("data-state", "conflict", timeout=10_000)
    expect(state).to_contain_text("Bản của chị An.")

    # He goes on typing and the form is submitted: nothing leaves the page.
    sent = []
    bob.on("request", lambda r: sent.append(r.url) if "/sections/" in r.url else None)
    box_b.locator("textarea").fill("Bản của anh Bình, sửa tiếp.")
    box_b.locator("form").evaluate("form => form.requestSubmit()")
    bob.wait_for_load_state("networkidle")
    assert sent == []
    assert stored_text(report) == "Bản của chị An."

    # He merges both by hand and keeps that.
    box_b.locator("textarea").fill("Bản của chị An. Bản của anh Bình.")
    state.locator("button.conflict-mine").click()
    expect(box_b.locator(".save-state")).to_contain_text("Đã lưu lúc", timeout=10_000)
    assert stored_text(report) == "Bản của chị An. Bản của anh Bình."


def test_a_cell_conflict_shows_both_values_and_takes_theirs(login_page, live_server, report):
    url = f"{live_server.url}/reports/{report.pk}/"
    insurance = Indicator.objects.get(code="bao-hiem-y-te")
    alice, bob = login_page("chauthanh"), login_page("chauthanh.lead")
    alice.goto(url)
    bob.goto(url)
    cell = f"#cell-{insurance.pk}-actual"

    alice.fill(cell, "90,5")
    alice.press(cell, "Tab")
    expect(alice.locator(cell)).to_have_value("90,5", timeout=5_000)
    expect(alice.locator(cell)).not_to_have_class("is-invalid")

    bob.fill(cell, "88")
    bob.press(cell, "Tab")
    conflict = bob.locator("td.has-conflict")
    expect(conflict).to_contain_text("90,5", timeout=5_000)
    expect(bob.locator(cell)).to_have_value("88")
    conflict.locator("button.conflict-theirs").click()
    expect(bob.locator(cell)).to_have_value("90,5", timeout=5_000)
    expect(bob.locator("td.has-conflict")).to_have_count(0)
    stored = ReportValue.objects.get(report=report, indicator=insurance, column="actual")
    assert stored.text == "90,5"
    assert Report.objects.get(pk=report.pk).status == "draft"
