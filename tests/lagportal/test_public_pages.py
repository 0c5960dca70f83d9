"""The pages every public-sector site has: about, contact (and its form), privacy, accessibility, cookies."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts import services as account_services
from lagportal.checks import contact_addresses_are_set
from lagportal.lib.models import Message

from ..factories import UserFactory
from ..groups.factories import GroupFactory

pytestmark = pytest.mark.django_db

PAGES = {
    "pages:about": "About Local Action Groups",
    "pages:contact": "Contact",
    "pages:privacy": "Privacy notice",
    "pages:accessibility": "Accessibility statement",
    "pages:cookies": "Cookies",
}
FOOTER_LINKS = ["/about/", "/contact/", "/privacy/", "/accessibility/", "/cookies/"]

GOOD = {
    "name": "Robin Walker",
    "email": "robin@example.org",
    "topic": "start-a-group",
    "place": "Keswick",
    "message": "There is Himalayan balsam all along the Greta and no group here. How do we start one?",
    "homepage": "",
}


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    """Post the contact form (GOOD, with changes) and send what it queued."""

    def post(**changes):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("pages:contact_form"), {**GOOD, **changes})

    return post


@pytest.fixture
def national_coordinator(db):
    """The coordinator at APHA, given the national LAG Coordinator's permission."""
    person = UserFactory(email="alex@apha.example.org", full_name="Alex National")
    person.user_permissions.add(Permission.objects.get(codename="coordinate_nationally"))
    return person


# --- The pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "heading"), PAGES.items())
def test_each_page_answers_with_its_one_heading(client, name, heading):
    response = client.get(reverse(name))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<h1") == 1
    assert f"<h1>{heading}</h1>" in page


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/groups/",
        "/groups/find/",
        "/accounts/login/",
        "/no-such-page/",
        *FOOTER_LINKS,
        "/contact/write/",
    ],
)
def test_every_page_links_the_about_contact_and_policy_pages_in_its_footer(client, url):
    GroupFactory()
    page = client.get(url).content.decode()
    footer = page[page.index("<footer") :]
    for link in FOOTER_LINKS:
        assert f'href="{link}"' in footer, f"{url} does not link {link}"


def test_a_groups_page_links_the_four_pages_and_shows_the_groups_own_contact(client):
    group = GroupFactory(contact_name="Jo Balsam", contact_email="eden-lag@example.org")
    page = client.get(group.get_absolute_url()).content.decode()
    assert "Jo Balsam" in page and 'href="mailto:eden-lag@example.org"' in page
    footer = page[page.index("<footer") :]
    assert all(f'href="{link}"' in footer for link in FOOTER_LINKS)


def test_the_home_page_offers_the_contact_page(client):
    assert 'href="/contact/"' in client.get("/").content.decode().split("<footer")[0]


def test_the_contact_page_names_the_nnss_data_protection_and_the_form(client, settings):
    settings.NNSS_CONTACT_EMAIL = "nnss@nnss.example.org"
    settings.DATA_PROTECTION_EMAIL = "dpo@nnss.example.org"
    page = client.get(reverse("pages:contact")).content.decode()
    assert 'href="mailto:nnss@nnss.example.org"' in page
    assert 'href="mailto:dpo@nnss.example.org"' in page
    assert 'href="/contact/write/?topic=start-a-group"' in page
    assert "Write to the national LAG Coordinator" in page
    assert 'href="/groups/find/"' in page
    assert "Reporting a sighting" in page


def test_the_privacy_notice_says_what_is_held_who_sees_it_and_how_to_leave(client):
    page = client.get(reverse("pages:privacy")).content.decode()
    for words in [
        "Draft.",
        "data protection officer",
        "phone number",
        "emergency contact",
        "network (IP) address",
        "Only they see your phone number and emergency contact",
        "for up to 14 days",
        "not yet any automatic deletion",
        "ico.org.uk",
    ]:
        assert words in page, words
    assert f'href="{reverse("accounts:export_data")}"' in page
    assert f'href="{reverse("accounts:delete_account")}"' in page


def test_the_accessibility_statement_gives_the_target_known_problems_and_the_ehrc(client):
    page = client.get(reverse("pages:accessibility")).content.decode()
    for words in [
        "WCAG",
        "2.2",
        "partially compliant",
        "needs a mouse",
        "axe-core",
        "Equality and Human Rights",
    ]:
        assert words in page, words
    assert 'href="/contact/write/"' in page
    assert "prepared on 23 November 2026" in page


def test_every_cookie_the_portal_sets_is_on_the_cookies_page(client, volunteer, password):
    client.post(reverse("account_login"), {"login": volunteer.email, "password": password})
    client.get(reverse("pages:contact_form"))  # a form: the CSRF cookie
    client.post(reverse("account_logout"))  # "You have signed out": the messages cookie
    assert {"sessionid", "csrftoken", "messages"} <= set(client.cookies)

    page = client.get(reverse("pages:cookies")).content.decode()
    for name in client.cookies:
        assert f"<code>{name}</code>" in page
    assert "no cookie banner" in page
    assert "Up to 14 days" in page and "364 days" in page


def test_the_pages_need_no_database_for_a_signed_out_visitor(client, django_assert_max_num_queries):
    for name in PAGES:
        if name == "pages:about":
            continue  # it asks whether the toolkit's guide to starting a group is published
        with django_assert_max_num_queries(0):
            assert client.get(reverse(name)).status_code == 200


def test_the_about_page_needs_one_query_for_a_signed_out_visitor(client, django_assert_num_queries):
    client.get(reverse("pages:about"))
    with django_assert_num_queries(1):
        assert client.get(reverse("pages:about")).status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_a_signed_out_visitor_gets_the_shared_copy_and_a_304(client, name):
    first = client.get(reverse(name))
    assert "Cookie" in first["Vary"] and "private" not in first["Cache-Control"]
    assert client.get(reverse(name), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_a_changed_address_shows_at_once_on_the_cached_contact_page(client, settings):
    client.get(reverse("pages:contact"))
    settings.NNSS_CONTACT_EMAIL = "secretariat@nnss.example.org"
    assert "secretariat@nnss.example.org" in client.get(reverse("pages:contact")).content.decode()


def test_a_signed_in_persons_contact_form_is_never_shared(client, volunteer):
    client.force_login(volunteer)
    mine = client.get(reverse("pages:contact_form"))
    assert volunteer.email in mine.content.decode()
    assert "private" in mine["Cache-Control"] or "no-cache" in mine["Cache-Control"]
    client.logout()
    theirs = client.get(reverse("pages:contact_form")).content.decode()
    assert volunteer.email not in theirs and volunteer.full_name not in theirs


# --- The contact form --------------------------------------------------------------------------


def test_a_link_to_the_form_chooses_its_topic_and_place(client):
    # The finder's "start one" leads to the toolkit's guide now (tests/toolkit/test_guide.py).
    form = client.get("/contact/write/?topic=start-a-group&place=52.6300%2C%201.3000").content.decode()
    assert re.search(r'value="start-a-group"[^>]*\bchecked>', form)
    assert 'value="52.6300, 1.3000"' in form


def test_an_unknown_topic_in_the_address_preselects_nothing(client):
    form = client.get("/contact/write/?topic=%3Cscript%3E").content.decode()
    assert "checked" not in form and "<script>" not in form.split("<main")[1].split("</main>")[0]


def test_a_signed_in_person_finds_their_name_and_address_filled_in(client, volunteer):
    client.force_login(volunteer)
    form = client.get(reverse("pages:contact_form")).content.decode()
    assert 'value="Vera Volunteer"' in form and 'value="vera@example.org"' in form


def test_a_message_goes_to_every_national_coordinator_replying_to_the_sender(
    send, nnss_staff, national_coordinator, mailoutbox
):
    response = send()
    assert response.status_code == 302 and response["Location"] == reverse("pages:contact_sent")

    to_coordinators = [email for email in mailoutbox if email.to != [GOOD["email"]]]
    assert sorted(email.to[0] for email in to_coordinators) == [national_coordinator.email, nnss_staff.email]
    for email in to_coordinators:
        assert email.reply_to == [GOOD["email"]]
        assert email.subject == "[LAG Portal] Contact form: Starting a group in my area, from Robin Walker"
        assert GOOD["message"] in email.body and "Keswick" in email.body
        assert GOOD["message"] in email.alternatives[0][0]


def test_the_sender_is_told_the_message_arrived_without_their_words_repeated(send, nnss_staff, mailoutbox):
    send()
    [note] = [email for email in mailoutbox if email.to == [GOOD["email"]]]
    assert note.subject == "[LAG Portal] We have your message"
    assert "Starting a group in my area" in note.body
    assert "/contact/" in note.body
    for typed in [GOOD["message"], GOOD["name"], GOOD["place"]]:
        assert typed not in note.body and typed not in note.alternatives[0][0]
    assert not note.reply_to


def test_with_no_national_coordinator_the_message_goes_to_the_nnss_address(send, settings, mailoutbox):
    settings.NNSS_CONTACT_EMAIL = "nnss@nnss.example.org"
    send()
    assert sorted(email.to[0] for email in mailoutbox) == ["nnss@nnss.example.org", GOOD["email"]]


def test_an_inactive_national_coordinator_gets_nothing(send, settings, national_coordinator, mailoutbox):
    national_coordinator.is_active = False
    national_coordinator.save()
    send()
    assert national_coordinator.email not in [email.to[0] for email in mailoutbox]
    assert settings.NNSS_CONTACT_EMAIL in [email.to[0] for email in mailoutbox]


def test_the_portal_keeps_neither_the_address_nor_the_words_once_sent(send, nnss_staff):
    send()
    messages = list(Message.objects.all())
    assert len(messages) == 2
    assert all(m.status == Message.Status.SENT and m.to_address == "" and m.context == {} for m in messages)
    assert [m.recipient for m in messages if m.recipient] == [nnss_staff]


def test_a_signed_in_senders_waiting_message_goes_with_their_account(client, volunteer, nnss_staff):
    client.force_login(volunteer)
    # Not sent yet (no on-commit here): deleting the account forgets it.
    client.post(reverse("pages:contact_form"), {**GOOD, "email": volunteer.email})
    assert Message.objects.filter(person=volunteer).count() == 2
    account_services.delete_account(volunteer)
    assert not Message.objects.exclude(kind="accounts/emails/account_deleted").exists()


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"name": "   "}, "name", "This field is required."),
        ({"name": "x" * 151}, "name", "at most 150 characters"),
        ({"email": ""}, "email", "This field is required."),
        ({"email": "robin@"}, "email", "Enter a valid email address."),
        ({"email": "robin@example.org\nBcc: x@example.org"}, "email", "Enter a valid email address."),
        ({"topic": ""}, "topic", "This field is required."),
        ({"topic": "free-money"}, "topic", "Select a valid choice."),
        ({"place": "x" * 101}, "place", "at most 100 characters"),
        ({"message": ""}, "message", "This field is required."),
        ({"message": "help      "}, "message", "at least 10 characters"),
        ({"message": "x" * 5001}, "message", "at most 5000 characters"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_a_bad_answer_is_shown_next_to_its_field_and_nothing_is_sent(
    send, nnss_staff, mailoutbox, changes, field, error
):
    response = send(**changes)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert error in str(response.context["form"].errors[field])
    assert f'href="#id_{field}' in page  # the summary links to the field
    assert Message.objects.count() == 0 and mailoutbox == []


def test_a_name_over_several_lines_reaches_the_subject_as_one(send, nnss_staff, mailoutbox):
    send(name="Robin\r\nBcc: victim@example.org")
    [to_staff] = [email for email in mailoutbox if email.to == [nnss_staff.email]]
    assert to_staff.subject.endswith("from Robin Bcc: victim@example.org")
    assert to_staff.message()["Bcc"] is None


def test_a_robot_filling_the_hidden_field_is_thanked_and_nothing_is_sent(send, nnss_staff, mailoutbox):
    response = send(homepage="https://spam.example.com/")
    assert response.status_code == 302 and response["Location"] == reverse("pages:contact_sent")
    assert Message.objects.count() == 0 and mailoutbox == []


def test_the_hidden_field_is_hidden_from_people_and_screen_readers(client):
    page = client.get(reverse("pages:contact_form")).content.decode()
    assert '<div hidden><label for="id_homepage">' in page
    assert 'tabindex="-1"' in page


def test_one_address_may_send_three_messages_an_hour(send, nnss_staff, mailoutbox):
    for _ in range(3):
        assert send().status_code == 302
    sent = len(mailoutbox)

    response = send(message="A fourth message in the same hour, which is refused.")
    assert response.status_code == 429
    assert "You have sent several messages in the last hour" in response.content.decode()
    assert len(mailoutbox) == sent and Message.objects.count() == sent


def test_one_network_address_may_send_five_messages_an_hour(send, nnss_staff, mailoutbox):
    for number in range(5):
        assert send(email=f"person{number}@example.org").status_code == 302
    response = send(email="person6@example.org")
    assert response.status_code == 429
    assert "person6@example.org" not in [email.to[0] for email in mailoutbox]


def test_the_form_only_sends_by_post(client, nnss_staff, mailoutbox):
    assert client.get(reverse("pages:contact_form"), GOOD).status_code == 200
    assert Message.objects.count() == 0


def test_the_sent_page_thanks_and_is_not_cached(client):
    response = client.get(reverse("pages:contact_sent"))
    assert "Your message has been sent" in response.content.decode()
    assert "no-cache" in response["Cache-Control"]


# --- Emails and settings -----------------------------------------------------------------------


def test_the_account_deleted_email_points_to_the_contact_page_not_a_reply(
    volunteer, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://lagportal.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        account_services.delete_account(volunteer)
    [goodbye] = mailoutbox
    assert "reply to this email" not in goodbye.body.lower()
    assert "https://lagportal.example.org/contact/" in goodbye.body
    assert 'href="https://lagportal.example.org/contact/"' in goodbye.alternatives[0][0]
    assert not goodbye.reply_to


def test_check_deploy_flags_the_placeholder_contact_addresses(settings):
    settings.NNSS_CONTACT_EMAIL = "nnss@lagportal.localhost"
    settings.DATA_PROTECTION_EMAIL = "dpo@nnss.example.org"
    [warning] = contact_addresses_are_set(None)
    assert warning.id == "lagportal.W001" and "NNSS_CONTACT_EMAIL" in warning.msg

    settings.NNSS_CONTACT_EMAIL = "nnss@nnss.example.org"
    assert contact_addresses_are_set(None) == []
