"""The kinds of email the accounts app sends (see lagportal.lib.mail)."""

from django.utils.translation import gettext_lazy as _

from lagportal.lib import mail

ACCOUNT_DELETED = "accounts/emails/account_deleted"


@mail.kind(ACCOUNT_DELETED, label=_("Account deleted"))
def account_deleted(message):
    # Sent after the account is gone: everything it needs travels with the message.
    return {"name": message.context.get("name", ""), "by_staff": message.context.get("by_staff", False)}


# allauth renders its own messages in the request (they carry one-time links): named here for the
# admin's list of what was sent.
for _prefix, _label in [
    ("account/email/email_confirmation_signup", _("Confirm your email address (sign-up)")),
    ("account/email/email_confirmation", _("Confirm your email address")),
    ("account/email/password_reset_key", _("Password reset link")),
    ("account/email/unknown_account", _("Password reset for an address without an account")),
    ("account/email/account_already_exists", _("Sign-up with an address that has an account")),
    ("account/email/password_changed", _("Password changed")),
    ("account/email/password_set", _("Password set")),
    ("account/email/email_changed", _("Email address changed")),
    ("account/email/email_confirm", _("Email address confirmed")),
    ("account/email/email_deleted", _("Email address removed")),
]:
    mail.label_prerendered(_prefix, label=_label)
