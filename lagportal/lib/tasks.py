from django_tasks import task

from . import mail


@task()
def send_message(message_id):
    """Send one recorded email (it is read again here, so a re-run sends nothing twice)."""
    mail.deliver(message_id)
