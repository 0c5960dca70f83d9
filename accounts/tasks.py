from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def send_email(*, subject, text_body, html_body, to, from_email=None, headers=None):
    """Send one rendered message with a plain-text body and an HTML alternative."""
    message = EmailMultiAlternatives(subject, text_body, from_email, to, headers=headers)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    message.send()
