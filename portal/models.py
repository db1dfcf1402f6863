from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")
    DEPARTMENT = "department", _("Department")
    ORGANISATION = "organisation", _("Organisation")


# Units whose figures add up to their parent's: departments and organisations
# report beside the territory (Bảo hiểm xã hội reports the province's insurance
# coverage), and adding them in would count the same people twice.
TERRITORIAL_KINDS = (UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.COMMUNE)


class ReportingUnit(MP_Node):
    """A unit that reports or receives reports: a node of a tree of any depth.

    Codes are strings because leading zeros matter ("01" Hà Nội, "00004" a
    ward). Units merged by a reform keep their rows, end at `valid_to` and
    point to their `successor`, so that history still rolls up.
    """

    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("successor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predecessors",
    )
    history = HistoricalRecords()

    node_order_by = ["code"]

    class Meta:
        verbose_name = _("reporting unit")
        verbose_name_plural = _("reporting units")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "valid_from"], name="unit_code_unique_per_validity"
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(valid_from__isnull=True),
                name="unit_code_unique_without_validity",
            ),
        ]

    def __str__(self):
        return self.name

    def subtree(self):
        """This unit and every unit below it, in one indexed query."""
        return ReportingUnit.objects.filter(path__startswith=self.path)

    def children(self):
        return ReportingUnit.objects.filter(
            path__startswith=self.path, depth=self.depth + 1
        ).order_by("path")

    def ancestor_paths(self):
        return [self.path[: i * self.steplen] for i in range(1, self.depth)]

    def ancestors(self):
        """From the root down to this unit's parent."""
        return ReportingUnit.objects.filter(path__in=self.ancestor_paths()).order_by("depth")

    def parent_unit(self):
        return self.ancestors().last()


class DirectiveType(models.TextChoices):
    RESOLUTION = "NQ", _("Resolution")
    PROGRAMME = "CTr", _("Action programme")
    PLAN = "KH", _("Plan")
    DECISION = "QĐ", _("Decision")
    INSTRUCTION = "CT", _("Instruction")
    GUIDANCE = "HD", _("Guidance")
    LETTER = "CV", _("Official letter")
    REPORT = "BC", _("Report")
    OTHER = "KHAC", _("Other")


class Directive(models.Model):
    """A resolution, programme, plan or letter, and the one it implements.

    The number and symbol are kept exactly as written ("59-CTr/TU",
    "158/KH-UBND", "3899/SYT-KHTC"): Party documents join number and type
    with "-", state documents with "/".
    """

    doc_type = models.CharField(_("type"), max_length=10, choices=DirectiveType.choices)
    number_symbol = models.CharField(_("number and symbol"), max_length=60)
    issuing_body = models.CharField(_("issuing body"), max_length=200)
    issued_on = models.DateField(_("date issued"), null=True, blank=True)
    summary = models.TextField(_("summary"))
    implements = models.ForeignKey(
        "self",
        verbose_name=_("implements"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="implemented_by",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("directive")
        verbose_name_plural = _("directives")
        ordering = ["issued_on", "number_symbol"]
        constraints = [
            models.UniqueConstraint(
                fields=["number_symbol", "issued_on"], name="directive_unique_symbol_date"
            ),
            models.UniqueConstraint(
                fields=["number_symbol", "issuing_body"],
                condition=models.Q(issued_on__isnull=True),
                name="directive_unique_symbol_undated",
            ),
        ]

    def __str__(self):
        return self.number_symbol

    @property
    def is_party_document(self):
        """Party documents write "Số 172-KH/TU": the type is joined with "-"."""
        number, _sep, rest = self.number_symbol.partition("/")
        return "-" in number

    def chain_up(self):
        """This directive and every directive it implements, up to the root."""
        seen = []
        directive = self
        while directive is not None and directive not in seen:
            seen.append(directive)
            directive = directive.implements
        return seen


class Role(models.TextChoices):
    REPORTER = "reporter", _("Reporter")
    APPROVER = "approver", _("Approver")
    REVIEWER = "reviewer", _("Reviewer")
    ADMINISTRATOR = "administrator", _("Administrator")


class Membership(models.Model):
    """A user's role at a unit. Reviewers and administrators reach the unit's
    whole subtree; reporters and approvers only the unit itself."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    unit = models.ForeignKey(
        ReportingUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique")
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.unit}"

    @property
    def reaches_subtree(self):
        return self.role in SUBTREE_ROLES


SUBTREE_ROLES = (Role.REVIEWER, Role.ADMINISTRATOR)


class MailStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("mail", "pending")
    SENT = "sent", pgettext_lazy("mail", "sent")
    FAILED = "failed", pgettext_lazy("mail", "failed")


class OutgoingMail(models.Model):
    """An e-mail of the portal, kept from the moment an action asks for it until
    it is sent (portal/mail.py). Stored in the action's transaction, so a
    rolled-back action sends nothing; sent by a background task, so a mail
    server that is down never fails the action; retried later with back-off,
    and given up on after a few attempts, for an administrator to see."""

    recipients = models.JSONField(_("addressees"), default=list)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"), max_length=10, choices=MailStatus.choices, default=MailStatus.PENDING
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # When the next attempt is due; none once the mail is sent or given up on.
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outbox")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outgoing_mail_due")]

    def __str__(self):
        return self.subject
