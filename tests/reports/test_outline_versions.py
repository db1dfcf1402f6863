"""Outlines are versioned (issue 10, case 5): once a report has been submitted
on a version of an outline, no admin page changes that version in place; the
admin makes a new version instead, and the reports already submitted keep the
headings they were written under."""

import datetime as dt
import html
import json
import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin as django_admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from reports import outlines
from reports.demo import ROUND_TITLE
from reports.models import (
    Report,
    ReportingRound,
    ReportStatus,
    ReportTemplate,
    SectionText,
    TemplateSection,
    TemplateTable,
)
from reports.templates_io import load_template
from tests.reports.conftest import SMALL_TEMPLATE

NEW_TITLE = "TIÊU ĐỀ ĐÃ SỬA"


@pytest.fixture
def accepted(demo):
    """Thành phố Sa Đéc's 2020 report, accepted in the demo."""
    round_ = ReportingRound.objects.get(title=ROUND_TITLE, year=2020)
    return Report.objects.get(round=round_, unit__code="867", status=ReportStatus.ACCEPTED)


def change_url(template):
    return reverse("admin:reports_reporttemplate_change", args=[template.pk])


def new_version_url(template):
    return reverse("admin:reports_reporttemplate_new_version", args=[template.pk])


def page_text(response):
    text = html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    return re.sub(r"\s+", " ", text)


def preview(client, report):
    return page_text(client.get(reverse("report-preview", args=[report.pk])))


def change_form(template, titles=()):
    """The admin's change form of `template` as a browser posts it, with the
    titles of some sections changed ({key: new title})."""
    titles = dict(titles)
    data = {"code": template.code, "version": template.version, "name": template.name}
    data["appendix_title"] = template.appendix_title
    sections = list(template.sections.order_by("position"))
    tables = list(template.tables.order_by("position"))
    for prefix, rows in (("sections", sections), ("tables", tables)):
        data[f"{prefix}-TOTAL_FORMS"] = data[f"{prefix}-INITIAL_FORMS"] = len(rows)
        data[f"{prefix}-MIN_NUM_FORMS"], data[f"{prefix}-MAX_NUM_FORMS"] = 0, 1000
    for i, s in enumerate(sections):
        row = {"id": s.pk, "template": template.pk, "position": s.position, "key": s.key}
        row.update(number=s.number, title=titles.get(s.key, s.title), guidance=s.guidance)
        if s.required:
            row["required"] = "on"
        data.update({f"sections-{i}-{k}": v for k, v in row.items()})
    for i, t in enumerate(tables):
        row = {"id": t.pk, "template": template.pk, "kind": t.kind, "title": t.title}
        row.update(position=t.position, config=json.dumps(t.config))
        row.update(placement=t.placement, section_key=t.section_key)
        data.update({f"tables-{i}-{k}": v for k, v in row.items()})
    return data


class _FormFields(HTMLParser):
    """The fields of the page's main form, as a browser would post them."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._textarea = [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "button"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.data.append((a["name"], a.get("value") or ""))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.data.append((self._select, a.get("value") or ""))
        elif tag == "textarea":
            self._textarea = [a.get("name"), ""]

    def handle_data(self, data):
        if self._textarea:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            name, value = self._textarea
            self.data.append((name, value.removeprefix("\n")))
            self._textarea = None


def form_fields(response):
    parser = _FormFields()
    parser.feed(response.content.decode())
    data = {}
    for name, value in parser.data:
        data.setdefault(name, []).append(value)
    return data


def outline(template):
    """What a report reads of a template: its sections and tables, by value."""
    sections = [
        (
            s.key,
            s.number,
            s.title,
            s.guidance,
            s.required,
            s.position,
            s.depth,
            s.parent and s.parent.key,
        )
        for s in template.sections.select_related("parent").order_by("position")
    ]
    tables = [(t.kind, t.title, t.position, t.config) for t in template.tables.order_by("position")]
    return sections, tables


# ---- which outlines are in use


def test_it_tells_an_outline_in_use(accepted, round_2021):
    assert outlines.template_in_use(accepted.round.template)
    # A round whose reports are all unsent, and an outline no round uses.
    assert not outlines.template_in_use(round_2021.template)
    assert not outlines.template_in_use(load_template({**SMALL_TEMPLATE, "code": "chua-dung"}))


@pytest.mark.parametrize(
    "status", [ReportStatus.SUBMITTED, ReportStatus.RETURNED, ReportStatus.ACCEPTED]
)
def test_it_counts_a_report_sent_once(round_2021, status):
    report = round_2021.reports.first()
    Report.objects.filter(pk=report.pk).update(status=status)
    assert outlines.template_in_use(round_2021.template)


def test_it_counts_a_report_sent_then_back_in_draft(round_2021):
    report = round_2021.reports.first()
    sent = timezone.make_aware(dt.datetime(2022, 1, 10, 9))
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.DRAFT, submitted_at=sent)
    assert outlines.template_in_use(round_2021.template)


# ---- (a) an outline in use is read-only in the admin


def test_it_refuses_to_change_a_heading_of_an_outline_in_use(as_user, accepted):
    template = accepted.round.template
    section = template.sections.get(key="IV")
    heading = section.heading
    client = as_user("admin")
    assert heading in preview(client, accepted)

    response = client.post(change_url(template), change_form(template, {"IV": NEW_TITLE}))

    assert response.status_code == 403
    section.refresh_from_db()
    assert section.heading == heading
    text = preview(client, accepted)
    assert heading in text
    assert NEW_TITLE not in text


def test_the_change_page_of_an_outline_in_use_says_why_and_offers_a_new_version(as_user, accepted):
    template = accepted.round.template
    response = as_user("admin").get(change_url(template))

    assert response.status_code == 200
    text = page_text(response)
    assert "báo cáo đã gửi dùng phiên bản này" in text
    assert "tạo phiên bản mới" in text
    assert f'action="{new_version_url(template)}"' in response.content.decode()
    # Nothing to change, add or delete: no title input, no save button.
    fields = form_fields(response)
    assert not any(name.endswith("-title") or name == "name" for name in fields)
    assert not any(name.endswith("-DELETE") for name in fields)
    assert 'name="_save"' not in response.content.decode()


def test_it_refuses_to_delete_an_outline_in_use(as_user, accepted):
    template = accepted.round.template
    url = reverse("admin:reports_reporttemplate_delete", args=[template.pk])
    assert as_user("admin").post(url, {"post": "yes"}).status_code == 403
    assert ReportTemplate.objects.filter(pk=template.pk).exists()


def test_it_refuses_a_revert_from_history_of_an_outline_in_use(as_user, accepted):
    template = accepted.round.template
    earliest = template.history.earliest()
    template.name = "Tên đã đổi"
    template.save()
    url = reverse("admin:reports_reporttemplate_simple_history", args=[template.pk, earliest.pk])

    response = as_user("admin").post(url, {})

    assert response.status_code == 403
    template.refresh_from_db()
    assert template.name == "Tên đã đổi"


def test_no_admin_page_changes_a_section_or_table_of_an_outline_in_use(rf, accepted):
    template = accepted.round.template
    request = rf.get("/")
    request.user = get_user_model().objects.get(username="admin")
    # The sections and tables are edited on the template's page only: an admin
    # page added for them must be held to the same rule (and to this test).
    pages = {
        model
        for model, model_admin in django_admin.site._registry.items()
        if model in (TemplateSection, TemplateTable)
        or {i.model for i in model_admin.inlines} & {TemplateSection, TemplateTable}
    }
    assert pages == {ReportTemplate}
    model_admin = django_admin.site._registry[ReportTemplate]
    assert not model_admin.has_change_permission(request, template)
    assert not model_admin.has_delete_permission(request, template)
    inlines = model_admin.get_inline_instances(request, template)
    assert {i.model for i in inlines} == {TemplateSection, TemplateTable}
    for inline in inlines:
        assert not inline.has_add_permission(request, template)
        assert not inline.has_change_permission(request, template)
        assert not inline.has_delete_permission(request, template)


def test_the_round_of_submitted_reports_keeps_its_outline(as_user, accepted):
    round_ = accepted.round
    v1 = round_.template
    v2 = outlines.new_version(v1)
    client = as_user("admin")
    url = reverse("admin:reports_reportinground_change", args=[round_.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = form_fields(page)
    assert "template" not in data  # shown, not editable

    data["template"] = [str(v2.pk)]
    data["title"] = ["Báo cáo năm 2020 (đã sửa tên)"]
    response = client.post(url, data)

    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.title == "Báo cáo năm 2020 (đã sửa tên)"
    assert round_.template == v1


# ---- (b) a new version, edited in place


def test_it_makes_a_new_version_to_edit(as_user, accepted):
    v1 = accepted.round.template
    before = outline(v1)
    v1_sections = set(v1.sections.values_list("pk", flat=True))
    client = as_user("admin")

    response = client.post(new_version_url(v1), follow=True)

    v2 = ReportTemplate.objects.get(code=v1.code, version=2)
    assert response.redirect_chain == [(change_url(v2), 302)]
    assert "Đã tạo phiên bản 2" in page_text(response)
    assert outline(v2) == before
    assert v2.name == v1.name and v2.appendix_title == v1.appendix_title
    assert not set(v2.sections.values_list("pk", flat=True)) & v1_sections

    # v2 is editable in place: its page is a form, and a new heading is saved.
    fields = form_fields(client.get(change_url(v2)))
    assert "sections-0-title" in fields
    response = client.post(change_url(v2), change_form(v2, {"IV": NEW_TITLE}))
    assert response.status_code == 302
    assert v2.sections.get(key="IV").title == NEW_TITLE

    # v1 and the report accepted on it are as they were.
    assert outline(v1) == before
    text = preview(client, accepted)
    assert v1.sections.get(key="IV").heading in text
    assert NEW_TITLE not in text


def test_the_changelist_action_makes_a_new_version(as_user, accepted):
    v1 = accepted.round.template
    changelist = reverse("admin:reports_reporttemplate_changelist")

    response = as_user("admin").post(
        changelist, {"action": "make_new_version", "_selected_action": [v1.pk]}, follow=True
    )

    v2 = ReportTemplate.objects.get(code=v1.code, version=2)
    assert response.redirect_chain[-1] == (change_url(v2), 302)
    assert "Đã tạo phiên bản 2" in page_text(response)
    assert outline(v2) == outline(v1)


def test_the_new_version_page_takes_a_post_only(as_user, accepted):
    v1 = accepted.round.template
    assert as_user("admin").get(new_version_url(v1)).status_code == 405
    assert not ReportTemplate.objects.filter(code=v1.code, version=2).exists()


def test_a_staff_user_who_may_not_change_outlines_makes_no_version(client, accepted):
    v1 = accepted.round.template
    viewer = get_user_model().objects.create_user("xem-mau", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_reporttemplate"))
    client.force_login(viewer)

    assert client.post(new_version_url(v1)).status_code == 403
    assert not ReportTemplate.objects.filter(code=v1.code, version=2).exists()


# ---- (c) an outline no report has been sent on stays editable in place


def test_an_outline_not_yet_sent_is_edited_in_place(as_user, round_2021):
    template = round_2021.template
    client = as_user("admin")
    page = client.get(change_url(template))
    assert "sections-0-title" in form_fields(page)
    assert "báo cáo đã gửi dùng phiên bản này" not in page_text(page)

    response = client.post(change_url(template), change_form(template, {"II": NEW_TITLE}))

    assert response.status_code == 302
    assert template.sections.get(key="II").title == NEW_TITLE
    assert not ReportTemplate.objects.filter(code=template.code, version=2).exists()
    report = round_2021.reports.first()
    # A draft prints a heading with something under it (documents/build.py).
    heading = template.sections.get(key="II")
    leaf = heading.children.order_by("position").first() or heading
    SectionText.objects.create(report=report, section=leaf, text="Nội dung.", version=1)
    assert f"II. {NEW_TITLE}" in preview(client, report)


# ---- (d) the copy


def test_new_version_copies_the_tree_with_its_parent_links(accepted):
    v1 = accepted.round.template
    before = outline(v1)
    old = {s.pk: (s.template_id, s.parent_id, s.title) for s in v1.sections.all()}
    user = get_user_model().objects.get(username="admin")

    v2 = outlines.new_version(v1, user=user)

    assert (v2.code, v2.version) == (v1.code, 2)
    children = [s for s in v2.sections.select_related("parent") if s.parent_id]
    assert children
    for child in children:
        assert child.parent.template_id == v2.pk
        assert child.key.startswith(f"{child.parent.key}.")
    assert outline(v2) == before
    assert {s.pk: (s.template_id, s.parent_id, s.title) for s in v1.sections.all()} == old
    assert v2.history.get().history_user == user

    # The next copy, of either version, comes after the highest.
    assert outlines.new_version(v1).version == 3
