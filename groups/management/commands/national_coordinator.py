"""Name or stop a national LAG Coordinator: `national_coordinator add EMAIL`, `remove EMAIL`, or
`list`. Adding puts the person in the "National LAG Coordinator" permission group and lets them
into the admin (see groups.services.make_national_coordinator); removing takes both away again,
unless another role needs the admin.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from groups import services
from groups.models import national_coordinators


class Command(BaseCommand):
    help = "Add, remove or list the national LAG Coordinators (people with an account already)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["add", "remove", "list"])
        parser.add_argument("email", nargs="?", help="The person's account email (for add and remove).")

    def handle(self, *args, action, email=None, **options):
        if action != "list":
            if not email:
                raise CommandError(
                    _("Say whose account to %(action)s: national_coordinator %(action)s EMAIL.")
                    % {"action": action}
                )
            user = get_user_model().objects.filter(email__iexact=email).first()
            if user is None:
                raise CommandError(
                    _("No account with the email %(email)s: they sign up on the portal first.")
                    % {"email": email}
                )
            if action == "add":
                services.make_national_coordinator(user)
                self.stdout.write(
                    _("%(email)s is a national LAG Coordinator, with access to the admin.")
                    % {"email": user.email}
                )
            else:
                services.end_national_coordinator(user)
                self.stdout.write(
                    _("%(email)s is no longer a national LAG Coordinator.") % {"email": user.email}
                )
        self.stdout.write(_("National LAG Coordinators (NNSS staff included):"))
        for person in national_coordinators().order_by("email"):
            self.stdout.write(f"  {person.email}  {person.get_full_name()}")
