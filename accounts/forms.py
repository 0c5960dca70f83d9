from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth.hashers import make_password

from .models import User


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form, answering as slowly for an address that has an account as for a new one."""

    def try_save(self, request):
        if self.account_already_exists:
            # A new account's password is hashed as it is saved, which is most of a sign-up's time:
            # hash this one too, so the time the answer takes does not tell that the address is known.
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "phone", "emergency_contact_name", "emergency_contact_phone"]
        labels = {
            "full_name": "Your name",
            "phone": "Phone number (optional)",
            "emergency_contact_name": "Emergency contact's name (optional)",
            "emergency_contact_phone": "Emergency contact's phone number (optional)",
        }
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "emergency_contact_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "emergency_contact_phone": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("emergency_contact_phone") and not cleaned.get("emergency_contact_name"):
            self.add_error("emergency_contact_name", "Say whose number this is.")
        return cleaned


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="We ask for it so nobody else can delete your account from a device you left signed in.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password. Your account has not been deleted.")
        return password
