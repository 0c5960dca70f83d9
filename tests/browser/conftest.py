"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Playwright's own browser download is not reachable from our machines, so the tests always use
/usr/bin/chromium (see STACK-NOTES, "Browser tests"). They fail, rather than skip, when it is
missing: they are part of `make test`.
"""

import os
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.db import connections
from playwright.sync_api import sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERIOUS_IMPACTS = {"serious", "critical"}
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    """Mark every test in this folder `browser` and run them last (the hook sees the whole
    session's items): the one browser they share keeps Playwright's event loop running from the
    first of them to the end of the session, and Django refuses ORM calls beside a running loop."""
    browser_tests = [item for item in items if HERE in Path(item.path).resolve().parents]
    for item in browser_tests:
        item.add_marker(pytest.mark.browser)
    others = [item for item in items if item not in set(browser_tests)]
    items[:] = others + browser_tests


@pytest.fixture(scope="session")
def chromium(django_db_setup, django_db_blocker):
    """One Chromium for the whole session (launching one takes about a second a test)."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's Chromium "
            "(`apt-get install chromium`, or run `make system-packages` as root).",
            pytrace=False,
        )
    # Playwright's sync API runs an event loop in this thread, which makes Django refuse ORM calls
    # here (SynchronousOnlyOperation): allow them from now on (browser tests run last).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield browser
            finally:
                browser.close()
                # Inside the Playwright block: connections opened while its event loop runs are not
                # visible once it has stopped, and one left open keeps the test database from being
                # dropped ("database is being accessed by other users").
                with django_db_blocker.unblock():
                    connections.close_all()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser_page(live_server, chromium):
    """A page, in a fresh browser context (no cookies or storage from other tests), whose relative
    URLs go to the live server."""
    # bypass_csp: the portal's strict CSP would block the style axe injects.
    context = chromium.new_context(bypass_csp=True, accept_downloads=True, base_url=live_server.url)
    try:
        yield context.new_page()
    finally:
        context.close()
        connections.close_all()


def field(page, label):
    """The form field with exactly this label, ignoring crispy-forms' required-field asterisk.

    Playwright matches a regular expression against the label's raw text, whitespace included.
    """
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def assert_no_serious_axe_violations(page):
    """Run axe-core on the page and fail listing every serious or critical violation."""
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in SERIOUS_IMPACTS]
    if serious:
        lines = [f"{len(serious)} serious or critical axe violation(s) on {page.url}:"]
        for violation in serious:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
            lines.append(f"  {violation['helpUrl']}")
            for node in violation["nodes"]:
                lines.append(f"  * target {node['target']}: {node['html']}")
                if node.get("failureSummary"):
                    lines.append("    " + node["failureSummary"].replace("\n", "\n    "))
        pytest.fail("\n".join(lines), pytrace=False)
