"""Every export the portal offers, registered once (as pretix's exporters are).

An exporter says what it is called (`identifier`, the slug in URLs and job
rows; `verbose_name`, what users read), what it applies to (a report, a
round: `Subject`, which also says who may run it), the formats it offers
(MIME types from portal.downloads.MIME_TYPES), whether it runs in the
background (documents/jobs.py) or inside the request (documents/views.py),
and the function that makes the file: render(obj, fmt, options, progress)
→ (file name, bytes). The views, the background task and the management
commands all go through EXPORTERS; none knows an export by name.
"""

import io
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from documents import award_list, rollup_xlsx
from documents.pdf import pdf_filename
from documents.revisions import printed_pdf, printed_xlsx
from movements.models import Movement
from movements.standing import get_movement_for_user
from portal import permissions
from portal.downloads import MIME_TYPES, slug
from reports.figures import Counted
from reports.models import Report, ReportingRound, ReportStatus
from reports.views import REPORTS

Progress = Callable[[int, int], None]


def no_progress(done: int, total: int) -> None:
    pass


@dataclass(frozen=True)
class Subject:
    """What an export applies to, and the permission its exporter asks for:
    whoever may `action` the object (portal/permissions.py) may export it."""

    name: str
    queryset: Callable[[], Any]
    action: str = "view"
    # Where an app has its own rule of who sees an object (a movement's
    # visibility), the rule itself: (user, pk) → the object, or Http404.
    finder: Callable[[Any, int], Any] | None = None

    def get_for_user(self, user, pk):
        """The object if `user` may export it; Http404 otherwise (missing or not theirs alike)."""
        if self.finder is not None:
            return self.finder(user, pk)
        return permissions.get_for_user(user, self.queryset(), pk, self.action)


# A report: whoever may read it (its unit, the reviewers above), as its preview.
REPORT = Subject("report", lambda: REPORTS)
# A round: its reviewers, as its page (reports.views.reviewed_round).
ROUND = Subject(
    "round",
    lambda: ReportingRound.objects.select_related("issuing_unit", "template"),
    "review",
)


def no_options(query: Mapping) -> dict:
    return {}


@dataclass(frozen=True)
class Exporter:
    identifier: str
    verbose_name: Promise | str
    subject: Subject
    formats: tuple[str, ...]
    render: Callable[[Any, str, dict, Progress], tuple[str, bytes]]
    background: bool = False
    # The query string's options (?counted=…) as render()'s keyword arguments;
    # anything unknown falls back to the default, never to an error.
    options: Callable[[Mapping], dict] = field(default=no_options)

    def mime_type(self, fmt: str) -> str:
        return MIME_TYPES[fmt]

    def export(self, obj, fmt, options=None, progress: Progress = no_progress):
        """(file name, bytes) of the export of `obj` in `fmt`."""
        return self.render(obj, fmt, options or {}, progress)


EXPORTERS: dict[str, Exporter] = {}


def register(exporter: Exporter) -> Exporter:
    if exporter.identifier in EXPORTERS:
        raise ValueError(f"Two exporters are registered as {exporter.identifier!r}.")
    unknown = set(exporter.formats) - set(MIME_TYPES)
    if unknown or not exporter.formats:
        raise ValueError(f"{exporter.identifier}: formats {sorted(unknown)} have no MIME type.")
    EXPORTERS[exporter.identifier] = exporter
    return exporter


def get(identifier, fmt=None, *, background=None) -> Exporter | None:
    """The exporter registered as `identifier`, if it offers `fmt` and runs
    (or not) in the background as asked; None otherwise."""
    exporter = EXPORTERS.get(identifier)
    if exporter is None or (fmt is not None and fmt not in exporter.formats):
        return None
    if background is not None and exporter.background != background:
        return None
    return exporter


# ------------------------------------------------------------------------- a report


def report_files(report, fmt, options, progress):
    """The report's PDF or Excel appendix, as accepted for an accepted report
    (documents/revisions.py), else as it stands."""
    if fmt == "pdf":
        return pdf_filename(report), printed_pdf(report)
    name = f"phu-luc-{slug(report.unit.name) or 'bao-cao'}-{report.round.year}.xlsx"
    return name, printed_xlsx(report)


register(
    Exporter(
        identifier="report",
        verbose_name=_("The report (PDF) and its appendix (Excel)"),
        subject=REPORT,
        formats=("pdf", "xlsx"),
        render=report_files,
    )
)


# ------------------------------------------------------------------------- a round


def _round_name(prefix, round_, extension):
    return f"{prefix}-{slug(round_.issuing_unit.name) or 'x'}-{round_.year}-{round_.pk}.{extension}"


def counted_option(query):
    counted = query.get("counted")
    return {"counted": counted if counted in Counted.values else Counted.ACCEPTED}


def rollup(round_, fmt, options, progress):
    """Accepted reports' figures, or those `counted` asks for (reports/figures.py)."""
    progress(0, 1)
    content = rollup_xlsx.rollup_workbook(round_, options.get("counted", Counted.ACCEPTED))
    progress(1, 1)
    return _round_name("tong-hop", round_, fmt), content


def completeness(round_, fmt, options, progress):
    return _round_name("tien-do", round_, fmt), rollup_xlsx.completeness_workbook(round_)


def started_reports(round_):
    """The reports of a round that have been started, in the order of their units' codes."""
    return (
        Report.objects.filter(round=round_)
        .exclude(status=ReportStatus.NOT_STARTED)
        .select_related("round__template", "unit")
        .order_by("unit__code")
    )


def write_round_zip(round_, fileobj, progress: Progress = no_progress):
    """Write into `fileobj` a zip with the official PDF of every started report
    of the round, one file per unit. progress(done, total) is called before the
    first report and after each one. Returns the reports written, in order."""
    from weasyprint.text.fonts import FontConfiguration

    reports = list(started_reports(round_))
    progress(0, len(reports))
    # One font configuration for the whole round: the fonts are registered once.
    fonts = FontConfiguration()
    with zipfile.ZipFile(fileobj, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, report in enumerate(reports, start=1):
            archive.writestr(pdf_filename(report), printed_pdf(report, fonts))
            progress(number, len(reports))
    return reports


def round_pdfs(round_, fmt, options, progress):
    buffer = io.BytesIO()
    write_round_zip(round_, buffer, progress)
    return _round_name("bao-cao", round_, fmt), buffer.getvalue()


register(
    Exporter(
        identifier="round-rollup",
        verbose_name=_("Roll-up of the round (Excel)"),
        subject=ROUND,
        formats=("xlsx",),
        render=rollup,
        options=counted_option,
    )
)
register(
    Exporter(
        identifier="round-completeness",
        verbose_name=_("Submissions of the round (Excel)"),
        subject=ROUND,
        formats=("xlsx",),
        render=completeness,
    )
)
# Too long for a request: made by a background task, kept as a file for a while.
register(
    Exporter(
        identifier="round-pdfs",
        verbose_name=_("All PDFs of the round (zip)"),
        subject=ROUND,
        formats=("zip",),
        render=round_pdfs,
        background=True,
    )
)
register(
    Exporter(
        identifier="round-rollup-background",
        verbose_name=_("Roll-up of the round (Excel)"),
        subject=ROUND,
        formats=("xlsx",),
        render=rollup,
        background=True,
    )
)


# ------------------------------------------------------------------------- a movement

# A movement: whoever sees it (movements/standing.py), as its pages.
MOVEMENT = Subject("movement", lambda: Movement.objects.all(), finder=get_movement_for_user)


def award_list_files(movement, fmt, options, progress):
    if fmt == "pdf":
        return award_list.filename(movement, "pdf"), award_list.award_list_pdf(movement)
    return award_list.filename(movement, "xlsx"), award_list.award_list_workbook(movement)


register(
    Exporter(
        identifier="award-list",
        verbose_name=_("Award list of the movement (PDF, Excel)"),
        subject=MOVEMENT,
        formats=("pdf", "xlsx"),
        render=award_list_files,
    )
)
