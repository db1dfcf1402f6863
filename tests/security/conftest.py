import pytest


def _order(item):
    """0: tests on the demo loaded once per session; 1: those of tests/security
    with a live server; 2: the browser tests of tests/e2e."""
    if "tests/e2e/" in item.nodeid:
        return 2
    return 1 if "live_server" in item.fixturenames else 0


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """After tests/conftest.py's ordering: a live server empties the database
    after each test, and the other tests rely on the demo loaded once per
    session. This module's browser (test_csp_browser.py) closes before the one
    tests/e2e keeps for the whole session opens: Playwright's sync API runs one."""
    items.sort(key=_order)
