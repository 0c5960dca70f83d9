"""Forms of a volunteer's pages: signing up (the safety notes, contact details when missing) and
logging hours."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from . import personal
from .models import EARLIEST_YEAR


class SignupForm(forms.Form):
    """The explicit acknowledgement of the event's safety notes (none to tick when it has none)."""

    acknowledge_safety = forms.BooleanField(
        label=_("I have read the safety notes above and will follow them."),
        error_messages={
            "required": _("Tick the box to confirm you have read the safety notes and will follow them.")
        },
    )

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        if not event.safety_notes.strip():
            del self.fields["acknowledge_safety"]


class ContactDetailsForm(forms.ModelForm):
    """Someone to call on the day, asked for at sign-up when the profile has none; saved to it."""

    class Meta:
        model = User
        fields = ["phone", "emergency_contact_name", "emergency_contact_phone"]
        labels = {
            "phone": _("Your phone number"),
            "emergency_contact_name": _("Emergency contact's name"),
            "emergency_contact_phone": _("Emergency contact's phone number"),
        }
        widgets = {
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "emergency_contact_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "emergency_contact_phone": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
        }
        help_texts = {
            "phone": _("Give your phone number, an emergency contact, or both."),
            "emergency_contact_name": "",
            "emergency_contact_phone": "",
        }

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if not cleaned.get("phone") and not cleaned.get("emergency_contact_phone"):
            self.add_error(
                "phone", _("Give a phone number, or an emergency contact's name and phone number.")
            )
        if cleaned.get("emergency_contact_phone") and not cleaned.get("emergency_contact_name"):
            self.add_error("emergency_contact_name", _("Say whose number this is."))
        if cleaned.get("emergency_contact_name") and not cleaned.get("emergency_contact_phone"):
            self.add_error("emergency_contact_phone", _("Give your emergency contact's phone number."))
        return cleaned


class EventChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, event):
        return _("%(title)s, %(date)s (%(group)s)") % {
            "title": event.title,
            "date": timezone.localtime(event.starts_at).strftime("%d/%m/%Y"),
            "group": event.group.name,
        }


class LogHoursForm(forms.Form):
    """Hours given at an event the person came to, or on their own for a group they belong to."""

    event = EventChoiceField(
        queryset=None,
        required=False,
        label=_("Event you came to"),
        empty_label=_("None: work on my own for a group"),
    )
    group = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Group (for work on your own)"),
        empty_label=_("Choose a group"),
        help_text=_("Groups you are a member of."),
    )
    worked_on = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("For an event, leave blank to use the event's date."),
    )
    hours = forms.DecimalField(
        label=_("Hours"),
        min_value=Decimal("0.25"),
        max_value=Decimal("24"),
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.25", "min": "0.25", "max": "24", "inputmode": "decimal"}),
        help_text=_("Between 0.25 and 24, e.g. 2.5 for two and a half hours."),
    )
    description = forms.CharField(
        label=_("What you did"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = personal.events_to_log_hours_for(user)
        self.fields["group"].queryset = personal.groups_to_log_hours_for(user)

    def clean_worked_on(self):
        worked_on = self.cleaned_data["worked_on"]
        if worked_on and worked_on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        if worked_on and worked_on.year < EARLIEST_YEAR:
            raise forms.ValidationError(
                _("Choose a date from %(year)d on: check the year.") % {"year": EARLIEST_YEAR}
            )
        return worked_on

    def clean(self):
        cleaned = super().clean()
        event, group = cleaned.get("event"), cleaned.get("group")
        if event and group and group.pk != event.group_id:
            self.add_error(
                "group", _("Leave the group empty when you choose an event: it is the event's group.")
            )
        elif not event and not group and "event" not in self.errors and "group" not in self.errors:
            self.add_error("group", _("Choose the event you came to, or the group you worked for."))
        if (
            event
            and cleaned.get("worked_on")
            and cleaned["worked_on"] < timezone.localtime(event.starts_at).date()
        ):
            self.add_error("worked_on", _("The event took place on a later date."))
        if "worked_on" in cleaned and not cleaned["worked_on"]:
            if event:
                cleaned["worked_on"] = timezone.localtime(event.starts_at).date()
            elif "worked_on" not in self.errors:
                self.add_error("worked_on", _("Give the date you did the work."))
        return cleaned
