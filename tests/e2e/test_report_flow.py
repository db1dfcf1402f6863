"""Every role's path through a report, in a real browser."""

import pytest
from playwright.sync_api import expect

from reports.models import ReportStatus, ReportValue, SectionText

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def section(page, title):
    return page.locator("section.report-section", has=page.locator("h2", has_text=title))


def write(page, title, text):
    box = section(page, title)
    box.locator("textarea").fill(text)
    expect(box.locator(".save-state")).to_contain_text("Đã lưu lúc", timeout=10_000)


def test_file_submit_return_resolve_resubmit_accept(login_page, live_server, report, artifacts):
    url = f"{live_server.url}/reports/{report.pk}/"

    reporter = login_page("chauthanh")
    expect(reporter.locator("#my-reports")).to_contain_text("Báo cáo năm 2021")
    reporter.goto(url)
    write(reporter, "Quán triệt", "Huyện đã quán triệt đến 179 đồng chí.")
    write(reporter, "Kiểm tra, giám sát", "Đã kiểm tra 12 xã.")
    insurance = reporter.locator("#indicator-grid tbody tr").nth(0)
    insurance.locator("input").nth(1).fill("91,5")
    insurance.locator("input").nth(1).press("Tab")
    # The plan for 2021 is seed 000's "91": 91,5 ÷ 91 × 100.
    ratio = reporter.locator("#indicator-grid tbody tr").nth(0).locator("td.ratio")
    expect(ratio).to_have_text("100,5", timeout=5_000)
    stations = reporter.locator("#indicator-grid tbody tr").nth(1)
    stations.locator("input").nth(1).fill("12/12")
    stations.locator("input").nth(1).press("Enter")
    expect(reporter.locator(f"#cell-{stations_id(report)}-actual")).to_have_value("12/12")
    reporter.wait_for_load_state("networkidle")
    reporter.screenshot(path=artifacts / "1-reporter-filled.png", full_page=True)
    assert report_status(report) == ReportStatus.DRAFT

    lead = login_page("chauthanh.lead")
    lead.goto(url)
    lead.click("#submit-report")
    expect(lead.locator("#report-status")).to_have_text("Đã gửi")
    lead.screenshot(path=artifacts / "2-lead-submitted.png", full_page=True)

    reviewer = login_page("syt")
    reviewer.goto(url)
    box = section(reviewer, "Kiểm tra, giám sát")
    box.locator("input[name=text]").fill("Nêu rõ số cuộc kiểm tra và kết quả.")
    box.locator("button", has_text="Góp ý").click()
    reviewer.fill("input[name=reason]", "Bổ sung theo góp ý")
    reviewer.click("#return-report")
    expect(reviewer.locator("#report-status")).to_have_text("Trả lại để bổ sung")
    reviewer.screenshot(path=artifacts / "3-reviewer-returned.png", full_page=True)

    reporter.goto(url)
    box = section(reporter, "Kiểm tra, giám sát")
    expect(box.locator(".comment")).to_contain_text("Nêu rõ số cuộc kiểm tra")
    write(reporter, "Kiểm tra, giám sát", "Đã kiểm tra 12 xã, 24 cuộc; khắc phục 5 tồn tại.")
    section(reporter, "Kiểm tra, giám sát").locator(".resolve-comment").click()
    expect(section(reporter, "Kiểm tra, giám sát").locator(".comment")).to_contain_text("đã xử lý")
    reporter.screenshot(path=artifacts / "4-reporter-resolved.png", full_page=True)

    lead.goto(url)
    lead.click("#submit-report")
    expect(lead.locator("#report-status")).to_have_text("Đã gửi")

    reviewer.goto(url)
    reviewer.click("#accept-report")
    expect(reviewer.locator("#report-status")).to_have_text("Đã tiếp nhận")
    reviewer.screenshot(path=artifacts / "5-reviewer-accepted.png", full_page=True)

    assert report_status(report) == ReportStatus.ACCEPTED
    texts = SectionText.objects.filter(report=report).values_list("text", flat=True)
    assert "Đã kiểm tra 12 xã, 24 cuộc; khắc phục 5 tồn tại." in texts


def report_status(report):
    report.refresh_from_db()
    return report.status


def stations_id(report):
    from indicators.models import Indicator

    return Indicator.objects.get(code="tram-y-te-chuan").pk


def test_arrow_keys_and_pasting_a_block_from_excel(login_page, live_server, report, artifacts):
    from indicators.models import Indicator

    page = login_page("chauthanh")
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    first = page.locator("#indicator-grid tbody tr").nth(0).locator("input").nth(0)
    first.focus()
    # A 2 × 2 block as Excel copies it: tab between cells, newline between rows.
    page.evaluate(
        """() => {
        const data = new DataTransfer();
        data.setData('text', '≥ 91\\t91,2\\n100\\t12/12\\n');
        const paste = new ClipboardEvent('paste', {clipboardData: data, bubbles: true});
        document.activeElement.dispatchEvent(paste);
    }"""
    )
    insurance = Indicator.objects.get(code="bao-hiem-y-te")
    expect(page.locator(f"#cell-{insurance.pk}-actual")).to_have_value("91,2", timeout=10_000)
    expect(page.locator(f"#cell-{stations_id(report)}-actual")).to_have_value("12/12")
    page.wait_for_load_state("networkidle")
    row = page.locator("#indicator-grid tbody tr").nth(0)
    expect(row.locator("td.ratio")).to_have_text("100,2")
    plan = ReportValue.objects.get(report=report, indicator=insurance, column="plan")
    assert plan.text == "≥ 91"

    page.locator(f"#cell-{insurance.pk}-actual").focus()
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.id")
    assert focused == f"cell-{stations_id(report)}-actual"
    page.screenshot(path=artifacts / "grid-pasted.png", full_page=True)


def test_a_cell_error_is_shown_in_place_in_vietnamese(login_page, live_server, report):
    page = login_page("chauthanh")
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    cell = page.locator("#indicator-grid tbody tr").nth(0).locator("input").nth(1)
    cell.fill("9.0.5")
    cell.press("Tab")
    row = page.locator("#indicator-grid tbody tr").nth(0)
    expect(row.locator(".cell-error")).to_contain_text("dấu phẩy")
    expect(row.locator("input.is-invalid")).to_have_value("9.0.5")
