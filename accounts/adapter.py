from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site

from .emails import queue_email


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """Render allauth's message now (it needs the request) and send it from a task."""
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        message = self.render_mail(template_prefix, email, ctx)
        html_body = next(
            (content for content, mimetype in message.alternatives if mimetype == "text/html"), ""
        )
        queue_email(
            subject=message.subject,
            text_body=message.body,
            html_body=html_body,
            to=message.to,
            from_email=message.from_email,
            headers=message.extra_headers or None,
        )
