"""Every string a person reads is marked for translation, so that adding Welsh is a catalogue, not a
rewrite. Two checks, which fail naming the text that is not marked:

1. The templates, read without rendering them: no visible English outside {% translate %} and
   {% blocktranslate %}, and no English in a tag's string literals (`with label="…"`) outside _("…").
2. The pages and emails, rendered in a made-up language whose catalogue changes every letter of every
   translated string (Find groups → Ƒíñđ ĝŕóúþš): a plain ASCII word left in what a person reads was
   never marked, whether it came from a template, Python (models, forms, admin, messages) or a data
   attribute for the scripts. The test's own data (names, titles, texts) is changed the same way
   first, so only the portal's words are checked. No .mo file is needed, nor gettext's tools: the
   catalogue is a Python object put where Django keeps the catalogues it has loaded.

What may stay in plain letters is listed in ALLOWED_TEXT, each with where it comes from.
"""

import html
import re
from gettext import NullTranslations
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core import mail as outbox
from django.template.base import Lexer, TokenType
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import trans_real

from accounts.models import User
from groups import services
from groups.models import ActionItem, CoverageSnapshot, LocalActionGroup, Meeting, Membership, Update
from lagportal.lib.models import Message
from species.models import Decision, Sighting, Species
from toolkit.models import Category as ToolkitCategory
from toolkit.models import (
    MailingUpdate,
    MaterialItem,
    MaterialsRequest,
    Resource,
    ResourceFile,
    StatusChange,
    Tag,
    TextExtraction,
)
from volunteering.models import Event, EventMessage, Signup, WorkRecord

from ..factories import PASSWORD, UserFactory
from ..groups.factories import ActionItemFactory, GroupFactory, MeetingFactory, UpdateFactory, make_member
from ..lib.test_email_links import SCENARIOS
from ..toolkit.factories_materials import (
    MailingUpdateFactory,
    MaterialItemFactory,
    make_materials_request,
    make_subscriber,
)
from ..volunteering.factories import EventFactory

TEMPLATES = Path(django_settings.BASE_DIR) / "templates"
WORD = re.compile(r"[A-Za-z]{2,}")
# Web and email addresses (the data's, the settings') are not words to translate, nor are Ordnance
# Survey grid references (NY 402 557, SD46T): codes, the same in every language.
ADDRESSES = re.compile(
    r"""(?:https?://|www\.)[^\s"'<>]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"""
    r"""|\b[HJNOST][A-HJ-Z](?: ?\d{1,5}){1,2}[A-NP-Z]?\b"""
)

# Attributes whose values people read (or hear): the scripts' words are data-…-label attributes
# (data-app-label is the admin's name for an app, in its autocomplete widgets).
READ_ATTRIBUTES = {"alt", "title", "aria-label", "aria-description", "placeholder"}


def _is_read(tag, name, attrs):
    if name in READ_ATTRIBUTES or (re.fullmatch(r"data-[\w-]+-label", name) and name != "data-app-label"):
        return True
    if name == "value":  # a button's words, not a hidden field's value
        return tag == "input" and attrs.get("type") in ("submit", "button", "reset")
    return name == "content" and tag == "meta" and attrs.get("name") == "description"


# Text that is not words to translate: scripts and styles, code (a cookie's name, what to type),
# what is typed into a field, and values set apart with <bdi> (a password hash's algorithm and salt).
NOT_READ = {"script", "style", "code", "kbd", "samp", "textarea", "bdi"}


class ReadText(HTMLParser):
    """The text of an HTML page or fragment that people read: text outside the NOT_READ elements,
    and the values of the attributes in _is_read."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in NOT_READ:
            self._hidden += 1
        values = dict(attrs)
        self.pieces += [value for name, value in attrs if value and _is_read(tag, name, values)]

    def handle_endtag(self, tag):
        if tag in NOT_READ:
            self._hidden = max(0, self._hidden - 1)

    def handle_data(self, data):
        if not self._hidden:
            self.pieces.append(data)


def read_text(markup):
    parser = ReadText()
    parser.feed(markup)
    parser.close()
    return parser.pieces


# --- 1. The templates ---------------------------------------------------------------------------

# Stands for every template tag and variable, which the check does not read (translate tags included).
TAG = "\ue000"
# A template's text outside tags that is not words to translate: attribute fragments, e.g.
# `data-area-group-field="id_group"` in a block that fills in a tag (`{% block map_data %}`).
ATTRIBUTE_FRAGMENT = re.compile(r'[\w:-]+="[^"<>]*"?|"')


def _outside_tags(source):
    """The template's text with each tag, variable and comment replaced by TAG, and the contents of
    {% blocktranslate %} and {% comment %} left out."""
    text, skip_until = [], None
    for token in Lexer(source).tokenize():
        word = token.contents.split()[0] if token.token_type == TokenType.BLOCK and token.contents else ""
        if skip_until:
            skip_until = None if word in skip_until else skip_until
            continue
        if token.token_type == TokenType.TEXT:
            text.append(token.contents)
            continue
        if word in ("blocktranslate", "blocktrans"):
            skip_until = ("endblocktranslate", "endblocktrans")
        elif word == "comment":
            skip_until = ("endcomment",)
        text.append(TAG)
    # A tag whose name is a variable (`<{{ heading }} …>`) is still a tag.
    return re.sub(f"(</?){TAG}", rf"\1x{TAG}", "".join(text))


def untranslated_text(path):
    """The pieces of visible English in the template at `path`, outside translate tags."""
    text = _outside_tags(path.read_text())
    pieces = read_text(text) if path.suffix == ".html" else [text]
    found = []
    for piece in pieces:
        for part in piece.split(TAG):
            part = ADDRESSES.sub("", ATTRIBUTE_FRAGMENT.sub("", part)).strip()
            if WORD.search(part):
                found.append(part)
    return found


# A string literal in a tag, not _("…"): English if it holds two words.
LITERAL = re.compile(r"""(_\()?("[^"]*"|'[^']*')""")
TAGS_NAMING_THINGS = {
    "translate",
    "trans",
    "blocktranslate",
    "blocktrans",
    "url",
    "extends",
    "load",
    "static",
}


def untranslated_literals(path):
    found = []
    for token in Lexer(path.read_text()).tokenize():
        if token.token_type not in (TokenType.BLOCK, TokenType.VAR):
            continue
        if token.contents.split()[0] in TAGS_NAMING_THINGS:
            continue
        for match in LITERAL.finditer(token.contents):
            literal = match.group(2)[1:-1]
            if not match.group(1) and re.search(r"[A-Za-z]{2,} [A-Za-z]", literal):
                found.append(literal)
    return found


ALL_TEMPLATES = sorted(path for path in TEMPLATES.rglob("*") if path.suffix in (".html", ".txt"))


def test_the_template_check_finds_english_outside_translate_tags(tmp_path):
    template = tmp_path / "page.html"
    template.write_text(
        '{% load i18n %}<h1 title="Hello there">{% translate "Marked" %} Not marked</h1>'
        '{% blocktranslate %}Marked {{ x }}{% endblocktranslate %}<p>{{ x }}, <a href="{{ url }}">ok</a></p>'
        '{% include "_nav_item.html" with label="Groups near you" %}<script>var s = "code";</script>'
    )
    assert untranslated_text(template) == ["Hello there", "Not marked", "ok"]
    assert untranslated_literals(template) == ["Groups near you"]


@pytest.mark.parametrize("path", ALL_TEMPLATES, ids=lambda path: str(path.relative_to(TEMPLATES)))
def test_every_template_marks_its_english_for_translation(path):
    assert untranslated_text(path) == [], "wrap it in {% translate %} or {% blocktranslate %}"
    assert untranslated_literals(path) == [], 'write it as _("…")'


# --- 2. Pages and emails in a made-up language --------------------------------------------------

PSEUDO = "x-pseudo"
LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
PSEUDO_LETTERS = "áƀçđéƒĝĥíĵķĺɱñóþǫŕšţúṽŵẋýžÁƁÇĐÉƑĜĤÍĴĶĹṀÑÓÞǪŔŠŢÚṼŴẊÝŽ"
TO_PSEUDO = str.maketrans(LETTERS, PSEUDO_LETTERS)
# What a translation keeps as it is: placeholders (%(name)s, %s, {0}), tags, entities.
KEPT = re.compile(
    r"%\([^)]*\)[-#0+]*\d*(?:\.\d+)?[a-zA-Z]|%[-#0+]*\d*(?:\.\d+)?[a-zA-Z%]|\{[^{}]*\}|<[^>]*>|&#?\w+;"
)


def pseudo(text):
    """`text` with every letter changed, its placeholders, tags and entities kept."""
    kept = KEPT.finditer(text)
    out, start = [], 0
    for match in kept:
        out += [text[start : match.start()].translate(TO_PSEUDO), match.group()]
        start = match.end()
    return "".join([*out, text[start:].translate(TO_PSEUDO)])


class PseudoCatalogue(NullTranslations):
    """A catalogue translating every message into the made-up language."""

    def gettext(self, message):
        # pgettext asks for "context\x04message"; the answer is the message's translation.
        return pseudo(message.split("\x04", 1)[-1])

    def ngettext(self, singular, plural, n):
        return self.gettext(singular if n == 1 else plural)

    def language(self):
        return PSEUDO

    def to_language(self):
        return PSEUDO


def test_the_made_up_language_keeps_placeholders_tags_and_entities():
    assert pseudo('Find <a href="{{ x }}">%(count)d groups</a>&nbsp;{0}') == (
        'Ƒíñđ <a href="{{ x }}">%(count)d ĝŕóúþš</a>&nbsp;{0}'
    )
    assert not WORD.search(pseudo("Every English word, CAPITALS too"))


# What may stay in plain letters in a page or an email, and why: the packages' own words that their
# authors did not mark for translation (none of the portal's). A Welsh admin shows them in English.
ALLOWED_TEXT = {
    # Django's admin: the alt text of the yes/no icons (admin_list._boolean_icon) and of the search
    # box's icon (admin/search_form.html).
    "True": "django.contrib.admin",
    "False": "django.contrib.admin",
    "None": "django.contrib.admin",
    "Search": "django.contrib.admin",
    # Names of packages' apps and models, in the admin's home page for superusers.
    "Tasks Database Backend": "django_tasks",
    "User sessions": "allauth.usersessions",
    "user session": "allauth.usersessions",
    # The made-up language's own code, in <html lang> and the feed's <language>.
    PSEUDO: "the language's code",
    # The letters of the Ordnance Survey's 100 km grid square of Carlisle, where the scenarios' records
    # are: part of a grid reference ("NY 40 55"), not a word.
    "NY": "an OS grid reference",
}
ALLOWED = re.compile("|".join(rf"\b{re.escape(text)}\b" for text in ALLOWED_TEXT))


def english_in(pieces):
    """The plain ASCII words in `pieces` (outside ALLOWED_TEXT), each with the piece it is in."""
    found = []
    for piece in pieces:
        words = WORD.findall(ALLOWED.sub("", ADDRESSES.sub("", piece)))
        if words:
            found.append(f"{sorted(set(words))} in “{' '.join(piece.split())[:300]}”")
    return found


class Untranslated:
    """Collects, page by page, the words not marked for translation; fails once, listing them all."""

    def __init__(self):
        self.found = []

    def __call__(self, content, where, *, markup=True):
        pieces = read_text(content) if markup else [content]
        self.found += [f"{where}: {words}" for words in english_in(pieces)]

    def page(self, client, url, *, status=200, method="get", data=None):
        response = getattr(client, method)(url, data or {}, follow=method == "post")
        assert response.status_code == status, f"{method.upper()} {url} answered {response.status_code}"
        self(response.content.decode(), f"{method.upper()} {url}")
        return response

    def assert_none(self):
        assert not self.found, "Text not marked for translation:\n" + "\n".join(self.found)


@pytest.fixture
def untranslated():
    return Untranslated()


@pytest.fixture
def made_up_language(settings):
    """The made-up language is the site's language (the mail worker renders in LANGUAGE_CODE)."""
    settings.LANGUAGE_CODE = PSEUDO  # resets Django's active and default catalogues
    trans_real._translations[PSEUDO] = PseudoCatalogue()
    translation.activate(PSEUDO)
    yield
    translation.deactivate()
    trans_real._translations.pop(PSEUDO, None)


# The data's text, changed like a translation, so that it never counts as English left behind.
DATA_FIELDS = {
    LocalActionGroup: ["name", "summary", "description", "contact_name"],
    User: ["full_name"],
    Membership: ["contact_consent_text"],
    Meeting: ["title", "venue", "agenda", "minutes", "other_attendees"],
    ActionItem: ["issue", "action", "lead_partner", "evaluation"],
    Update: ["title", "body"],
    Species: ["scientific_name", "common_name"],
    Sighting: ["species_description", "recorder_name", "count_or_extent", "habitat_notes"],
    Decision: ["comment"],
    MaterialItem: ["name", "description"],
    MaterialsRequest: ["event_name", "delivery_address", "notes"],
    MailingUpdate: ["subject", "body"],
    ToolkitCategory: ["name", "introduction"],
    Tag: ["name"],
    Resource: ["title", "summary", "body", "file_name", "author", "licence"],
    ResourceFile: ["file_name"],
    Event: ["title", "meeting_point_note", "description", "what_to_bring", "access_notes", "safety_notes"],
    EventMessage: ["subject", "body"],
    # Rows that Django and the portal's migrations write in English, which no catalogue translates:
    # the names of the permission groups and of the permissions (a Welsh admin lists them in English).
    Group: ["name"],
    Permission: ["name"],
}


def data_in_made_up_language():
    for model, fields in DATA_FIELDS.items():
        for row in model.objects.only("pk", *fields):
            model.objects.filter(pk=row.pk).update(**{field: pseudo(getattr(row, field)) for field in fields})
    # A group's address is its slug, which the admin shows: digits, not words.
    for group in LocalActionGroup.objects.only("pk"):
        LocalActionGroup.objects.filter(pk=group.pk).update(slug=f"g-{group.pk}")
    for model in (ToolkitCategory, Tag, Resource):
        for row in model.objects.only("pk"):
            model.objects.filter(pk=row.pk).update(slug=f"t-{row.pk}")
    for message in Message.objects.exclude(context={}):
        context = {
            key: pseudo(value) if isinstance(value, str) else value for key, value in message.context.items()
        }
        Message.objects.filter(pk=message.pk).update(context=context)


@pytest.fixture
def portal(db, nnss_staff, superuser):
    """A group with a coordinator, members, a request waiting, meetings, an action plan and an update."""
    group = GroupFactory(
        name="Eden Balsam Bashers",
        joining_method="on_request",
        contact_name="Ann Lee",
        website="https://eden.example.org",
    )
    open_group = GroupFactory(name="Open River Group")
    coordinator = UserFactory(email="callum@example.org", full_name="Callum Coordinator")
    services.give_role(make_member(coordinator, group), "coordinator")
    volunteer = UserFactory(email="vera@example.org", full_name="Vera Volunteer", phone="01234 567890")
    member = make_member(volunteer, group)
    make_member(UserFactory(full_name="Pat Pending"), group, status=Membership.Status.PENDING)
    soon = MeetingFactory(group=group, title="Summer meeting")
    services.publish_agenda(soon)
    past = MeetingFactory(
        group=group, title="Spring meeting", starts_at=timezone.now() - timezone.timedelta(days=30)
    )
    past.attendees.add(member)
    services.publish_minutes(past)
    overdue = ActionItemFactory(
        group=group, lead_member=member, due_on=timezone.localdate() - timezone.timedelta(days=3)
    )
    overdue.reviewed_at.add(soon)
    update = UpdateFactory(group=group, body="Two **tonnes** pulled.", email_members=True)
    services.publish_update(update)
    UpdateFactory(group=group, title="A draft")
    CoverageSnapshot.objects.create(active_groups=2, covered_km2=1234.5, great_britain_km2=230000)
    leaflets = MaterialItemFactory(name="Balsam leaflet")
    MaterialItemFactory(name="Crayfish poster", quantity_available=0)
    materials_request = make_materials_request(coordinator, group, quantities={leaflets: 10})
    subscriber = make_subscriber("ann@example.org")
    MailingUpdateFactory(subject="Workshop news", created_by=nnss_staff)
    toolkit_resource(nnss_staff)
    event = EventFactory(group=group, title="Balsam bash", minimum_age=16, access_notes="Steep bank.")
    event.target_species.add(Species.objects.create(scientific_name="Impatiens glandulifera", slug="s-9"))
    Signup.objects.create(
        event=event, user=volunteer, state=Signup.State.WAITLISTED, queued_at=timezone.now()
    )
    past_event = EventFactory(group=group, title="Spring pull", status=Event.Status.PUBLISHED)
    Event.objects.filter(pk=past_event.pk).update(
        starts_at=timezone.now() - timezone.timedelta(days=9),
        ends_at=timezone.now() - timezone.timedelta(days=8),
    )
    WorkRecord.objects.create(event=past_event, method="hand_pulled", area_m2=900, bags=12, stems=40)
    Signup.objects.create(event=past_event, user=volunteer, state=Signup.State.ATTENDED)
    data_in_made_up_language()
    return {
        "group": LocalActionGroup.objects.get(pk=group.pk),
        "open_group": LocalActionGroup.objects.get(pk=open_group.pk),
        "membership": member,
        "coordinator": coordinator,
        "volunteer": volunteer,
        "meeting": soon,
        "past_meeting": past,
        "update": update,
        "nnss_staff": nnss_staff,
        "superuser": superuser,
        "materials_request": materials_request,
        "subscriber": subscriber,
        "event": event,
        "past_event": past_event,
    }


def toolkit_resource(staff):
    """A resource in review whose PDF had no text layer, with a file version and a status change."""
    category = ToolkitCategory.objects.create(name="Guidance", slug="guidance", introduction="How to.")
    resource = Resource.objects.create(
        title="Biosecurity guide",
        slug="biosecurity-guide",
        category=category,
        summary="Check, clean, dry.",
        body="Clean your **boots**.",
        file="toolkit/2026/guide.pdf",
        file_name="guide.pdf",
        file_type="pdf",
        file_size=2048,
        text_extraction=TextExtraction.NO_TEXT,
        audiences=["volunteers"],
        author="Secretariat",
        status="in_review",
    )
    resource.tags.add(Tag.objects.create(name="Biosecurity", slug="biosecurity"))
    ResourceFile.objects.create(
        resource=resource, file=resource.file.name, file_name="guide.pdf", file_type="pdf", file_size=2048
    )
    StatusChange.objects.create(
        resource=resource, from_status="draft", to_status="in_review", changed_by=staff
    )
    return resource


def public_pages(portal):
    slug = portal["group"].slug
    return [
        "/",
        "/groups/",
        "/groups/?q=river&country=england",
        "/groups/map/",
        "/groups/find/",
        "/groups/find/?postcode=99",
        "/groups/find/?lat=54.89&lon=-2.93",
        f"/groups/{slug}/",
        f"/groups/{slug}/join/",
        f"/groups/{slug}/meetings/{portal['past_meeting'].pk}/",
        f"/groups/{slug}/updates/",
        f"/groups/{slug}/updates/{portal['update'].pk}/",
        f"/groups/{slug}/updates/follow/",
        "/about/",
        "/contact/",
        "/contact/write/?topic=start-a-group&place=Keswick",
        "/species/report/",
        "/privacy/",
        "/accessibility/",
        "/cookies/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/toolkit/updates/subscribe/",
        "/toolkit/updates/subscribe/check-your-inbox/",
        "/events/",
        "/events/?postcode=99&distance=7&group=9&kind=9&date_from=99999-01-01&date_to=1999-01-01",
        "/events/?lat=54.89&lon=-2.93&distance=10",
        "/events/past/",
        f"/events/{portal['event'].pk}/",
        f"/events/{portal['past_event'].pk}/",
        f"/toolkit/updates/confirm/{portal['subscriber'].confirmation_token()}/",
        f"/toolkit/updates/unsubscribe/{portal['subscriber'].token}/",
        "/no-such-page/",
    ]


def volunteer_pages(portal):
    slug = portal["group"].slug
    return [
        "/",
        reverse("accounts:profile"),
        reverse("accounts:delete_account"),
        "/groups/mine/",
        "/species/report/",
        "/species/sightings/mine/",
        f"/groups/{slug}/",
        f"/groups/{slug}/meetings/{portal['meeting'].pk}/",
        f"/groups/{slug}/leave/",
        f"/groups/{portal['open_group'].slug}/join/",
        f"/groups/emails/stop-updates/{portal['membership'].stop_updates_token()}/",
        reverse("species:following"),
        reverse("species:follow"),
        reverse("account_email"),
        reverse("account_change_password"),
        reverse("usersessions_list"),
        reverse("toolkit:my_materials_requests"),
        f"/events/{portal['event'].pk}/",
        f"/events/{portal['past_event'].pk}/",
        reverse("account_logout"),
    ]


def test_public_and_volunteer_pages_are_all_translated(made_up_language, portal, untranslated):
    anonymous = Client()
    for url in public_pages(portal):
        untranslated.page(anonymous, url, status=404 if url == "/no-such-page/" else 200)
    volunteer = Client()
    volunteer.force_login(portal["volunteer"])
    for url in volunteer_pages(portal):
        untranslated.page(volunteer, url)
    untranslated.page(volunteer, "/admin/login/", status=403)
    for error_page in ["500.html", "503.html"]:
        untranslated(render_to_string(error_page), error_page)
    untranslated.assert_none()


def test_forms_errors_and_messages_are_all_translated(made_up_language, portal, untranslated):
    client = Client()
    untranslated.page(client, "/contact/write/", method="post", data={"message": pseudo("short")})
    untranslated.page(
        client, "/accounts/login/", method="post", data={"login": "vera@example.org", "password": "x"}
    )
    untranslated.page(client, "/accounts/signup/", method="post", data={"email": "not-an-address"})
    report = {"seen_on": "2999-01-01", "grid_reference": "SD456", "species": pseudo("Nothing like it")}
    untranslated.page(client, "/species/report/", method="post", data=report)
    report = {
        "seen_on": (timezone.localdate() - timezone.timedelta(days=1)).isoformat(),
        "grid_reference": "NY 40 56",
        "species_description": pseudo("Pink flowers"),
        "recorder_name": pseudo("Ann"),
        "recorder_email": "ann@example.org",
    }
    untranslated.page(client, "/species/report/", method="post", data=report)  # and its status page

    client.force_login(portal["volunteer"])
    profile = {"full_name": "", "phone": "call me", "emergency_contact_phone": "01234 567890"}
    untranslated.page(client, reverse("accounts:profile"), method="post", data=profile)
    untranslated.page(client, reverse("accounts:profile"), method="post", data={"full_name": pseudo("Vera")})
    untranslated.page(client, reverse("accounts:delete_account"), method="post", data={"password": "wrong"})
    slug = portal["group"].slug
    untranslated.page(client, f"/groups/{slug}/update-emails/", method="post", data={"update_emails": "off"})
    untranslated.page(client, f"/groups/{portal['open_group'].slug}/join/", method="post")
    follow = {"what": "species", "species": "", "area": "postcode", "postcode": "99", "radius_km": "99"}
    untranslated.page(client, reverse("species:follow"), method="post", data=follow)
    follow = {"what": "alert_list", "area": "group", "group": portal["group"].pk}
    untranslated.page(client, reverse("species:follow"), method="post", data=follow)
    untranslated.page(client, reverse("species:follow"), method="post", data=follow)
    untranslated.page(client, f"/groups/{slug}/leave/", method="post")
    untranslated.page(
        Client(), f"/groups/emails/stop-updates/{portal['membership'].stop_updates_token()}/", method="post"
    )
    untranslated.page(
        Client(), reverse("account_reset_password"), method="post", data={"email": "vera@example.org"}
    )
    untranslated.assert_none()


PORTAL_APPS = {"accounts", "groups", "lagportal", "lagportal.lib", "species", "toolkit", "volunteering"}


def admin_pages():
    """The admin's home and, for each of the portal's models, its list, its form to add one and the
    form of one row (whichever the person may open)."""
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        opts = model._meta
        if opts.app_config.name not in PORTAL_APPS:
            continue  # a package's admin, translated by its own catalogue
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        row = model.objects.order_by("pk").first()
        if row is not None:
            urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk]))
    return urls


@pytest.mark.parametrize("who", ["coordinator", "nnss_staff", "superuser"])
def test_admin_pages_are_all_translated(made_up_language, portal, untranslated, who):
    client = Client()
    client.force_login(portal[who])
    opened = 0
    for url in admin_pages():
        response = client.get(url)
        if response.status_code == 200:
            untranslated(response.content.decode(), f"{url} for {who}")
            opened += 1
    assert opened >= 12, f"{who} opened only {opened} admin pages"
    if who != "coordinator":
        resource = Resource.objects.get()
        untranslated.page(client, reverse("admin:toolkit_resource_preview", args=[resource.pk]))
    untranslated.assert_none()


def test_admin_actions_and_their_messages_are_all_translated(made_up_language, portal, untranslated):
    client = Client()
    client.force_login(portal["coordinator"])
    updates = list(Update.objects.values_list("pk", flat=True))
    for changelist, action, selected in [
        ("admin:groups_membership_changelist", "approve_requests", [Membership.objects.pending().get().pk]),
        ("admin:groups_update_changelist", "publish", updates),
        ("admin:groups_meeting_changelist", "publish_minutes", [portal["meeting"].pk]),
    ]:
        data = {"action": action, "_selected_action": selected}
        untranslated.page(client, reverse(changelist), method="post", data=data)
    # The toolkit's steps: one that is refused, one that is made.
    client.force_login(portal["nnss_staff"])
    resource = Resource.objects.get()
    for action in ["archive", "publish"]:
        data = {"action": action, "_selected_action": [resource.pk]}
        untranslated.page(client, reverse("admin:toolkit_resource_changelist"), method="post", data=data)
    untranslated.page(
        client, reverse("admin:toolkit_resource_status", args=[resource.pk, "draft"]), method="post"
    )
    untranslated.assert_none()


def test_the_toolkits_materials_and_mailing_list_pages_forms_and_messages_are_all_translated(
    made_up_language, portal, untranslated
):
    client = Client()
    client.force_login(portal["coordinator"])
    untranslated.page(client, reverse("toolkit:request_materials"))
    untranslated.page(client, reverse("toolkit:my_materials_requests"))
    leaflets = MaterialItem.objects.filter(quantity_available__gt=0).get()
    bad = {
        "group": portal["group"].pk,
        "event_name": "",
        "event_date": "2020-01-01",
        f"item_{leaflets.pk}": "0",
    }
    untranslated.page(client, reverse("toolkit:request_materials"), method="post", data=bad)
    good = {
        "group": portal["group"].pk,
        "event_name": pseudo("Show"),
        "event_date": (timezone.localdate() + timezone.timedelta(days=9)).isoformat(),
        "address": pseudo("Hall"),
        f"item_{leaflets.pk}": "2",
    }
    untranslated.page(client, reverse("toolkit:request_materials"), method="post", data=good)

    anonymous = Client()
    untranslated.page(
        anonymous, reverse("toolkit:subscribe"), method="post", data={"email": "not-an-address"}
    )
    untranslated.page(
        anonymous, reverse("toolkit:subscribe"), method="post", data={"email": "bo@example.org"}
    )
    token = portal["subscriber"].token
    untranslated.page(anonymous, reverse("toolkit:unsubscribe", args=[token]), method="post")
    # After unsubscribing, the confirmation link says so rather than subscribing again.
    confirmation = portal["subscriber"].confirmation_token()
    untranslated.page(anonymous, reverse("toolkit:confirm_subscription", args=[confirmation]), method="post")

    staff = Client()
    staff.force_login(portal["nnss_staff"])
    for changelist, action, selected in [
        ("admin:toolkit_materialsrequest_changelist", "mark_sent", [portal["materials_request"].pk]),
        ("admin:toolkit_materialsrequest_changelist", "mark_sent", [portal["materials_request"].pk]),
        ("admin:toolkit_materialsrequest_changelist", "cancel", [portal["materials_request"].pk]),
        (
            "admin:toolkit_mailingupdate_changelist",
            "send",
            list(MailingUpdate.objects.values_list("pk", flat=True)),
        ),
        (
            "admin:toolkit_mailingupdate_changelist",
            "send",
            list(MailingUpdate.objects.values_list("pk", flat=True)),
        ),
    ]:
        data = {"action": action, "_selected_action": selected}
        untranslated.page(staff, reverse(changelist), method="post", data=data)
    untranslated.assert_none()


def test_coordinators_pages_and_documents_are_all_translated(made_up_language, portal, untranslated):
    client = Client()
    client.force_login(portal["coordinator"])
    slug = portal["group"].slug
    untranslated.page(client, f"/groups/{slug}/action-plan/")
    csv = client.get(f"/groups/{slug}/action-plan.csv").content.decode("utf-8-sig")
    untranslated(csv, "the action plan's CSV", markup=False)
    # The feed's entries hold their HTML escaped: unescaped, it is read as a page.
    feed = Client().get(f"/groups/{slug}/updates.atom").content.decode()
    untranslated(html.unescape(feed), "the updates' feed")
    untranslated.assert_none()


def check_emails(untranslated, where):
    assert outbox.outbox, f"{where}: no email was sent"
    for email in outbox.outbox:
        untranslated(email.subject, f"{where}: the subject to {email.to}", markup=False)
        untranslated(email.body, f"{where}: the text to {email.to}", markup=False)
        for content, _type in getattr(email, "alternatives", []):
            untranslated(content, f"{where}: the HTML to {email.to}")
    untranslated.assert_none()


@pytest.mark.parametrize("kind", sorted(SCENARIOS))
def test_every_kind_of_email_is_all_translated(
    made_up_language, db, untranslated, kind, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        SCENARIOS[kind]()
    data_in_made_up_language()
    outbox.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for send in queued:
            send()
    check_emails(untranslated, kind)


def test_allauths_emails_are_all_translated(
    made_up_language, db, untranslated, django_capture_on_commit_callbacks
):
    """Sign-up, an address that has an account, password resets, a notification of a change."""
    known = UserFactory(email="bob@example.org", full_name=pseudo("Bob"))
    passphrase = "a-long-passphrase-1"
    new_account = {
        "full_name": "Ann",
        "email": "ann@example.org",
        "password1": passphrase,
        "password2": passphrase,
    }
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/accounts/signup/", new_account)
        Client().post("/accounts/signup/", {**new_account, "email": known.email})
        Client().post("/accounts/password/reset/", {"email": known.email})
        Client().post("/accounts/password/reset/", {"email": "nobody@example.org"})
        signed_in = Client()
        signed_in.force_login(known)
        new = "another-long-pass-2"
        signed_in.post(
            "/accounts/password/change/", {"oldpassword": PASSWORD, "password1": new, "password2": new}
        )
    check_emails(untranslated, "allauth")


def test_volunteers_sign_up_my_volunteering_and_hours_pages_are_all_translated(
    made_up_language, portal, untranslated
):
    """Signing up (the safety notes, contact details asked for, an unconfirmed address, a cancelled
    event), answering an offer, My volunteering, logging hours and the printable record."""
    from datetime import timedelta
    from decimal import Decimal

    from volunteering import services as volunteering
    from volunteering.models import Signup

    from ..volunteering.factories import EventFactory, VolunteerFactory

    def event(**fields):
        text = {
            "title": pseudo("Balsam bash"),
            "meeting_point_note": pseudo("Car park by the bridge"),
            "description": pseudo("Pulling balsam."),
            "what_to_bring": pseudo("Gloves"),
            "safety_notes": pseudo("Stay away from the water's edge."),
        }
        return EventFactory(group=portal["group"], **text, **fields)

    vera = portal["volunteer"]
    client = Client()
    client.force_login(vera)
    full = event(places=1)
    volunteering.sign_up(full, VolunteerFactory(full_name=pseudo("Pat")), acknowledged_safety=True)
    offered = event(places=1)
    holder = volunteering.sign_up(
        offered, VolunteerFactory(full_name=pseudo("Sam")), acknowledged_safety=True
    )
    volunteering.sign_up(offered, vera, acknowledged_safety=True)
    volunteering.cancel_signup(holder)
    starts = timezone.now() - timedelta(days=10)
    Signup.objects.create(
        event=event(starts_at=starts, ends_at=starts + timedelta(hours=2)),
        user=vera,
        state=Signup.State.ATTENDED,
        hours=Decimal("2"),
    )
    called_off = event()
    volunteering.sign_up(called_off, vera, acknowledged_safety=True)
    volunteering.cancel_event(called_off)
    going = event()
    signup_url = reverse("volunteering:signup", args=[going.pk])
    untranslated.page(client, signup_url)
    untranslated.page(client, signup_url, method="post")  # the safety box not ticked
    untranslated.page(client, signup_url, method="post", data={"acknowledge_safety": "on"})
    untranslated.page(
        client,
        reverse("volunteering:signup", args=[full.pk]),
        method="post",
        data={"acknowledge_safety": "on"},
    )
    untranslated.page(client, signup_url, method="post", data={"acknowledge_safety": "on"})  # twice
    untranslated.page(client, reverse("volunteering:signup", args=[called_off.pk]))
    offer = Signup.objects.get(event=offered, user=vera)
    untranslated.page(client, reverse("volunteering:offer", args=[offer.pk]))
    untranslated.page(
        client, reverse("volunteering:offer", args=[offer.pk]), method="post", data={"answer": "accept"}
    )
    untranslated.page(client, reverse("volunteering:offer", args=[offer.pk]))
    untranslated.page(client, reverse("volunteering:reset_feed"), method="post")
    untranslated.page(client, reverse("volunteering:reset_feed"), method="post")
    page = client.get(reverse("volunteering:my_volunteering")).content.decode()
    untranslated(re.sub(r"webcal://[^\s\"'<>]+", "", page), "GET my volunteering")
    untranslated.page(client, reverse("volunteering:hours_record"))
    log = reverse("volunteering:log_hours")
    untranslated.page(client, log, method="post", data={"hours": "99", "worked_on": "2999-01-01"})
    solo = {"group": portal["group"].pk, "hours": "1.5", "description": pseudo("Pulled"), "worked_on": ""}
    untranslated.page(client, log, method="post", data=solo)
    solo["worked_on"] = timezone.localdate().isoformat()
    untranslated.page(client, log, method="post", data=solo)
    untranslated.page(client, reverse("volunteering:cancel_signup", args=[offer.pk]), method="post")

    newcomer = VolunteerFactory(full_name=pseudo("Kim"), phone="", emergency_contact_phone="")
    client.force_login(newcomer)
    untranslated.page(client, signup_url)
    untranslated.page(client, signup_url, method="post", data={"acknowledge_safety": "on", "phone": "call"})
    unconfirmed = VolunteerFactory(full_name=pseudo("Lou"), verified=False)
    client.force_login(unconfirmed)
    untranslated.page(client, signup_url)
    untranslated.assert_none()
