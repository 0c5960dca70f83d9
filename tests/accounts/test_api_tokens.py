"""Personal API tokens: made and revoked under My account, and the bearer authentication and
per-token write limit that API endpoints acting for a person use (accounts/api_auth.py)."""

import hashlib
import json
import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.test import Client
from django.urls import path, reverse
from django.utils import timezone
from ninja import NinjaAPI, Schema, Status

from accounts import services
from accounts.api_auth import RETRY_AFTER_SECONDS, TokenAuth, over_write_limit
from accounts.models import ApiToken
from lagportal.lib.api_schemas import RateLimited, Unauthorized

from ..factories import UserFactory
from ..lagportal.test_cache_outage import REFUSED, use_cache_at

pytestmark = pytest.mark.django_db

TOKENS = reverse("accounts:api_tokens")
SECRET_IN_PAGE = re.compile(r'id="new-token-secret"[^>]* value="(lag_[^"]+)"')


def _revoke_url(token):
    return reverse("accounts:revoke_api_token", args=[token.pk])


def _make(user, name="Recording app on my phone"):
    return services.create_api_token(user, name)


# --- My account: the tokens page ------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_sign_in_from_the_tokens_page(client, method):
    response = getattr(client, method)(TOKENS, {"name": "Sneaky"} if method == "post" else None)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={TOKENS}"
    assert not ApiToken.objects.exists()


def test_anonymous_visitors_cannot_revoke_a_token(client, volunteer):
    token, _secret = _make(volunteer)
    response = client.post(_revoke_url(token))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_account_menu_links_to_the_tokens_page(client, volunteer):
    client.force_login(volunteer)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert f'href="{TOKENS}"' in page
    assert ">API tokens</a>" in page


def test_making_a_token_shows_its_secret_once_and_stores_only_its_hash(client, volunteer):
    client.force_login(volunteer)

    response = client.post(TOKENS, {"name": "iRecord on my phone"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Copy it now: it will not be shown again." in page
    assert "no-store" in response["Cache-Control"]
    secret = SECRET_IN_PAGE.search(page).group(1)
    token = ApiToken.objects.get(user=volunteer)
    assert token.name == "iRecord on my phone"
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:12] and len(secret) > 40
    # The secret itself is in no column of the row.
    assert secret not in json.dumps(list(ApiToken.objects.values()), default=str)

    again = client.get(TOKENS).content.decode()
    assert secret not in again
    assert "Copy it now" not in again
    assert "iRecord on my phone" in again and token.prefix in again


def test_the_page_lists_the_persons_active_tokens_with_prefix_made_and_last_used(
    client, volunteer, other_volunteer
):
    used, _secret = _make(volunteer, "Phone app")
    ApiToken.objects.filter(pk=used.pk).update(last_used_at=timezone.now() - timedelta(days=3))
    unused, _secret = _make(volunteer, "Laptop script")
    revoked, _secret = _make(volunteer, "Old tablet")
    services.revoke_api_token(revoked)
    others, _secret = _make(other_volunteer, "Oscar's own app")
    client.force_login(volunteer)

    page = client.get(TOKENS).content.decode()

    for token in (used, unused):
        assert token.name in page and token.prefix in page
    assert "last used" in page and "never used" in page
    assert "Old tablet" not in page
    assert "Oscar's own app" not in page and others.prefix not in page
    assert _revoke_url(others) not in page


def test_a_token_needs_a_name_and_nothing_is_made_without_one(client, volunteer):
    client.force_login(volunteer)
    response = client.post(TOKENS, {"name": "   "})
    page = response.content.decode()
    assert "Give the token a name." in page
    assert 'id="error_1_id_name"' in page
    assert "Copy it now" not in page
    assert not ApiToken.objects.exists()


def test_a_name_already_in_use_is_refused_next_to_the_field(client, volunteer):
    _make(volunteer, "Phone app")
    client.force_login(volunteer)
    page = client.post(TOKENS, {"name": "phone APP"}).content.decode()
    assert "You already have a token called “phone APP”. Give this one another name." in page
    assert 'id="error_1_id_name"' in page
    assert ApiToken.objects.count() == 1


def test_a_person_may_hold_only_ten_active_tokens(client, volunteer):
    for number in range(services.MAX_ACTIVE_API_TOKENS):
        _make(volunteer, f"App {number}")
    client.force_login(volunteer)

    page = client.post(TOKENS, {"name": "One too many"}).content.decode()

    assert (
        "You already have 10 tokens, the most one person may hold. Revoke one you no longer use to make another."
        in page
    )
    assert 'id="error_1_id_name"' in page
    assert "Copy it now" not in page
    assert not ApiToken.objects.filter(name="One too many").exists()


def test_a_revoked_token_frees_a_place_for_a_new_one(client, volunteer):
    tokens = [_make(volunteer, f"App {number}")[0] for number in range(services.MAX_ACTIVE_API_TOKENS)]
    services.revoke_api_token(tokens[0])
    client.force_login(volunteer)
    page = client.post(TOKENS, {"name": "App 0"}).content.decode()
    assert "Copy it now" in page
    assert ApiToken.objects.active().filter(user=volunteer).count() == services.MAX_ACTIVE_API_TOKENS


def test_revoking_a_token_confirms_it_and_takes_it_off_the_list(client, volunteer):
    token, _secret = _make(volunteer, "Phone app")
    kept, _secret = _make(volunteer, "Laptop script")
    client.force_login(volunteer)

    response = client.post(_revoke_url(token), follow=True)

    page = response.content.decode()
    assert response.redirect_chain == [(TOKENS, 302)]
    assert "The token “Phone app” has been revoked: apps using it can no longer act for you." in page
    assert "Phone app" not in page.split('<h2 id="tokens-heading"')[1].split("</section>")[0]
    assert "Laptop script" in page
    token.refresh_from_db()
    kept.refresh_from_db()
    assert token.revoked_at is not None and kept.revoked_at is None


def test_revoking_twice_keeps_the_first_time(client, volunteer):
    token, _secret = _make(volunteer)
    client.force_login(volunteer)
    client.post(_revoke_url(token))
    first = ApiToken.objects.get(pk=token.pk).revoked_at
    assert client.post(_revoke_url(token)).status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at == first


def test_revoking_needs_a_post(client, volunteer):
    token, _secret = _make(volunteer)
    client.force_login(volunteer)
    assert client.get(_revoke_url(token)).status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_without_the_csrf_token_is_refused(volunteer):
    token, _secret = _make(volunteer)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(volunteer)
    assert browser.post(_revoke_url(token)).status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None


def test_another_persons_token_cannot_be_revoked(client, volunteer, other_volunteer):
    token, _secret = _make(other_volunteer)
    client.force_login(volunteer)
    response = client.post(_revoke_url(token))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert not list(get_messages(response.wsgi_request))


def test_an_unknown_token_is_not_found(client, volunteer):
    client.force_login(volunteer)
    assert client.post(reverse("accounts:revoke_api_token", args=[987654])).status_code == 404


# --- Personal data --------------------------------------------------------------------------


def test_the_data_export_lists_the_tokens_without_their_secret_or_hash(client, volunteer, other_volunteer):
    token, secret = _make(volunteer, "Phone app")
    revoked, revoked_secret = _make(volunteer, "Old tablet")
    services.revoke_api_token(revoked)
    _make(other_volunteer, "Oscar's own app")
    client.force_login(volunteer)

    response = client.get(reverse("accounts:export_data"))

    text = response.content.decode()
    exported = json.loads(text)["api_tokens"]
    assert [(row["name"], row["prefix"]) for row in exported] == [
        ("Phone app", token.prefix),
        ("Old tablet", revoked.prefix),
    ]
    assert exported[0]["revoked_at"] is None and exported[1]["revoked_at"] is not None
    for hidden in (secret, revoked_secret, token.secret_hash, revoked.secret_hash, "Oscar's own app"):
        assert hidden not in text


def test_deleting_the_account_deletes_its_tokens(volunteer, other_volunteer):
    _make(volunteer, "Phone app")
    services.revoke_api_token(_make(volunteer, "Old tablet")[0])
    kept, _secret = _make(other_volunteer, "Oscar's own app")

    services.delete_account(volunteer)

    assert list(ApiToken.objects.all()) == [kept]


# --- Bearer authentication and the write limit, on a small API of their own ------------------

test_api = NinjaAPI(urls_namespace="token_test_api", docs_url=None)


class Caller(Schema):
    email: str
    token: str


class Saved(Schema):
    saved: bool


@test_api.get("/whoami", auth=TokenAuth(), response={200: Caller, 401: Unauthorized})
def whoami(request):
    return {"email": request.user.email, "token": request.auth.name}


@test_api.post("/notes", auth=TokenAuth(), response={201: Saved, 401: Unauthorized, 429: RateLimited})
def add_note(request):
    if refusal := over_write_limit(request):
        return refusal
    return Status(201, {"saved": True})


urlpatterns = [path("test-api/", test_api.urls)]
uses_test_api = pytest.mark.urls(__name__)


def _bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@uses_test_api
def test_an_active_token_authenticates_its_person(client, volunteer):
    _token, secret = _make(volunteer, "Phone app")
    response = client.get("/test-api/whoami", **_bearer(secret))
    assert response.status_code == 200
    assert response.json() == {"email": "vera@example.org", "token": "Phone app"}


@uses_test_api
@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Bearer lag_not-a-token-anyone-holds",
        "Bearer not-even-the-shape-of-one",
        "Bearer lag_" + "x" * 5000,
        "Basic dmVyYUBleGFtcGxlLm9yZzpwYXNzd29yZA==",
    ],
)
def test_no_token_or_an_unknown_one_is_unauthorized(client, volunteer, header):
    _make(volunteer)
    extra = {} if header is None else {"HTTP_AUTHORIZATION": header}
    response = client.get("/test-api/whoami", **extra)
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


@uses_test_api
def test_a_revoked_token_is_unauthorized(client, volunteer):
    token, secret = _make(volunteer)
    services.revoke_api_token(token)
    assert client.get("/test-api/whoami", **_bearer(secret)).status_code == 401


@uses_test_api
def test_the_token_of_a_closed_account_is_unauthorized(client, volunteer):
    _token, secret = _make(volunteer)
    volunteer.is_active = False
    volunteer.save()
    assert client.get("/test-api/whoami", **_bearer(secret)).status_code == 401


@uses_test_api
def test_the_scheme_is_case_insensitive_but_the_token_is_not(client, volunteer):
    _token, secret = _make(volunteer)
    assert client.get("/test-api/whoami", HTTP_AUTHORIZATION=f"bearer {secret}").status_code == 200
    assert client.get("/test-api/whoami", **_bearer(secret.upper())).status_code == 401


@uses_test_api
def test_a_session_cookie_is_no_token(client, volunteer):
    client.force_login(volunteer)
    assert client.get("/test-api/whoami").status_code == 401


@uses_test_api
def test_last_used_is_recorded_at_most_once_a_minute(client, volunteer, django_assert_num_queries):
    token, secret = _make(volunteer)

    with django_assert_num_queries(2):  # the lookup, and recording the use
        client.get("/test-api/whoami", **_bearer(secret))
    token.refresh_from_db()
    assert timezone.now() - token.last_used_at < timedelta(seconds=5)

    thirty_seconds_ago = timezone.now() - timedelta(seconds=30)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=thirty_seconds_ago)
    with django_assert_num_queries(1):  # the lookup alone
        client.get("/test-api/whoami", **_bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at == thirty_seconds_ago

    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - timedelta(minutes=2))
    client.get("/test-api/whoami", **_bearer(secret))
    token.refresh_from_db()
    assert timezone.now() - token.last_used_at < timedelta(seconds=5)


def _write_until_refused(client, secret, attempts=25):
    answers = [client.post("/test-api/notes", **_bearer(secret)) for _ in range(attempts)]
    return [answer.status_code for answer in answers], answers[-1]


@uses_test_api
def test_writes_are_limited_per_token(client, volunteer):
    _token, secret = _make(volunteer, "Runaway app")
    _other, other_secret = _make(volunteer, "Careful app")

    codes, refused = _write_until_refused(client, secret)

    assert codes == [201] * 20 + [429] * 5
    assert refused.json() == {"detail": "Too many changes with this token. Wait a minute and try again."}
    assert refused["Retry-After"] == str(RETRY_AFTER_SECONDS)
    # Another token (even the same person's) has its own count.
    assert client.post("/test-api/notes", **_bearer(other_secret)).status_code == 201


@uses_test_api
def test_an_app_writes_with_its_token_alone_without_a_csrf_token(volunteer):
    _token, secret = _make(volunteer)
    app = Client(enforce_csrf_checks=True)
    assert app.post("/test-api/notes", **_bearer(secret)).status_code == 201


@uses_test_api
def test_reads_are_not_counted_against_the_write_limit(client, volunteer):
    _token, secret = _make(volunteer)
    for _ in range(30):
        assert client.get("/test-api/whoami", **_bearer(secret)).status_code == 200
    assert client.post("/test-api/notes", **_bearer(secret)).status_code == 201


@uses_test_api
def test_the_write_limit_still_counts_while_redis_is_down(client, volunteer, settings):
    """As allauth's own limits: each app process counts in its own memory until Redis is back."""
    use_cache_at(settings, REFUSED)
    try:
        assert caches["default"].is_using_fallback
        _token, secret = _make(volunteer)
        codes, _refused = _write_until_refused(client, secret, attempts=21)
        assert codes == [201] * 20 + [429]
    finally:
        caches["default"].clear()


def test_the_secret_is_hard_to_guess_and_tokens_differ(volunteer):
    secrets = {_make(volunteer, f"App {number}")[1] for number in range(5)}
    assert len(secrets) == 5
    assert all(secret.startswith("lag_") and len(secret) >= 40 for secret in secrets)


def test_another_persons_tokens_do_not_count_towards_the_limit(volunteer):
    for number in range(services.MAX_ACTIVE_API_TOKENS):
        _make(UserFactory(), f"App {number}")
    token, _secret = _make(volunteer, "My first")
    assert token.user == volunteer
