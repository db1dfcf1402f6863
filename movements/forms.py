"""The forms of the movement pages: a unit's declarations, a line of the award
list and the award list's signature."""

import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from movements.models import AwardKind, Movement
from portal.models import ReportingUnit
from reports.forms import VN_DATE_FORMATS, CleanTextField, PlainTextField

# A State body's number and symbol: "15/DS-UBND", "/DS-UBND" while the number
# is not given, "104/DS-UBND-TĐKT" (Decree 30, Appendix I).
STATE_NUMBER = re.compile(r"^\d*/[A-ZĐ]+(-[A-ZĐ0-9.]+)+$")

ANSWERS = [
    ("", gettext_lazy("Not declared")),
    ("yes", gettext_lazy("Yes")),
    ("no", gettext_lazy("No")),
]


class DeclarationForm(forms.Form):
    """One answer and its evidence per yes/no key target."""

    def __init__(self, statements, declarations, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.statements = statements
        for target in statements:
            current = declarations.get(target.pk)
            self.fields[f"answer_{target.pk}"] = forms.ChoiceField(
                label=target.label,
                choices=ANSWERS,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                initial=("yes" if current.holds else "no") if current else "",
            )
            self.fields[f"evidence_{target.pk}"] = CleanTextField(
                label=_("Evidence"),
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=current.evidence if current else "",
            )

    def pairs(self):
        """(key target, answer field, evidence field) for the template."""
        return [(t, self[f"answer_{t.pk}"], self[f"evidence_{t.pk}"]) for t in self.statements]


class _UnitChoice(forms.ModelChoiceField):
    def __init__(self, *args, labels=None, **kwargs):
        self.labels = labels or {}
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return self.labels.get(obj.pk, obj.name)


class AwardForm(forms.Form):
    """A line of the award list. The rules (quota, 100%) are checked by
    standing.propose_award, whose errors land beside these fields."""

    kind = forms.ChoiceField(
        label=gettext_lazy("Award for"),
        choices=AwardKind.choices,
        initial=AwardKind.COLLECTIVE,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    unit = _UnitChoice(label=gettext_lazy("Unit"), queryset=ReportingUnit.objects.none())
    person_name = PlainTextField(
        label=gettext_lazy("Full name (individuals)"), max_length=200, required=False
    )
    person_title = PlainTextField(
        label=gettext_lazy("Job title (individuals)"), max_length=200, required=False
    )
    reason = CleanTextField(
        label=gettext_lazy("Achievement"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, movement, rows, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {
            r.unit.pk: _("%(unit)s — %(share)s%% of key targets at year end")
            % {"unit": r.unit.name, "share": r.share_display}
            for r in rows
        }
        labels[movement.unit_id] = movement.unit.name
        unit_ids = [movement.unit_id, *(r.unit.pk for r in rows)]
        field = self.fields["unit"]
        assert isinstance(field, _UnitChoice)
        field.queryset = ReportingUnit.objects.filter(pk__in=unit_ids).order_by("path")
        field.labels = labels


class AwardDocumentForm(forms.ModelForm):
    """The award list as a signed document: its number, who signs, when, and
    who receives it (documents/award_list.py prints them)."""

    signed_on = forms.DateField(
        label=gettext_lazy("Date signed"),
        required=False,
        input_formats=VN_DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": gettext_lazy("Write the date as dd/mm/yyyy, e.g. 05/02/2022.")},
        help_text=gettext_lazy("Empty until the list is signed: the day and month stay blank."),
    )

    class Meta:
        model = Movement
        fields = ["number_symbol", "signed_on", "authority", "position", "signer", "recipients"]
        field_classes = {
            "number_symbol": PlainTextField,
            "authority": CleanTextField,
            "position": PlainTextField,
            "signer": PlainTextField,
            "recipients": CleanTextField,
        }
        labels = {
            "number_symbol": gettext_lazy("Number and symbol"),
            "authority": gettext_lazy("Authority words"),
            "position": gettext_lazy("Signer's title"),
            "signer": gettext_lazy("Signer"),
            "recipients": gettext_lazy("Recipients"),
        }
        widgets = {
            "authority": forms.Textarea(attrs={"rows": 2}),
            "recipients": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_number_symbol(self):
        number = self.cleaned_data["number_symbol"].strip()
        if number and not STATE_NUMBER.match(number):
            raise forms.ValidationError(
                _("Write the number and symbol as 15/DS-UBND, or /DS-UBND until it is given.")
            )
        return number

    def clean_signed_on(self):
        day = self.cleaned_data["signed_on"]
        if day and day.year < self.instance.year:
            raise forms.ValidationError(
                _("The list is signed in %(year)s or later, the movement's year.")
                % {"year": self.instance.year}
            )
        return day
