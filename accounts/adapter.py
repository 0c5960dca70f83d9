from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site

from lagportal.lib import mail

from .models import User


class AccountAdapter(DefaultAccountAdapter):
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
