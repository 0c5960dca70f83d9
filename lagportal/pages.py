"""The pages every public-sector site has: about (what Local Action Groups are and why join),
contact (with a form to the national LAG Coordinator), privacy notice, accessibility statement and
cookies.

These pages are the same for every signed-out visitor and are kept in the cache; their version is
the settings they show, or for the About page whether the guide to starting a group is published
(the code and templates are in every cached page's key already). The contact form is never cached:
it carries a CSRF token.
"""

from datetime import date

from allauth.core import ratelimit
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from toolkit.guide import published_start_guide

from . import services
from .forms import ContactForm, Topic
from .lib.http import Version, cached_public_page, version_tag

# When the privacy notice and the accessibility statement were last reviewed: change with them.
PRIVACY_NOTICE_UPDATED = date(2026, 12, 5)
STATEMENT_PREPARED = date(2026, 11, 23)


def _settings_version(*names):
    """A page's version: the settings (from the environment) it shows."""
    return lambda request: Version(version_tag(*(str(getattr(settings, name)) for name in names)))


def _contacts():
    return {
        "nnss_email": settings.NNSS_CONTACT_EMAIL,
        "data_protection_email": settings.DATA_PROTECTION_EMAIL,
    }


def _url_or_none(name):
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _start_guide_version(request):
    guide = published_start_guide()
    return Version(version_tag(guide.pk if guide else None))


@cached_public_page(_start_guide_version)
def about(request):
    """What Local Action Groups are and why join: leads to the finder, the toolkit and the guide to
    starting a group (or, while that is unpublished, to the national LAG Coordinator)."""
    if published_start_guide() is not None:
        start_a_group_url, start_a_group_is_guide = reverse("toolkit:start_a_group"), True
    else:
        start_a_group_url = f"{reverse('pages:contact_form')}?topic={Topic.START_A_GROUP}"
        start_a_group_is_guide = False
    return render(
        request,
        "pages/about.html",
        {"start_a_group_url": start_a_group_url, "start_a_group_is_guide": start_a_group_is_guide},
    )


@cached_public_page(_settings_version("NNSS_CONTACT_EMAIL", "DATA_PROTECTION_EMAIL"))
def contact(request):
    return render(
        request,
        "pages/contact.html",
        {
            **_contacts(),
            "start_a_group_url": f"{reverse('pages:contact_form')}?topic={Topic.START_A_GROUP}",
            "report_sighting_url": _url_or_none("species:report"),
        },
    )


@never_cache  # it carries a CSRF token, and a signed-in person's name and address
def contact_form(request):
    """Write to the national LAG Coordinator: queued, acknowledged to the sender, rate limited."""
    form = ContactForm(request.POST if request.method == "POST" else None, initial=_initial(request))
    status = 200
    if request.method == "POST" and form.is_valid():
        if form.is_trapped():
            return redirect("pages:contact_sent")
        data = form.cleaned_data
        if not ratelimit.consume(request, action="contact", key=data["email"].lower()):
            form.add_error(
                None,
                _(
                    "You have sent several messages in the last hour. Please wait an hour and try again, "
                    "or write to %(email)s."
                )
                % {"email": settings.NNSS_CONTACT_EMAIL},
            )
            status = 429
        else:
            services.send_contact_message(
                name=data["name"],
                email=data["email"],
                topic=data["topic"],
                place=data["place"],
                message=data["message"],
                sender=request.user if request.user.is_authenticated else None,
            )
            return redirect("pages:contact_sent")
    return render(request, "pages/contact_form.html", {"form": form, **_contacts()}, status=status)


def _initial(request):
    """The topic and place a link chose (the finder's "start one"), and a signed-in person's details."""
    initial = {}
    if request.GET.get("topic") in Topic.values:
        initial["topic"] = request.GET["topic"]
    if place := request.GET.get("place", "").strip()[:100]:
        initial["place"] = place
    if request.user.is_authenticated:
        initial.update(name=request.user.full_name, email=request.user.email)
    return initial


@never_cache
def contact_sent(request):
    return render(request, "pages/contact_sent.html", _contacts())


@cached_public_page(
    _settings_version(
        "NNSS_CONTACT_EMAIL", "DATA_PROTECTION_EMAIL", "SESSION_COOKIE_AGE", "MAILING_LIST_UNCONFIRMED_DAYS"
    )
)
def privacy(request):
    return render(
        request,
        "pages/privacy.html",
        {
            **_contacts(),
            "session_days": settings.SESSION_COOKIE_AGE // 86400,
            "confirmation_days": settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS,
            "unconfirmed_days": settings.MAILING_LIST_UNCONFIRMED_DAYS,
            "last_updated": PRIVACY_NOTICE_UPDATED,
        },
    )


@cached_public_page(_settings_version("NNSS_CONTACT_EMAIL"))
def accessibility(request):
    return render(request, "pages/accessibility.html", {**_contacts(), "prepared_on": STATEMENT_PREPARED})


_COOKIE_SETTINGS = (
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_AGE",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_NAME",
    "CSRF_COOKIE_AGE",
)


@cached_public_page(_settings_version(*_COOKIE_SETTINGS))
def cookies(request):
    return render(
        request,
        "pages/cookies.html",
        {
            "session_cookie": settings.SESSION_COOKIE_NAME,
            "session_days": settings.SESSION_COOKIE_AGE // 86400,
            "csrf_cookie": settings.CSRF_COOKIE_NAME,
            "csrf_days": settings.CSRF_COOKIE_AGE // 86400 if settings.CSRF_COOKIE_AGE else None,
            "messages_cookie": CookieStorage.cookie_name,
            "secure_cookies": settings.SESSION_COOKIE_SECURE,
        },
    )
