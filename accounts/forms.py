from allauth.account.forms import ChangePasswordForm as AllauthChangePasswordForm
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ResetPasswordKeyForm as AllauthResetPasswordKeyForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, User

# Set by the email confirmation page for a person it could not sign in (another browser, or
# later than allauth's LOGIN_TIMEOUT): the sign-in page then shows the address already filled in.
SIGN_IN_EMAIL_SESSION_KEY = "accounts_sign_in_email"


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form, asking for the person's name and answering as slowly for an address
    that has an account as for a new one. The adapter saves the name (`AccountAdapter.save_user`)."""

    full_name = forms.CharField(
        label=_("Your name"),
        max_length=User._meta.get_field("full_name").max_length,
        help_text=_("The coordinators of the groups you join see it, and emails greet you by it."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Enter your name.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["full_name", "email", "password1", "password2"])

    def try_save(self, request):
        if self.account_already_exists:
            # A new account's password is hashed as it is saved, which is most of a sign-up's time:
            # hash this one too, so the time the answer takes does not tell that the address is known.
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form, in sentence case, with the address filled in after the person has
    just confirmed it (the email confirmation page leaves it in the session, for one showing)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "remember" in self.fields:
            self.fields["remember"].label = _("Remember me")
        if not self.is_bound and self.request is not None:
            email = self.request.session.pop(SIGN_IN_EMAIL_SESSION_KEY, None)
            if email:
                self.fields["login"].initial = email


class ChangePasswordForm(AllauthChangePasswordForm):
    """allauth's form, its labels in the site's sentence case."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["oldpassword"].label = _("Current password")
        self.fields["password1"].label = _("New password")
        self.fields["password2"].label = _("New password (again)")


class ResetPasswordKeyForm(AllauthResetPasswordKeyForm):
    """allauth's form, its labels in the site's sentence case."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].label = _("New password")
        self.fields["password2"].label = _("New password (again)")


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "phone", "emergency_contact_name", "emergency_contact_phone"]
        labels = {
            "full_name": _("Your name"),
            "phone": _("Phone number (optional)"),
            "emergency_contact_name": _("Emergency contact's name (optional)"),
            "emergency_contact_phone": _("Emergency contact's phone number (optional)"),
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
            self.add_error("emergency_contact_name", _("Say whose number this is."))
        return cleaned


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("We ask for it so nobody else can delete your account from a device you left signed in."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password. Your account has not been deleted."))
        return password


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the new token"),
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text=_("What it is for, so you can tell your tokens apart: e.g. “Recording app on my phone”."),
        error_messages={"required": _("Give the token a name.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
