import pytest
from django.contrib.auth.models import Group

from accounts.roles import NNSS_STAFF

from .factories import PASSWORD, UserFactory


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # Mail goes through the tasks framework: run tasks at once. Pages render without collectstatic.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits live in the cache: every test starts with none used."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def volunteer(db):
    return UserFactory(email="vera@example.org", full_name="Vera Volunteer")


@pytest.fixture
def other_volunteer(db):
    return UserFactory(email="oscar@example.org", full_name="Oscar Other")


@pytest.fixture
def coordinator(db):
    """A person who becomes a coordinator when a test gives them a group (make_coordinator): that
    is what lets them into the admin."""
    return UserFactory(email="callum@example.org", full_name="Callum Coordinator")


@pytest.fixture
def nnss_staff(db):
    user = UserFactory(email="nia@example.org", full_name="Nia Staff", is_staff=True)
    user.groups.add(Group.objects.get(name=NNSS_STAFF))
    return user


@pytest.fixture
def national_coordinator(db):
    """The national LAG Coordinator at APHA (not NNSS staff), named through the service."""
    from groups import services

    user = UserFactory(email="nadia@apha.example.org", full_name="Nadia National")
    return services.make_national_coordinator(user)


@pytest.fixture
def superuser(db):
    return UserFactory(email="sam@example.org", full_name="Sam Superuser", is_staff=True, is_superuser=True)


@pytest.fixture
def group_coordinator(coordinator):
    """The coordinator of a group of their own (so the admin lets them in), made through the services."""
    from .groups.factories import GroupFactory, make_coordinator

    make_coordinator(coordinator, GroupFactory(name="Callum's River Group"))
    coordinator.refresh_from_db()
    return coordinator
