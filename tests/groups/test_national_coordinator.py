"""Who the national LAG Coordinator is: a permission, not a person written into the code."""

import pytest
from django.contrib.auth.models import Permission

from groups.models import national_coordinators

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def test_nnss_staff_and_whoever_is_given_the_permission_are_national_coordinators(
    nnss_staff, group_coordinator, volunteer
):
    apha = UserFactory(email="lag.coordinator@apha.example.org")
    apha.user_permissions.add(Permission.objects.get(codename="coordinate_nationally"))
    retired = UserFactory(is_active=False)
    retired.user_permissions.add(Permission.objects.get(codename="coordinate_nationally"))

    assert set(national_coordinators()) == {nnss_staff, apha}
