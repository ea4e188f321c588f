"""Fixtures for the console's browser tests (loaded by `pytest_plugins` in tests/e2e/test_console*.py).

- `browser`: Debian's Chromium driven by Playwright for Python (no downloaded browser here);
- `page`: a fresh browser context and page per test, with the guest-text guards armed (any
  JavaScript dialog or page error is recorded) and a screenshot in tests/e2e/artifacts/
  when the test fails;
- `agent`: the demo agent on the HTTP API, to set up conversations and to compare with what
  the console shows.
"""

from __future__ import annotations

import re
import shutil

import pytest
from console_helpers import ARTIFACTS, CHROMIUM_ARGS, DESKTOP, AgentApi, ConsolePage

_reports = pytest.StashKey[dict]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    item.stash.setdefault(_reports, {})[report.when] = report
    return report


def _failed(node) -> bool:
    reports = node.stash.get(_reports, {})
    return any(r.failed for r in reports.values())


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if not path:
        pytest.fail("Debian's chromium is not installed: run `make chromium` (apt-get install chromium)")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def agent(local_stack) -> AgentApi:
    return AgentApi(local_stack)


@pytest.fixture
def browser_context_options() -> dict:
    """Per test overridable (e.g. a French browser)."""
    return {"viewport": DESKTOP, "locale": "en-GB"}


@pytest.fixture
def page(request, browser, local_stack, browser_context_options):
    context = browser.new_context(**browser_context_options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    console = ConsolePage(page, local_stack)
    yield console
    if _failed(request.node):
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid.split("::", 1)[-1])
        try:
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
            (ARTIFACTS / f"{name}.log").write_text("\n".join(console.events) + "\n")
        except Exception as exc:  # the page may be gone with the failure; the report still says why
            print(f"no screenshot for {name}: {exc}")
    context.close()


@pytest.fixture
def signed_in(page) -> ConsolePage:
    page.sign_in()
    return page
