from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import get_next_redirect_url
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.utils.encoding import force_str
from django.utils.http import urlencode
from django.utils.translation import gettext

from lagportal.lib import mail

from .models import User


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        """Save the name the person gave at sign-up with the rest of the new account."""
        user.full_name = form.cleaned_data.get("full_name", "")
        return super().save_user(request, user, form, commit=commit)

    def get_email_confirmation_url(self, request, emailconfirmation):
        """The confirmation link, carrying what the person came to do (the sign-up's or sign-in's
        `next`, when it is on this site), so that confirming leads back to it from any browser."""
        url = super().get_email_confirmation_url(request, emailconfirmation)
        next_url = get_next_redirect_url(request) if request is not None else None
        return f"{url}?{urlencode({'next': next_url})}" if next_url else url

    def format_email_subject(self, subject):
        """allauth's subject behind the portal's prefix, as the portal's own subjects read."""
        return gettext("[LAG Portal] %(subject)s") % {"subject": force_str(subject)}

    def get_http_user_agent(self, request):
        """The browser named in allauth's notifications, in words when it does not say what it is."""
        return request.META.get("HTTP_USER_AGENT", gettext("Unspecified"))

    def send_mail(self, template_prefix, email, context):
        """Render allauth's message now (it needs the request) and send it from the task worker."""
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        message = self.render_mail(template_prefix, email, ctx)
        html_body = next(
            (content for content, mimetype in message.alternatives if mimetype == "text/html"), ""
        )
        user = context.get("user")
        mail.queue(
            template_prefix,
            to=user if isinstance(user, User) and user.pk and user.email == email else email,
            prerendered={
                "subject": message.subject,
                "text": message.body,
                "html": html_body,
                "from_email": message.from_email,
                "headers": message.extra_headers or None,
            },
        )
