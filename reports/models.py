import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from indicators.models import Indicator, PeriodKind
from portal.models import Directive, ReportingUnit, UnitKind


class ReportTemplate(models.Model):
    """An outline (Đề cương) and the tables a report carries. Versioned: a
    round keeps the version it was opened with, so editing an outline never
    changes reports already written."""

    code = models.SlugField(_("code"), max_length=60)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=300)
    appendix_title = models.CharField(_("appendix title"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("report template")
        verbose_name_plural = _("report templates")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="template_code_version")
        ]

    def __str__(self):
        return f"{self.name} (v{self.version})"


class TemplateSection(models.Model):
    """A numbered section of an outline ("I", "1", "2.1", "a)"), in reading order."""

    template = models.ForeignKey(
        ReportTemplate,
        on_delete=models.CASCADE,
        related_name="sections",
        verbose_name=_("template"),
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    number = models.CharField(_("number"), max_length=20)
    key = models.CharField(_("key"), max_length=60, help_text=_("Numbers from the root: II.3"))
    title = models.CharField(_("title"), max_length=500)
    guidance = models.TextField(_("guidance for the writer"), blank=True)
    required = models.BooleanField(_("required"), default=True)
    position = models.PositiveIntegerField(_("position"))
    depth = models.PositiveSmallIntegerField(_("depth"), default=0)

    class Meta:
        verbose_name = _("outline section")
        verbose_name_plural = _("outline sections")
        ordering = ["template", "position"]
        constraints = [
            models.UniqueConstraint(fields=["template", "key"], name="section_key_unique")
        ]

    def __str__(self):
        return self.heading

    @property
    def heading(self):
        return heading_of(self.number, self.title)


def heading_of(number, title):
    """A section's heading with its numbering as the document writes it:
    "I. TÌNH HÌNH…", "1.1. Về…" (a dot after a numeral, one only), "a) Về…",
    "- Về…", "+ Về…" (no dot after a letter's bracket or a dash), or the title
    alone when the section has no numbering."""
    number = (number or "").strip()
    if not number:
        return title
    if number.endswith((")", ".")) or number in ("-", "+", "–", "•"):
        return f"{number} {title}"
    return f"{number}. {title}"


class TableKind(models.TextChoices):
    INDICATORS = "indicators", _("Indicator table")
    DISSEMINATION = "dissemination", _("Dissemination matrix")
    DOCUMENTS = "documents", _("Documents issued")
    FIGURES = "figures", _("Named figures")


class TablePlacement(models.TextChoices):
    APPENDIX = "appendix", _("In the appendix")
    BODY = "body", _("In the body, after its section")


class TemplateTable(models.Model):
    """A table of the template. `config` holds what the kind needs: indicator
    codes and columns, the audiences and methods of a dissemination matrix,
    the codes, labels and units of named figures. `placement` says where the
    document prints it: in its appendix, or in the body after the section
    whose key is `section_key` (documents/build.py)."""

    template = models.ForeignKey(
        ReportTemplate, on_delete=models.CASCADE, related_name="tables", verbose_name=_("template")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=TableKind.choices)
    title = models.CharField(_("title"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    config = models.JSONField(_("configuration"), default=dict, blank=True)
    placement = models.CharField(
        _("printed"),
        max_length=10,
        choices=TablePlacement.choices,
        default=TablePlacement.APPENDIX,
    )
    section_key = models.CharField(
        _("after section"),
        max_length=60,
        blank=True,
        help_text=_("The key of the section (II.6) the table follows when printed in the body."),
    )

    class Meta:
        verbose_name = _("template table")
        verbose_name_plural = _("template tables")
        ordering = ["template", "position"]

    def __str__(self):
        return self.title or self.get_kind_display()

    def clean(self):
        if self.placement == TablePlacement.BODY and not self.section_key:
            raise ValidationError(
                {"section_key": _("Give the section after which the table is printed.")}
            )


class PeriodType(models.TextChoices):
    YEAR = "year", _("Year")
    HALF = "half", _("6 months")
    QUARTER = "quarter", _("Quarter")
    FIVE_YEAR = "five_year", _("5-year review")


class ReportingRound(models.Model):
    """A request to report: who asks, on what, for which period, with which
    outline, from which units and by when (one deadline per level)."""

    title = models.CharField(_("title"), max_length=300)
    request = models.ForeignKey(
        Directive,
        verbose_name=_("request"),
        on_delete=models.PROTECT,
        related_name="rounds_requested",
        null=True,
        blank=True,
    )
    directives = models.ManyToManyField(
        Directive, verbose_name=_("directives reported on"), related_name="rounds", blank=True
    )
    period_type = models.CharField(
        _("period"), max_length=10, choices=PeriodType.choices, default=PeriodType.YEAR
    )
    year = models.PositiveSmallIntegerField(_("year"))
    data_from = models.DateField(_("data from"))
    data_to = models.DateField(_("data to"))
    template = models.ForeignKey(
        ReportTemplate, verbose_name=_("template"), on_delete=models.PROTECT, related_name="rounds"
    )
    issuing_unit = models.ForeignKey(
        ReportingUnit,
        verbose_name=_("issuing unit"),
        on_delete=models.PROTECT,
        related_name="rounds_issued",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent round"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="child_rounds",
    )
    reporters_may_submit = models.BooleanField(
        _("reporters may submit"),
        default=False,
        help_text=_("Otherwise only the unit's approver submits."),
    )
    is_open = models.BooleanField(_("open"), default=True)
    lock_days = models.PositiveSmallIntegerField(
        _("editing locked after (days past the deadline)"),
        null=True,
        blank=True,
        help_text=_("Empty: reports stay editable until the round is closed."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reporting round")
        verbose_name_plural = _("reporting rounds")
        ordering = ["-year", "title"]

    def __str__(self):
        return self.title

    @property
    def unit(self):
        """The unit whose reviewers own the round (for permissions)."""
        return self.issuing_unit

    @property
    def period(self):
        """The period code of the round's figures (indicators.models.PeriodKind):
        a half and a quarter are told apart by where their data window ends."""
        if self.period_type == PeriodType.HALF:
            return PeriodKind.H1 if self.data_to.month <= 6 else PeriodKind.H2
        if self.period_type == PeriodType.QUARTER:
            return PeriodKind(f"Q{(self.data_to.month - 1) // 3 + 1}")
        if self.period_type == PeriodType.FIVE_YEAR:
            return PeriodKind.REVIEW
        return PeriodKind.YEAR


class RoundDeadline(models.Model):
    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="deadlines")
    level = models.CharField(_("level"), max_length=20, choices=UnitKind.choices)
    due_on = models.DateField(_("deadline"))

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        constraints = [
            models.UniqueConstraint(fields=["round", "level"], name="deadline_per_level")
        ]

    def __str__(self):
        return f"{self.get_level_display()}: {self.due_on:%d/%m/%Y}"


class ReportStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for revision")
    ACCEPTED = "accepted", _("Accepted")


class Report(models.Model):
    """One unit's report in a round, with the fields of the official document.

    `version` grows with every save of the document's own fields, so that two
    people editing at once get a conflict instead of overwriting each other.
    """

    round = models.ForeignKey(
        ReportingRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="reports"
    )
    unit = models.ForeignKey(
        ReportingUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="reports"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.NOT_STARTED
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    due_on = models.DateField(_("deadline"))
    number_symbol = models.CharField(_("number and symbol"), max_length=60, blank=True)
    place = models.CharField(_("place"), max_length=100, blank=True)
    signed_on = models.DateField(_("date"), null=True, blank=True)
    superior_body = models.CharField(_("superior body"), max_length=200, blank=True)
    issuing_body = models.CharField(_("issuing body"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    introduction = models.TextField(_("introduction"), blank=True)
    closing = models.TextField(_("closing"), blank=True)
    authority = models.TextField(
        _("authority words"), blank=True, help_text=_("One per line: TM. ỦY BAN NHÂN DÂN")
    )
    position = models.CharField(_("position"), max_length=100, blank=True)
    signer = models.CharField(_("signer"), max_length=100, blank=True)
    recipients = models.TextField(_("recipients"), blank=True, help_text=_("One per line"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    editable_until = models.DateField(
        _("editable until (exception)"),
        null=True,
        blank=True,
        help_text=_("Granted by a reviewer: the unit may edit past the lock until this day."),
    )
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    resubmit_by = models.DateField(_("resubmission deadline"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["round", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="report_per_unit")]

    def __str__(self):
        return f"{self.round} · {self.unit}"


class SectionText(models.Model):
    """A section's text: plain text, one paragraph per line."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="texts")
    section = models.ForeignKey(TemplateSection, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("text"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "section"], name="one_text_per_section")
        ]

    def __str__(self):
        return f"{self.report_id}·{self.section_id}"


class ReportFigure(models.Model):
    """A named figure of the report (state budget, service revenue), in đồng."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="figures")
    code = models.SlugField(max_length=60)
    value = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)
    text = models.CharField(max_length=200, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "code"], name="figure_unique")]

    def __str__(self):
        return f"{self.code}: {self.text}"


class ValueColumn(models.TextChoices):
    """The columns of an indicator table a unit fills (seed 000's appendix)."""

    PLAN = "plan", _("Plan for the year")
    ACTUAL = "actual", _("Actual")
    PLAN_NEXT = "plan_next", _("Plan for next year")


class ReportValue(models.Model):
    """A figure as one report states it: report × indicator × column.

    Two reports never share a row, so accepting a report freezes its figures
    and a draft never reaches the official series, which are read from
    reports by status (reports/figures.py). `numeric` holds the number (a
    bound's value when `comparator` is set, the rate for a rate);
    `numerator`/`denominator` what a rate or x/N is made of, or the base of an
    average; `text` what the user typed.

    `unit`, `year` and `period` repeat the report's unit and its round's year
    and period (set once, when the row is made, by reports.figures): the
    roll-up groups and filters on them in one join over the unit tree, as it
    must for 3,321 communes.
    """

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="values"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    column = models.CharField(_("column"), max_length=20, choices=ValueColumn.choices)
    unit = models.ForeignKey(
        ReportingUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.CharField(_("period"), max_length=2, choices=PeriodKind.choices)
    comparator = models.CharField(_("comparator"), max_length=10, blank=True)
    numeric = models.DecimalField(
        _("value"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    upper = models.DecimalField(
        _("upper end"),
        max_digits=20,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_("The upper end of a planned range."),
    )
    numerator = models.DecimalField(
        _("numerator"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    denominator = models.DecimalField(
        _("denominator"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    text = models.CharField(_("as written"), max_length=2000, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("report figure")
        verbose_name_plural = _("report figures")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "indicator", "column"], name="report_value_unique"
            )
        ]
        indexes = [
            models.Index(fields=["year", "period", "column", "indicator"]),
            # The official series' "a later report of the same unit wins" lookup.
            models.Index(fields=["unit", "indicator", "year", "period", "column"]),
        ]

    def __str__(self):
        return f"{self.report_id}·{self.indicator_id}·{self.column}: {self.text}"


class DisseminationRow(models.Model):
    """A row of the dissemination matrix (seed 000, appendix I)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="dissemination")
    position = models.PositiveSmallIntegerField(default=0)
    unit_label = models.CharField(_("unit"), max_length=200)
    done = models.BooleanField(_("disseminated"), default=False)
    audiences = models.JSONField(_("audiences"), default=list, blank=True)
    methods = models.JSONField(_("methods"), default=list, blank=True)

    class Meta:
        ordering = ["report", "position"]

    def __str__(self):
        return self.unit_label


class IssuedDocument(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="documents")
    number_symbol = models.CharField(_("number and symbol"), max_length=60)
    issued_on = models.DateField(_("date issued"), null=True, blank=True)
    issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)

    class Meta:
        ordering = ["report", "issued_on", "id"]

    def __str__(self):
        return self.number_symbol


class ReviewComment(models.Model):
    """A reviewer's comment on a section or on an indicator row."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="comments")
    section = models.ForeignKey(
        TemplateSection, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    indicator = models.ForeignKey(
        Indicator, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return self.text[:60]


class StatusChange(models.Model):
    """Every workflow transition: who, when, why."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=12, choices=ReportStatus.choices)
    to_status = models.CharField(max_length=12, choices=ReportStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"


class ReportRevision(models.Model):
    """A report as it was accepted: its PDF and Excel files as printed then,
    so that they print the same whatever happens elsewhere (other reports,
    outline or indicator edits, unit renames). Reopening an accepted report
    keeps this revision and the report moves on to the next one."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveSmallIntegerField(_("revision"))
    accepted_at = models.DateTimeField(_("accepted at"))
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    pdf = models.BinaryField(editable=False)
    xlsx = models.BinaryField(editable=False)
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)

    class Meta:
        verbose_name = _("accepted revision")
        verbose_name_plural = _("accepted revisions")
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="revision_number_unique")
        ]

    def __str__(self):
        return f"{self.report_id} r{self.number}"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


def export_expiry():
    """When an export made now stops being kept: EXPORT_FILES_KEEP_DAYS later."""
    return timezone.now() + timedelta(days=settings.EXPORT_FILES_KEEP_DAYS)


def export_upload_to(job, filename):
    """A folder of its own per file: a name nobody can guess, and the
    download name kept as it is."""
    return f"exports/{uuid.uuid4().hex}/{filename}"


class ExportJob(models.Model):
    """An export too long for a request, made by a background task
    (documents/jobs.py). Its file goes to Django's storage (MEDIA_ROOT on
    local disk by default) and is kept until `expires_at`, when `manage.py
    prune_exports` deletes it with the row. `kind` is the identifier of its
    exporter in documents/registry.py, which gives its name and format."""

    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=64)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(default=export_expiry)
    status = models.CharField(
        max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    filename = models.CharField(max_length=200, blank=True)
    file = models.FileField(upload_to=export_upload_to, max_length=300, blank=True)
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["expires_at"], name="exportjob_expires_at")]

    def __str__(self):
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def finished(self):
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)

    @property
    def expired(self):
        return timezone.now() >= self.expires_at
