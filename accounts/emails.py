"""Every email the portal sends: rendered from templates in the request, sent by a task."""

from django.db import transaction
from django.template.loader import render_to_string

from .tasks import send_email


def render_email(template_prefix, context):
    """Return (subject, text body, HTML body) from `<prefix>_subject.txt`, `.txt` and `.html`."""
    subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context).split())
    text_body = render_to_string(f"{template_prefix}.txt", context).strip()
    html_body = render_to_string(f"{template_prefix}.html", context).strip()
    return subject, text_body, html_body


def queue_email(*, subject, text_body, html_body, to, from_email=None, headers=None):
    """Send the message from a worker once the current transaction commits (never if it rolls back)."""
    recipients = [to] if isinstance(to, str) else list(to)
    transaction.on_commit(
        lambda: send_email.enqueue(
            subject=subject,
            text_body=text_body,
            html_body=html_body,
            to=recipients,
            from_email=from_email,
            headers=headers,
        )
    )


def send_templated_email(template_prefix, context, to):
    """Render the named email and queue it for `to` (an address or a list of them)."""
    subject, text_body, html_body = render_email(template_prefix, context)
    queue_email(subject=subject, text_body=text_body, html_body=html_body, to=to)


def send_templated_email_to_each(template_prefix, context, recipients):
    """Render the named email once and queue a separate message to each address (nobody sees
    the others' addresses)."""
    subject, text_body, html_body = render_email(template_prefix, context)
    for address in dict.fromkeys(recipients):
        queue_email(subject=subject, text_body=text_body, html_body=html_body, to=address)
