"""Loading outlines (report templates) from their JSON description.

The same function loads the fixtures and, later, outlines an administrator
imports: sections are matched by their key ("II.3"), so loading twice
changes nothing. A version a report has been submitted on is never changed in
place (reports/outlines.py): loading a different outline under its code and
version is refused, and the changed outline must carry a new version.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from reports.models import ReportTemplate, TablePlacement, TemplateSection, TemplateTable
from reports.outlines import template_in_use
from reports.workflow import WorkflowError

# The keys of a table's JSON that are fields of TemplateTable; the others are its `config`.
TABLE_FIELDS = ("kind", "title", "placement", "after")


@transaction.atomic
def load_template(data):
    fields = {"name": data["name"], "appendix_title": data.get("appendix_title", "")}
    template, created = ReportTemplate.objects.get_or_create(
        code=data["code"], version=data.get("version", 1), defaults=fields
    )
    changed = False
    # Saved only when something changed, so that loading twice adds no history.
    if not created and any(getattr(template, f) != v for f, v in fields.items()):
        for f, v in fields.items():
            setattr(template, f, v)
        template.save()
        changed = True
    existing = {s.key: s for s in template.sections.all()}
    position = 0

    def walk(nodes, parent, prefix, depth):
        nonlocal position, changed
        for node in nodes:
            position += 1
            key = f"{prefix}.{node['number']}" if prefix else node["number"]
            values = {
                "parent": parent,
                "number": node["number"],
                "title": node["title"],
                "guidance": node.get("guidance", ""),
                "required": node.get("required", True),
                "position": position,
                "depth": depth,
            }
            section = existing.get(key)
            if section is None:
                section = TemplateSection.objects.create(template=template, key=key, **values)
                changed = True
            elif any(getattr(section, f) != v for f, v in values.items()):
                for f, v in values.items():
                    setattr(section, f, v)
                section.save()
                changed = True
            walk(node.get("children", []), section, key, depth + 1)

    walk(data["sections"], None, "", 0)
    tables = [
        {
            "kind": t["kind"],
            "title": t.get("title", ""),
            "position": i,
            # Where the document prints it: "appendix" (the default) or "body",
            # after the section whose key "after" gives ("II.6").
            "placement": t.get("placement", TablePlacement.APPENDIX),
            "section_key": t.get("after", ""),
            "config": {k: v for k, v in t.items() if k not in TABLE_FIELDS},
        }
        for i, t in enumerate(data.get("tables", []))
    ]
    for t in tables:
        if t["placement"] not in TablePlacement.values:
            raise WorkflowError(
                _("A table's placement is one of: %(values)s.")
                % {"values": ", ".join(TablePlacement.values)}
            )
        if t["placement"] == TablePlacement.BODY and not t["section_key"]:
            raise WorkflowError(_('A table printed in the body names its section ("after").'))
    current = [
        {
            "kind": t.kind,
            "title": t.title,
            "position": t.position,
            "placement": t.placement,
            "section_key": t.section_key,
            "config": t.config,
        }
        for t in template.tables.all()
    ]
    if current != tables:
        template.tables.all().delete()
        TemplateTable.objects.bulk_create(TemplateTable(template=template, **t) for t in tables)
        changed = True
    if changed and not created and template_in_use(template):
        raise WorkflowError(
            _(
                "Outline %(code)s version %(version)s is used by submitted reports and cannot "
                "change: give the changed outline a new version number."
            )
            % {"code": template.code, "version": template.version}
        )
    return template
