"""Forms of the report editor's appendix tables: the dissemination matrix and
the list of documents issued. Choices come from the outline's table config, so
an outline decides which audiences and methods a unit can tick."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.models import IndicatorGroup, PeriodKind
from reports.editing import clean_text
from reports.figures import Counted
from reports.models import DisseminationRow, IssuedDocument, ValueColumn
from reports.workflow import WorkflowError, check_resubmit_by

FIRST_YEAR = 2017  # Resolutions 20 and 21 date from 25/10/2017

VN_DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y"]


class CleanTextField(forms.CharField):
    """A text stored as the editor stores texts (reports/editing.py): NFC,
    without control characters, one paragraph a line; the length is checked
    on that text."""

    def to_python(self, value):
        return clean_text(super().to_python(value))


class PlainTextField(CleanTextField):
    """The same on one line."""

    def to_python(self, value):
        return " ".join(super().to_python(value).split("\n"))


class DisseminationRowForm(forms.ModelForm):
    audiences = forms.MultipleChoiceField(
        label=_("Audiences"), required=False, widget=forms.CheckboxSelectMultiple
    )
    methods = forms.MultipleChoiceField(
        label=_("Methods"), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = DisseminationRow
        fields = ["unit_label", "done", "audiences", "methods"]
        field_classes = {"unit_label": PlainTextField}

    def __init__(self, *args, table_config=None, **kwargs):
        super().__init__(*args, **kwargs)
        config = table_config or {}
        self.fields["audiences"].choices = [(a, a) for a in config.get("audiences", [])]
        self.fields["methods"].choices = [(m, m) for m in config.get("methods", [])]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("done") and (cleaned.get("audiences") or cleaned.get("methods")):
            self.add_error(
                "done",
                _("Tick “disseminated” when audiences or methods are ticked."),
            )
        return cleaned


class IssuedDocumentForm(forms.ModelForm):
    issued_on = forms.DateField(
        label=_("Date issued"),
        required=False,
        input_formats=VN_DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": _("Write the date as dd/mm/yyyy, e.g. 11/07/2018.")},
    )

    class Meta:
        model = IssuedDocument
        fields = ["number_symbol", "issued_on", "issuer", "summary"]
        field_classes = {
            "number_symbol": PlainTextField,
            "issuer": PlainTextField,
            "summary": PlainTextField,
        }


class ChildRoundForm(forms.Form):
    due_on = forms.DateField(
        label=_("Deadline for the communes"),
        input_formats=VN_DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={
            "invalid": _("Write the date as dd/mm/yyyy, e.g. 01/10/2022."),
            "required": _("Give the communes' deadline."),
        },
    )


class ReturnForm(forms.Form):
    """A reviewer returns a report: why, and optionally by when it is to come back."""

    reason = CleanTextField(label=_("Reason for returning"), required=False)
    resubmit_by = forms.DateField(
        label=_("Resubmit by (optional)"),
        required=False,
        input_formats=VN_DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": _("Write the date as dd/mm/yyyy, e.g. 20/01/2022.")},
    )

    def clean_resubmit_by(self):
        day = self.cleaned_data["resubmit_by"]
        try:
            check_resubmit_by(day)
        except WorkflowError as e:
            raise forms.ValidationError(e.message) from e
        return day


class EditExceptionForm(forms.Form):
    """A reviewer lets a unit edit past the round's lock, until a day, saying why."""

    until = forms.DateField(
        label=_("Editable until"),
        input_formats=VN_DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={
            "invalid": _("Write the date as dd/mm/yyyy, e.g. 20/01/2022."),
            "required": _("Give the last day the unit may edit."),
        },
    )
    reason = CleanTextField(
        label=_("Reason"), error_messages={"required": _("Say why the exception is granted.")}
    )

    def clean_until(self):
        day = self.cleaned_data["until"]
        if day < dt.date.today():
            raise forms.ValidationError(_("The day cannot be before today."))
        return day


def year_choices():
    return [(y, str(y)) for y in range(dt.date.today().year, FIRST_YEAR - 1, -1)]


class RollupForm(forms.Form):
    """What to roll up: an indicator group, a period, a column of the
    indicator table, and which reports' figures count."""

    group = forms.ModelChoiceField(
        label=_("Indicator group"),
        queryset=IndicatorGroup.objects.all(),
        to_field_name="code",
        empty_label=None,
    )
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=year_choices)
    period = forms.ChoiceField(label=_("Period"), choices=PeriodKind.choices)
    column = forms.ChoiceField(label=_("Figure"), choices=ValueColumn.choices)
    counted = forms.ChoiceField(label=_("Figures of"), choices=Counted.choices)
