import pytest
from django.contrib.auth import get_user_model

from portal.management.commands.load_demo import load_demo_data


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The demo data, loaded once for the whole run; each test rolls back its own changes."""
    with django_db_blocker.unblock():
        load_demo_data()


@pytest.fixture
def demo(db):
    """The demo data, reloaded if a transactional test emptied the database."""
    if not get_user_model().objects.filter(username="syt").exists():
        load_demo_data()


@pytest.fixture
def as_user(client, demo):
    """as_user("chauthanh") → the test client, logged in as that demo user."""

    def login(username):
        client.force_login(get_user_model().objects.get(username=username))
        return client

    return login


def pytest_collection_modifyitems(items):
    """Browser tests last: their live server empties the database after each
    test, and the other tests rely on the demo loaded once per session."""
    items.sort(key=lambda item: "tests/e2e/" in item.nodeid)
