"""Input no page can use, refused before any view sees it."""

from django.core.exceptions import BadRequest

from .errors import API_PREFIX

NUL = "\x00"


class RefuseNulCharacters:
    """A 400 for an address whose path or query string holds a NUL character.

    PostgreSQL cannot store or compare text holding NUL: a query given one raises, and the page would
    be a 500. Forms refuse it next to the field (Django's CharField does), but a query string also
    reaches code with no form in front of it: a lookup typed into an admin list's address, the admin's
    autocomplete, a search box read straight from the address. No address of ours holds a NUL, so the
    request is refused whole. The API checks its own parameters and answers in JSON (a 422 that names
    the parameter), so its addresses are left to it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX) and _holds_nul(request):
            raise BadRequest("A NUL character in the address.")
        return self.get_response(request)


def _holds_nul(request):
    if NUL in request.path:
        return True
    return any(NUL in name or any(NUL in value for value in values) for name, values in request.GET.lists())
