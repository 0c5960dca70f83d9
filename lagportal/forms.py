from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    START_A_GROUP = "start-a-group", _("Starting a group in my area")
    GROUP_REQUEST = "group-request", _("A group's request, or a group that does not answer")
    SOMETHING_ELSE = "something-else", _("Something else")


class ContactForm(forms.Form):
    """A message to the national LAG Coordinator. `homepage` is a trap: people never see it."""

    name = forms.CharField(
        label=_("Your name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("We reply to this address, and send a note there that your message arrived."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    topic = forms.ChoiceField(label=_("What is it about?"), choices=Topic.choices, widget=forms.RadioSelect)
    place = forms.CharField(
        label=_("Where (a town, an area or a postcode)"),
        required=False,
        max_length=100,
        help_text=_("Optional. Helps when it is about a place, such as starting a group."),
    )
    message = forms.CharField(
        label=_("Your message"),
        min_length=10,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Up to 5,000 characters. Please do not include anyone else's personal details."),
    )
    homepage = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_name(self):
        # One line: the name goes into the subject of the email to the national LAG Coordinator.
        return " ".join(self.cleaned_data["name"].split())

    def is_trapped(self):
        """True when the hidden field was filled in: a robot, answered as if it had been sent."""
        return bool(self.cleaned_data.get("homepage"))
