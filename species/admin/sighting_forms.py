"""The forms of the sightings admin: a verifier's decision, and a treatment marked by a coordinator."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import services

COMMENT_MAX_LENGTH = 2000


class ErrorsDescribedForm(forms.Form):
    """A form whose inputs name their errors (aria-describedby), so a screen reader reads them."""

    def full_clean(self):
        super().full_clean()
        for name, field in self.fields.items():
            if name in self.errors:
                described_by = [f"id_{name}_error"] + ([f"id_{name}_helptext"] if field.help_text else [])
                field.widget.attrs["aria-describedby"] = " ".join(described_by)


class DecisionForm(ErrorsDescribedForm):
    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[(status.value, status.label) for status in services.DECISIONS],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a decision.")},
    )
    comment = forms.CharField(
        label=_("Comment to the recorder"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        help_text=_("Emailed to the recorder with the decision, and kept with it. Needed when not accepted."),
    )

    def clean(self):
        cleaned = super().clean()
        status, comment = cleaned.get("status"), cleaned.get("comment", "")
        if status:
            try:
                services.check_decision(status, comment)
            except services.VerificationError as error:
                self.add_error("comment", str(error))
        return cleaned


class TreatmentForm(ErrorsDescribedForm):
    treatment = forms.ChoiceField(
        label=_("What was done"),
        choices=[(treatment.value, treatment.label) for treatment in services.TREATMENTS],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose treated or removed.")},
    )
    treated_on = forms.DateField(
        label=_("On"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={
            "required": _("Give the date it was treated or removed."),
            "invalid": _("Give a date such as 31/05/2026."),
        },
    )
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        help_text=_("How, by whom, what is left: for the next person who goes there."),
    )

    def __init__(self, *args, sighting, **kwargs):
        super().__init__(*args, **kwargs)
        self.sighting = sighting
        self.fields["treated_on"].initial = timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        treatment, treated_on = cleaned.get("treatment"), cleaned.get("treated_on")
        if treatment and treated_on:
            try:
                services.check_treatment(self.sighting, treatment, treated_on)
            except services.TreatmentError as error:
                self.add_error("treated_on", str(error))
        return cleaned
