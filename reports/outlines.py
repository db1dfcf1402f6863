"""Versions of an outline (report template).

A report reads its headings and tables through its round's template, so a
version on which a report has been submitted must not change any more: the
report would read, and print, headings it was never written under. Changes
go into a new version, a copy made by `new_version`, and the rounds opened
after use it. A version no report has been submitted on is still edited in
place.
"""

from collections import defaultdict

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from reports.models import Report, ReportStatus, ReportTemplate, TemplateSection, TemplateTable

# A report that has been submitted once, whatever happened to it since.
SENT = Q(status__in=[ReportStatus.SUBMITTED, ReportStatus.RETURNED, ReportStatus.ACCEPTED]) | Q(
    submitted_at__isnull=False
)


def template_in_use(template):
    """Whether a report has been submitted on this version of the outline."""
    return Report.objects.filter(SENT, round__template=template).exists()


def round_in_use(round_):
    """Whether a report of this round has been submitted: its outline is then fixed."""
    return Report.objects.filter(SENT, round=round_).exists()


def annotate_in_use(templates, name="in_use"):
    """The templates, each with template_in_use as the attribute `name`, in the same query."""
    sent = Report.objects.filter(SENT, round__template=OuterRef("pk"))
    return templates.annotate(**{name: Exists(sent)})


def _copy(obj, **values):
    """An unsaved copy of a model instance: every concrete field but the key."""
    fields = {
        f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if not f.primary_key
    }
    fields.update(values)
    return type(obj)(**fields)


@transaction.atomic
def new_version(template, user=None):
    """A copy of `template` under the next version number of its code, with
    every section (in the same tree) and every table. The old version is left
    as it is. Returns the new template."""
    # Locking the versions of the code makes two copies at once number one after the other.
    versions = list(
        ReportTemplate.objects.select_for_update()
        .filter(code=template.code)
        .values_list("version", flat=True)
    )
    copy = _copy(template, version=max(versions, default=template.version) + 1)
    if user is not None:  # else simple_history takes the request's user, if any
        copy._history_user = user
    copy._change_reason = f"v{copy.version} ← v{template.version}"
    copy.save()

    # Section by section generation: a parent is saved before its children,
    # whatever the depth and position fields say.
    sections = list(TemplateSection.objects.filter(template=template))
    children = defaultdict(list)
    for section in sections:
        children[section.parent_id].append(section)
    copied = {}  # old pk → new section
    generation = children[None]
    while generation:
        new = [
            _copy(s, template_id=copy.pk, parent_id=s.parent_id and copied[s.parent_id].pk)
            for s in generation
        ]
        TemplateSection.objects.bulk_create(new)
        copied.update({old.pk: made for old, made in zip(generation, new, strict=True)})
        generation = [child for s in generation for child in children[s.pk]]
    if len(copied) != len(sections):
        raise ValueError(f"{template}: sections outside the tree of the outline")

    TemplateTable.objects.bulk_create(
        _copy(t, template_id=copy.pk) for t in TemplateTable.objects.filter(template=template)
    )
    return copy
