"""Fixtures of the whole suite: the demo loaded once, logged-in clients, and the
browser tests' Chromium.

Browser tests use Playwright for Python driving Debian's Chromium, never a
browser downloaded by the test tool: /usr/bin/chromium (CHROMIUM overrides);
they skip, saying why, where there is none. `.ci/run` installs Debian's
chromium so that CI always runs them.
"""

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from portal.management.commands.load_demo import load_demo_data


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The demo data, loaded once for the whole run; each test rolls back its own changes."""
    with django_db_blocker.unblock():
        load_demo_data()


@pytest.fixture(scope="session", autouse=True)
def media_root(tmp_path_factory):
    """Files the portal writes (background exports) go to a folder of the run's
    own, never into the clone's media/."""
    from django.test import override_settings

    root = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=str(root)):
        yield root


@pytest.fixture
def demo(db):
    """The demo data, reloaded if a transactional test emptied the database."""
    if not get_user_model().objects.filter(username="syt").exists():
        load_demo_data()


@pytest.fixture
def demo_again_afterwards(django_db_blocker):
    """For tests that commit (transactional_db): set up before transactional_db,
    so torn down after it has emptied the database, and loads the demo again."""
    yield
    with django_db_blocker.unblock():
        load_demo_data()


@contextmanager
def demo_in_old_shape(targets):
    """The demo's database migrated back to `targets` (a database in an older
    shape, for tests of an upgrade): yields the apps of that state and the
    latest migrations; migrated forward again afterwards. Use with
    transactional_db and demo_again_afterwards."""
    from reports.models import Report

    if not Report.objects.filter(unit__code="877").exists():
        load_demo_data()
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    try:
        # (app, None): the app not installed yet, so not part of that state
        state = executor.loader.project_state([t for t in targets if t[1] is not None])
        yield state.apps, latest
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)


@pytest.fixture
def as_user(client, demo):
    """as_user("chauthanh") → the test client, logged in as that demo user."""

    def login(username):
        client.force_login(get_user_model().objects.get(username=username))
        return client

    return login


def pytest_collection_modifyitems(items):
    """Tests with a live server last: it empties the database after each test,
    and the other tests rely on the demo loaded once per session."""
    items.sort(key=lambda item: "live_server" in item.fixturenames)


CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"

# Without these, Chromium tries to reach Google at start and the closed
# network of the machine refuses it many times over.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium to run browser tests")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; Django refuses ORM calls from
    # a thread with a running loop unless told this is expected.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def artifacts(request):
    folder = ARTIFACTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def login_page(browser, live_server):
    """login_page("chauthanh") → a page of a fresh browser context, logged in."""
    contexts = []

    def login(username, password="demo"):
        context = browser.new_context(locale="vi-VN", viewport={"width": 1400, "height": 1000})
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("form:has(input[name=password]) button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    yield login
    for context in contexts:
        context.close()
