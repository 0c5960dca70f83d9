"""The user admin: NNSS staff manage accounts; coordinators and volunteers cannot."""

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_nnss_staff_can_list_search_and_open_accounts(
    client, nnss_staff, volunteer, django_assert_max_num_queries
):
    client.force_login(nnss_staff)
    response = client.get(reverse("admin:accounts_user_changelist"), {"q": "vera"})
    assert response.status_code == 200
    assert "vera@example.org" in response.content.decode()
    assert client.get(reverse("admin:accounts_user_change", args=[volunteer.pk])).status_code == 200


def test_the_account_list_costs_the_same_queries_for_many_accounts(
    client, nnss_staff, django_assert_max_num_queries
):
    from tests.factories import UserFactory

    client.force_login(nnss_staff)
    UserFactory.create_batch(3)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("admin:accounts_user_changelist"))
    UserFactory.create_batch(40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("admin:accounts_user_changelist"))


@pytest.mark.parametrize("actor", ["coordinator", "volunteer"])
def test_others_cannot_see_or_change_accounts(client, request, actor, other_volunteer):
    client.force_login(request.getfixturevalue(actor))
    for url in [
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_change", args=[other_volunteer.pk]),
    ]:
        assert client.get(url, follow=True).status_code == 403
    response = client.post(
        reverse("admin:accounts_user_change", args=[other_volunteer.pk]),
        {"email": "taken@example.org"},
        follow=True,
    )
    assert response.status_code == 403
    other_volunteer.refresh_from_db()
    assert other_volunteer.email == "oscar@example.org"


def test_anonymous_visitors_are_sent_to_sign_in(client, volunteer):
    response = client.get(reverse("admin:accounts_user_change", args=[volunteer.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_nnss_staff_do_not_see_phone_numbers_in_the_account_admin(client, nnss_staff, volunteer):
    volunteer.phone = "01768 123456"
    volunteer.emergency_contact_phone = "07700 900123"
    volunteer.save()
    client.force_login(nnss_staff)
    page = client.get(reverse("admin:accounts_user_change", args=[volunteer.pk])).content.decode()
    assert "vera@example.org" in page
    assert "01768 123456" not in page and "07700 900123" not in page
