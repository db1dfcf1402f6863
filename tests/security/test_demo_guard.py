"""The demo data (and its password 'demo') never reach a server with DEBUG off, unless forced."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

DEMO_USERNAMES = ["chauthanh", "chauthanh.lead", "hongngu", "syt", "admin"]


@pytest.fixture
def no_demo_users(demo):
    """A database whose demo users are gone (renamed: their reports' history keeps them)."""
    for user in get_user_model().objects.filter(username__in=DEMO_USERNAMES):
        user.username = f"old-{user.username}"
        user.save(update_fields=["username"])


def demo_users():
    return get_user_model().objects.filter(username__in=DEMO_USERNAMES).count()


def test_load_demo_refuses_with_debug_off(settings, no_demo_users):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="Refusing to load demo data with DEBUG off"):
        call_command("load_demo")
    assert demo_users() == 0


def test_load_demo_with_force_on_a_demonstration_server(settings, no_demo_users):
    settings.DEBUG = False
    call_command("load_demo", "--force")
    assert demo_users() == len(DEMO_USERNAMES)
    assert get_user_model().objects.get(username="chauthanh").check_password("demo")


def test_load_demo_on_a_developer_machine(settings, no_demo_users):
    settings.DEBUG = True
    call_command("load_demo")
    assert demo_users() == len(DEMO_USERNAMES)
