"""The portal's own pages: home, error pages, health check and the admin sign-in."""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import path, reverse

from accounts.roles import COORDINATORS, NNSS_STAFF
from lagportal import urls as portal_urls

from ..groups.factories import GroupFactory, make_coordinator

pytestmark = pytest.mark.django_db


def test_home_page_says_what_the_portal_is_for(client):
    response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<h1") == 1
    assert "Local Action Groups against invasive non-native species" in page
    assert 'href="#main"' in page and '<main id="main"' in page
    assert 'aria-label="Main"' in page
    assert "Sign in" in page and "Create an account" in page
    assert "Contains Ordnance Survey data" in page or "contains Ordnance Survey data" in page


def test_signed_in_people_see_my_account_in_the_navigation(client, volunteer):
    client.force_login(volunteer)
    page = client.get("/").content.decode()
    assert "My account" in page and "Sign out" in page
    assert ">Admin<" not in page


def test_staff_see_the_admin_link(client, coordinator):
    make_coordinator(coordinator, GroupFactory())
    client.force_login(coordinator)
    assert ">Admin<" in client.get("/").content.decode()


def test_unknown_address_gets_the_sites_own_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    assert "LAG Portal" in page and 'href="#main"' in page


def boom(request):
    raise RuntimeError("broken on purpose")


urlpatterns = [path("boom/", boom), *portal_urls.urlpatterns]


def test_a_server_error_gets_the_sites_own_500_page(settings):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page
    assert "broken on purpose" not in page


def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize("url", ["/admin/", "/admin/login/"])
def test_admin_sign_in_goes_through_the_rate_limited_portal_sign_in(client, url):
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == f"{reverse('account_login')}?next=/admin/"


def test_posting_credentials_to_the_admin_login_signs_nobody_in(client, nnss_staff, password):
    response = client.post("/admin/login/", {"username": nnss_staff.email, "password": password})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_admin_login_ignores_a_next_address_on_another_site(client):
    response = client.get("/admin/login/?next=https://evil.example.com/")
    assert response["Location"] == f"{reverse('account_login')}?next=/admin/"


def test_repeated_failures_lock_staff_out_of_the_admin_too(client, nnss_staff, password):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": nnss_staff.email, "password": "guess"})
    client.post(reverse("account_login") + "?next=/admin/", {"login": nnss_staff.email, "password": password})
    assert client.get("/admin/").status_code == 302


def test_staff_reach_the_admin_after_signing_in(client, nnss_staff, password):
    response = client.post(
        reverse("account_login"), {"login": nnss_staff.email, "password": password, "next": "/admin/"}
    )
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_volunteer_signed_in_is_refused_the_admin_with_a_403(client, volunteer):
    client.force_login(volunteer)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert "You cannot do that" in response.content.decode()


def test_permission_groups_exist_after_migrating():
    assert set(Group.objects.values_list("name", flat=True)) >= {NNSS_STAFF, COORDINATORS}


def test_nnss_staff_hold_every_portal_permission_and_coordinators_none_yet():
    staff = Group.objects.get(name=NNSS_STAFF)
    codenames = set(staff.permissions.values_list("codename", flat=True))
    assert {"view_user", "change_user"} <= codenames
    assert not Group.objects.get(name=COORDINATORS).permissions.filter(codename="change_user").exists()


def test_granting_role_permissions_twice_changes_nothing():
    from django.apps import apps

    from accounts.roles import sync_role_permissions

    staff = Group.objects.get(name=NNSS_STAFF)
    before = set(staff.permissions.values_list("pk", flat=True))
    sync_role_permissions(apps)
    sync_role_permissions(apps)
    assert set(staff.permissions.values_list("pk", flat=True)) == before


def test_no_page_carries_an_inline_script_without_the_nonce(client):
    for url in ["/", reverse("account_login"), reverse("account_signup"), "/no-such-page/"]:
        page = client.get(url).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", page):
            assert "src=" in tag or "nonce=" in tag, f"inline script on {url}: {tag}"


def test_robots_txt_keeps_crawlers_out_of_accounts_and_the_admin(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain"
    assert "Disallow: /accounts/" in response.content.decode()
    assert "Disallow: /admin/" in response.content.decode()
