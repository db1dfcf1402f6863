"""The permission matrix: every URL of the portal × every kind of user × GET and POST.

The routes come from the URL resolver, so a new route fails this test until
DECISIONS says what each kind of user gets there ("add a decision for <name>").
Objects are Châu Thành's (unit 877): its report of the demo round, its
section texts, figures (the report's own values), appendix rows, a comment
on it, an emulation movement it launched. The kinds of user:

    anonymous  nobody logged in
    reporter   chauthanh       reporter of Châu Thành
    approver   chauthanh.lead  approver of Châu Thành
    other      hongngu         reporter of Hồng Ngự: Châu Thành's ids are another unit's
    reviewer   syt             reviewer of the province, above Châu Thành

Besides the status, each request checks that
  * another unit's ids answer 403 or 404 (405 for a method refused before
    any lookup), never the object, and that no response to `other` holds
    a distinctive text of Châu Thành's (MARKERS);
  * a POST changes nothing (rows, the objects' fields, history, e-mails)
    unless the decision names that user in `changes`; and those it names
    must change something, which proves the POST was a real one.
Each request runs in a savepoint rolled back afterwards: every user starts
from the same state.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Max
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from indicators.models import Indicator, Target
from movements.models import (
    AwardKind,
    AwardProposal,
    Declaration,
    KeyTarget,
    KeyTargetKind,
    Movement,
    Participation,
)
from movements.standing import propose_award
from portal.models import Directive, ReportingUnit
from reports.models import (
    DisseminationRow,
    ExportJob,
    ExportStatus,
    IssuedDocument,
    Report,
    ReportFigure,
    ReportingRound,
    ReportRevision,
    ReportStatus,
    ReportValue,
    ReviewComment,
    SectionText,
    StatusChange,
    TableKind,
)

KINDS = ("anonymous", "reporter", "approver", "other", "reviewer")
USERNAMES = {
    "anonymous": None,
    "reporter": "chauthanh",
    "approver": "chauthanh.lead",
    "other": "hongngu",
    "reviewer": "syt",
}
LOGIN = "login"  # 302 to the login page with ?next=: what an anonymous user gets
REFUSED_FOR_OTHER = {403, 404, 405}

# Routes that are not in the matrix, and why. Everything else must have a decision.
EXCLUDED_NAMESPACES = {
    # Django's admin: staff only, guarded by its own permission system and
    # login page; the password reset of test_admin_password.py goes through it.
    "admin",
}
EXCLUDED_NAMES = {
    # The language switch (django.conf.urls.i18n): sets a cookie, reads and
    # writes no object; tested in tests/portal/test_pages.py.
    "set_language",
}
# Static files have no URL pattern: runserver serves them in development and
# the web server in production.

SECRET = "Bí mật của Châu Thành 7f3a9c"
MARKERS = (
    SECRET,
    "Đỗ Nhật Định",  # the signer of Châu Thành's report (seed 000)
    "Cấp hyện, thị, xã thành phố",  # its dissemination row, typo included
    "10.775.000.000",  # one of its figures
)


def statuses(*codes):
    assert len(codes) == len(KINDS)
    return dict(zip(KINDS, codes, strict=True))


def everyone(code):
    return statuses(*[code] * len(KINDS))


LOGGED_IN_200 = statuses(LOGIN, 200, 200, 200, 200)
UNIT_200 = statuses(LOGIN, 200, 200, 404, 200)  # what Châu Thành and the province see
FILL_200 = statuses(LOGIN, 200, 200, 404, 404)  # what those who fill Châu Thành's see
REVIEW_200 = statuses(LOGIN, 404, 404, 404, 200)  # the province's rounds: reviewers only
NOT_GET = statuses(LOGIN, 405, 405, 405, 405)  # POST-only views, behind the login


@dataclass
class Decision:
    GET: dict
    POST: dict
    kwargs: Callable = lambda o: {}
    data: Callable = lambda o: {}
    query: Callable = lambda o: {}
    # The users whose POST must change something; everyone else's must not.
    changes: frozenset = field(default_factory=frozenset)
    # The state Châu Thành's report is put in first (the demo has it submitted).
    report_status: str = ReportStatus.SUBMITTED
    # The object is not a unit's (directives are public documents): `other` may read it.
    shared: bool = False


def report(o):
    return {"pk": o.report.pk}


def round_(o):
    return {"pk": o.round.pk}


def movement(o):
    return {"pk": o.movement.pk}


def export_job(o):
    """A finished roll-up of the round, started by the province's reviewer: made
    in the request's savepoint (kwargs are computed there) and rolled back with it."""
    job = ExportJob(
        round=o.round,
        kind="round-rollup-background",
        requested_by=get_user_model().objects.get(username="syt"),
        status=ExportStatus.DONE,
        done=1,
        total=1,
        filename="tong-hop.xlsx",
    )
    job.file.save(job.filename, ContentFile(b"PK\x03\x04"))  # in the run's MEDIA_ROOT
    return {"job_pk": job.pk}


def revision(o):
    """Châu Thành's report as accepted once (its files as printed then): made in
    the request's savepoint, as the export job is."""
    kept = ReportRevision.objects.create(
        report=o.report,
        number=1,
        accepted_at=timezone.now(),
        accepted_by=get_user_model().objects.get(username="syt"),
        pdf=b"%PDF-1.7 accepted",
        xlsx=b"PK\x03\x04",
    )
    return {"pk": o.report.pk, "number": kept.number, "fmt": "pdf"}


GET_ONLY = statuses(LOGIN, 405, 405, 405, 405)  # pages and downloads: a POST is refused

EDITORS = frozenset({"reporter", "approver"})
REVIEWER = frozenset({"reviewer"})
DRAFT = ReportStatus.DRAFT

DECISIONS = {
    # portal/urls.py
    "home": Decision(LOGGED_IN_200, LOGGED_IN_200),
    "healthz": Decision(everyone(200), everyone(405)),
    "unit-detail": Decision(UNIT_200, UNIT_200, kwargs=lambda o: {"pk": o.unit.pk}),
    "directive-list": Decision(LOGGED_IN_200, LOGGED_IN_200),
    "directive-detail": Decision(
        LOGGED_IN_200, LOGGED_IN_200, kwargs=lambda o: {"pk": o.directive.pk}, shared=True
    ),
    "login": Decision(everyone(200), everyone(200)),  # an empty form: errors, no login
    "logout": Decision(everyone(405), everyone(302)),
    "password_change": Decision(LOGGED_IN_200, LOGGED_IN_200),  # an empty form: errors
    "password_change_done": Decision(LOGGED_IN_200, NOT_GET),
    # portal/urls.py (reports/rollup_views.py)
    "rollup": Decision(UNIT_200, UNIT_200, query=lambda o: {"unit": o.unit.pk}),
    # movements/urls.py
    "movement-list": Decision(LOGGED_IN_200, LOGGED_IN_200),
    "movement-detail": Decision(UNIT_200, UNIT_200, kwargs=movement),
    "movement-declare": Decision(
        FILL_200,
        statuses(LOGIN, 302, 302, 404, 404),
        kwargs=lambda o: {"pk": o.movement.pk, "unit_pk": o.unit.pk},
        data=lambda o: {
            f"answer_{o.statement.pk}": "yes",
            f"evidence_{o.statement.pk}": "Không có ngộ độc thực phẩm.",
        },
        changes=EDITORS,
    ),
    "movement-awards": Decision(
        UNIT_200,
        statuses(LOGIN, 403, 403, 404, 302),
        kwargs=movement,
        data=lambda o: {
            "kind": AwardKind.INDIVIDUAL,
            "unit": o.unit.pk,
            "person_name": "Nguyễn Văn Thử",
            "person_title": "Trưởng trạm",
            "reason": "Hoàn thành xuất sắc",
        },
        changes=REVIEWER,
    ),
    "movement-award-withdraw": Decision(
        NOT_GET,
        statuses(LOGIN, 403, 403, 404, 302),
        kwargs=lambda o: {"pk": o.movement.pk, "award_pk": o.award.pk},
        changes=REVIEWER,
    ),
    "movement-award-document": Decision(
        NOT_GET,
        statuses(LOGIN, 403, 403, 404, 302),
        kwargs=movement,
        data=lambda o: {"number_symbol": "15/DS-UBND", "signer": "Lê Văn Thử"},
        changes=REVIEWER,
    ),
    # documents/urls.py (award_list_urlpatterns)
    "movement-awards-pdf": Decision(UNIT_200, GET_ONLY, kwargs=movement),
    "movement-awards-xlsx": Decision(UNIT_200, GET_ONLY, kwargs=movement),
    # reports/urls.py
    "report-list": Decision(LOGGED_IN_200, LOGGED_IN_200),
    "round-detail": Decision(REVIEW_200, REVIEW_200, kwargs=round_),
    "round-remind": Decision(
        NOT_GET, statuses(LOGIN, 404, 404, 404, 302), kwargs=round_, changes=REVIEWER
    ),
    "round-synthesis": Decision(REVIEW_200, REVIEW_200, kwargs=round_),
    "round-draft-report": Decision(
        NOT_GET, statuses(LOGIN, 404, 404, 404, 302), kwargs=round_, changes=REVIEWER
    ),
    "report-detail": Decision(UNIT_200, UNIT_200, kwargs=report),
    "report-preview": Decision(UNIT_200, UNIT_200, kwargs=report),
    "section-save": Decision(
        NOT_GET,
        statuses(LOGIN, 200, 200, 404, 422),
        kwargs=lambda o: {"pk": o.report.pk, "section_pk": o.section.pk},
        data=lambda o: {"text": "Văn bản mới.", "version": o.section_text.version},
        changes=EDITORS,
        report_status=DRAFT,
    ),
    "fields-save": Decision(
        NOT_GET,
        statuses(LOGIN, 200, 200, 404, 422),
        kwargs=report,
        data=lambda o: {"signer": "Người ký khác", "version": o.report.version},
        changes=EDITORS,
        report_status=DRAFT,
    ),
    "cell-save": Decision(
        NOT_GET,
        statuses(LOGIN, 200, 200, 404, 422),
        kwargs=report,
        data=lambda o: {"indicator": o.indicator.pk, "column": "actual", "value": "77"},
        changes=EDITORS,
        report_status=DRAFT,
    ),
    "figure-save": Decision(
        NOT_GET,
        statuses(LOGIN, 200, 200, 404, 422),
        kwargs=report,
        data=lambda o: {"code": o.figure.code, "value": "1.000.000"},
        changes=EDITORS,
        report_status=DRAFT,
    ),
    "appendix-add": Decision(
        NOT_GET,
        statuses(LOGIN, 302, 302, 404, 302),  # the reviewer: back to the page, an error
        kwargs=lambda o: {"pk": o.report.pk, "table": TableKind.DISSEMINATION},
        data=lambda o: {"dissemination-unit_label": "Xã mới", "dissemination-done": "on"},
        changes=EDITORS,
        report_status=DRAFT,
    ),
    "appendix-delete": Decision(
        NOT_GET,
        statuses(LOGIN, 302, 302, 404, 302),
        kwargs=lambda o: {
            "pk": o.report.pk,
            "table": TableKind.DISSEMINATION,
            "row_pk": o.dissemination_row.pk,
        },
        changes=EDITORS,
        report_status=DRAFT,
    ),
    "child-round-open": Decision(
        NOT_GET,
        statuses(LOGIN, 422, 422, 404, 302),
        kwargs=report,
        data=lambda o: {"due_on": "01/11/2020"},
        changes=REVIEWER,
    ),
    "report-submit": Decision(
        NOT_GET,
        statuses(LOGIN, 302, 302, 404, 302),  # refused ones: back to the report, an error
        kwargs=report,
        changes=frozenset({"approver"}),
        report_status=DRAFT,
    ),
    "report-return": Decision(
        NOT_GET,
        statuses(LOGIN, 302, 302, 404, 302),
        kwargs=report,
        data=lambda o: {"reason": "Bổ sung số liệu."},
        changes=REVIEWER,
    ),
    "report-accept": Decision(
        NOT_GET, statuses(LOGIN, 302, 302, 404, 302), kwargs=report, changes=REVIEWER
    ),
    "report-reopen": Decision(
        NOT_GET,
        statuses(LOGIN, 302, 302, 404, 302),  # the unit: back to the report, an error
        kwargs=report,
        data=lambda o: {"reason": "Sửa số liệu đã chấp nhận."},
        changes=REVIEWER,
        report_status=ReportStatus.ACCEPTED,
    ),
    "report-edit-exception": Decision(
        NOT_GET,
        statuses(LOGIN, 302, 302, 404, 302),  # the unit: back to the report, an error
        kwargs=report,
        data=lambda o: {"until": "31/12/2099", "reason": "Cúp điện kéo dài."},
        changes=REVIEWER,
        report_status=DRAFT,
    ),
    "report-revision": Decision(
        UNIT_200, UNIT_200, kwargs=revision, report_status=ReportStatus.ACCEPTED
    ),
    "comment-add": Decision(
        NOT_GET,
        statuses(LOGIN, 302, 302, 404, 302),
        kwargs=report,
        data=lambda o: {"text": "Nêu rõ kết quả.", "section": o.section.pk},
        changes=REVIEWER,
    ),
    "comment-resolve": Decision(
        NOT_GET,
        statuses(LOGIN, 302, 302, 404, 302),
        kwargs=lambda o: {"pk": o.report.pk, "comment_pk": o.comment.pk},
        changes=EDITORS,
    ),
    # documents/urls.py: the downloads, all through documents.views.download; who
    # may run each export is its exporter's (documents/registry.py, whose every
    # export and format tests/exports/test_registry.py runs as each user)
    "export-download": Decision(
        UNIT_200,
        GET_ONLY,
        kwargs=lambda o: {"identifier": "report", "pk": o.report.pk, "fmt": "pdf"},
    ),
    "report-pdf": Decision(UNIT_200, GET_ONLY, kwargs=report),
    "report-xlsx": Decision(UNIT_200, GET_ONLY, kwargs=report),
    "round-rollup-xlsx": Decision(REVIEW_200, GET_ONLY, kwargs=round_),
    "round-completeness-xlsx": Decision(REVIEW_200, GET_ONLY, kwargs=round_),
    # documents/urls.py: the background exports, the province's reviewer's own
    "round-export-start": Decision(
        NOT_GET,
        statuses(LOGIN, 404, 404, 404, 302),  # to the job's page
        kwargs=lambda o: {"pk": o.round.pk, "kind": "round-rollup-background"},
        changes=REVIEWER,
    ),
    "export-job": Decision(REVIEW_200, GET_ONLY, kwargs=export_job),
    "export-job-state": Decision(REVIEW_200, GET_ONLY, kwargs=export_job),
    "export-job-file": Decision(REVIEW_200, GET_ONLY, kwargs=export_job),
    # reports/imports/urls.py: only those who fill the report
    "report-offline": Decision(FILL_200, FILL_200, kwargs=report),
    "report-import": Decision(
        FILL_200,
        statuses(LOGIN, 422, 422, 404, 404),  # no workbook attached: the form again
        kwargs=report,
        report_status=DRAFT,
    ),
    "report-import-confirm": Decision(
        NOT_GET,
        statuses(LOGIN, 302, 302, 404, 404),  # nothing uploaded before: back to the form
        kwargs=report,
        report_status=DRAFT,
    ),
}


# ------------------------------------------------------------------------- the routes


def routes(patterns=None, namespace=None):
    """(namespace, name, route) of every URL pattern, through the includes."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for p in patterns:
        if isinstance(p, URLResolver):
            for ns, name, route in routes(p.url_patterns, p.namespace or namespace):
                yield ns, name, f"{p.pattern}{route}"
        elif isinstance(p, URLPattern):
            yield namespace, p.name, str(p.pattern)


def matrix_routes():
    return [
        (name, route)
        for ns, name, route in routes()
        if ns not in EXCLUDED_NAMESPACES and name not in EXCLUDED_NAMES
    ]


ROUTES = matrix_routes()


def test_every_route_is_named_and_decided_once():
    unnamed = [route for name, route in ROUTES if not name]
    assert not unnamed, f"give these routes a name, then a decision: {unnamed}"
    names = [name for name, _ in ROUTES]
    assert len(names) == len(set(names)), "two routes share a name"
    stale = sorted(set(DECISIONS) - set(names))
    assert not stale, f"decisions for routes that no longer exist: {stale}"


def test_the_resolver_walk_finds_the_included_routes():
    names = {name for name, _ in ROUTES}
    # One from each urls.py, four levels of include deep for the last ones.
    assert {"home", "rollup", "report-detail", "report-pdf", "report-import"} <= names
    assert any(ns == "admin" for ns, _, _ in routes())  # found, then excluded


@pytest.mark.parametrize("name", sorted(DECISIONS))
def test_the_decisions_never_give_another_units_object(name):
    decision = DECISIONS[name]
    route = dict(ROUTES).get(name, "")
    takes_an_object = "<" in route or decision.query(FAKE) != {}
    if takes_an_object and not decision.shared:
        for method in ("GET", "POST"):
            assert getattr(decision, method)["other"] in REFUSED_FOR_OTHER, (
                f"{name}: another unit's ids must answer 403 or 404 to {method}"
            )
    for method in ("GET", "POST"):
        assert getattr(decision, method)["anonymous"] in (LOGIN, 200, 302, 405), name
    assert decision.changes <= {k for k, s in decision.POST.items() if s not in (403, 404, 405)}


class _Fake:
    """Stands for the objects when only the shape of a decision is looked at."""

    def __getattr__(self, name):
        return SimpleNamespace(pk=1, code="x", version=1)


FAKE = _Fake()


# ------------------------------------------------------------------------- the objects


@pytest.fixture
def objs(demo):
    """Châu Thành's objects, with a text no other unit has (SECRET)."""
    unit = ReportingUnit.objects.get(code="877", valid_from=None)
    round_ = ReportingRound.objects.get(year=2020, template__code="bc-ctr-59-60", parent=None)
    report = Report.objects.get(round=round_, unit=unit)
    section_text = SectionText.objects.filter(report=report).order_by("section__position").first()
    SectionText.objects.filter(pk=section_text.pk).update(text=f"{section_text.text} {SECRET}")
    section_text.refresh_from_db()
    reviewer = get_user_model().objects.get(username="syt")
    comment = ReviewComment.objects.create(
        report=report, author=reviewer, section=section_text.section, text=f"Góp ý: {SECRET}"
    )
    indicator_codes = []
    for table in round_.template.tables.filter(kind=TableKind.INDICATORS):
        indicator_codes += table.config.get("indicators", [])
    indicator = Indicator.objects.filter(code__in=indicator_codes).order_by("pk").first()
    movement = Movement.objects.create(
        unit=unit,
        title=f"Phong trào thi đua {SECRET}",
        year=2021,
        quota_collectives=1,
        quota_individuals=3,
    )
    Participation.objects.create(movement=movement, unit=unit)
    statement = KeyTarget.objects.create(
        movement=movement,
        position=1,
        label="Không để xảy ra ngộ độc thực phẩm đông người",
        kind=KeyTargetKind.STATEMENT,
    )
    award = propose_award(
        movement,
        kind=AwardKind.INDIVIDUAL,
        unit=unit,
        reason="Đạt thành tích",
        user=reviewer,
        person_name="Trần Thị Mẫu",
    )
    return SimpleNamespace(
        unit=unit,
        round=round_,
        report=report,
        section=section_text.section,
        section_text=section_text,
        comment=comment,
        indicator=indicator,
        figure=ReportFigure.objects.filter(report=report).first(),
        dissemination_row=DisseminationRow.objects.filter(report=report).first(),
        directive=Directive.objects.order_by("pk").first(),
        movement=movement,
        statement=statement,
        award=award,
    )


PROJECT_APPS = ("auth", "portal", "indicators", "reports", "movements")


def snapshot(o):
    """What a POST could change: every table's size and last id, the fields of
    Châu Thành's objects and of the users, and the e-mails sent."""
    state = {}
    for model in apps.get_models():
        if model._meta.app_label in PROJECT_APPS:
            state[model._meta.label] = tuple(
                model._base_manager.aggregate(n=Count("pk"), last=Max("pk")).values()
            )

    def rows(queryset):
        return list(queryset.order_by("pk").values())

    state["report"] = rows(Report.objects.filter(pk=o.report.pk))
    for model in (
        SectionText,
        ReportValue,
        ReportFigure,
        DisseminationRow,
        IssuedDocument,
        ReviewComment,
        StatusChange,
    ):
        state[f"report's {model.__name__}"] = rows(model.objects.filter(report=o.report))
    # Every figure of the unit, in any of its reports; and its targets (a
    # directive's), read-only inputs that no POST writes.
    state["unit's figures"] = rows(ReportValue.objects.filter(unit=o.unit))
    state["targets"] = rows(Target.objects.filter(scope=o.unit))
    state["round"] = rows(ReportingRound.objects.filter(pk=o.round.pk))
    state["movement"] = rows(Movement.objects.filter(pk=o.movement.pk))
    state["declarations"] = rows(Declaration.objects.filter(key_target__movement=o.movement))
    state["awards"] = rows(AwardProposal.objects.filter(movement=o.movement))
    state["users"] = rows(get_user_model().objects.all())
    state["e-mails"] = len(mail.outbox)
    return state


def changed(before, after):
    return sorted(key for key in before if before[key] != after[key])


# ------------------------------------------------------------------------- the matrix


def ask(o, name, decision, kind, method):
    """One request in a savepoint rolled back afterwards: (status, location, body, changed)."""
    with transaction.atomic():
        if decision.report_status != o.report.status:
            Report.objects.filter(pk=o.report.pk).update(status=decision.report_status)
        client = Client()
        if USERNAMES[kind]:
            client.force_login(get_user_model().objects.get(username=USERNAMES[kind]))
        url = reverse(name, kwargs=decision.kwargs(o))
        query = decision.query(o)
        if query:
            url = f"{url}?{urlencode(query)}"
        before = snapshot(o)
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, decision.data(o))
        after = snapshot(o)
        transaction.set_rollback(True)
    body = b"" if getattr(response, "streaming", False) else response.content
    return response.status_code, response.get("Location", ""), body, changed(before, after)


def outcome(status, location):
    if status == 302 and location.startswith(f"{reverse('login')}?next="):
        return LOGIN
    return status


@pytest.mark.parametrize("name", [name for name, _ in ROUTES])
def test_permission_matrix(name, objs):
    assert name in DECISIONS, f"add a decision for {name} to DECISIONS in {__name__}"
    decision = DECISIONS[name]
    failures = []
    for method in ("GET", "POST"):
        for kind in KINDS:
            status, location, body, what_changed = ask(objs, name, decision, kind, method)
            expected = getattr(decision, method)[kind]
            got = outcome(status, location)
            where = f"{method} {name} as {kind} ({USERNAMES[kind] or 'nobody'})"
            if got != expected:
                failures.append(f"{where}: {got} {location}, expected {expected}")
            if kind == "other":
                text = body.decode("utf-8", "replace")
                leaked = [m for m in MARKERS if m in text]
                if leaked:
                    failures.append(f"{where}: the response holds Châu Thành's data {leaked}")
            if method == "POST":
                if kind in decision.changes and not what_changed:
                    failures.append(f"{where}: the POST changed nothing (was it a real one?)")
                if kind not in decision.changes and what_changed:
                    failures.append(f"{where}: a refused POST changed {what_changed}")
            elif what_changed:
                failures.append(f"{where}: a GET changed {what_changed}")
    assert not failures, "\n".join(failures)
