"""Browser tests: Playwright for Python (plain `playwright.sync_api`) driving Debian's chromium at
/usr/bin/chromium, never a downloaded browser (never `playwright install`).

- On a machine without chromium the browser tests skip with one line; in CI (`CI` set to anything but
  false/0) they fail instead, so CI never skips a test silently. `.ci/run` installs chromium and the CJK font.
- `browser` (session) → `page` (one fresh context per test, zh-CN, 1366×900). A failing test leaves
  test-output/<test name>/failure.png behind.
- `output_dir`: test-output/<test name>/ for the screenshots a test takes on purpose.
- `login(page, live_server, username, password)`: logs in through the real login form (django-axes counts it
  like any other attempt, so `client.login` shortcuts are not available here anyway).
- pytest-django's `live_server` runs in a thread while Playwright's sync API runs an event loop in this one,
  hence DJANGO_ALLOW_ASYNC_UNSAFE. Data a test creates for the live server must be committed: use
  `transactional_db` (or a fixture that depends on it).
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("TUIJIN_CHROMIUM", "/usr/bin/chromium")
# TUIJIN_TEST_OUTPUT moves it (CI runs the SQLite and PostgreSQL passes side by side, each with its own).
OUTPUT = Path(os.environ.get("TUIJIN_TEST_OUTPUT") or Path(__file__).resolve().parents[2] / "test-output")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 15_000

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def has_cjk_font() -> bool:
    """True when fontconfig knows a font covering Chinese (else screenshots show empty boxes, silently)."""
    if not shutil.which("fc-list"):
        return False
    try:
        found = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(found.stdout.strip())


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so the `page` fixture knows whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def _unavailable(message: str):
    if in_ci():
        pytest.fail(message.replace("browser tests skipped", "browser tests cannot run in CI"), pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        _unavailable(f"chromium not found at {CHROMIUM}: browser tests skipped")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[dev]'): browser tests skipped")
    if not has_cjk_font():
        message = "no CJK font (apt-get install fonts-wqy-microhei): screenshots would show boxes for Chinese"
        if in_ci():
            pytest.fail(message, pytrace=False)
        import warnings

        warnings.warn(message, stacklevel=1)

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1366, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    p = context.new_page()
    yield p
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        try:
            p.screenshot(path=str(_folder_for(request.node.name) / "failure.png"), full_page=True)
        except Exception:  # noqa: BLE001 - a failed screenshot must not hide the test's own failure
            pass
    context.close()


def _folder_for(test_name: str) -> Path:
    folder = OUTPUT / re.sub(r"[^\w.-]+", "_", test_name)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def output_dir(request) -> Path:
    """A folder for this test's screenshots: test-output/<test name>/."""
    return _folder_for(request.node.name)


def login(page, live_server, username: str, password: str, *, expect_success: bool = True):
    """Log in through the real login form, as a person would; by default, fail unless it went through."""
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    if expect_success and "/login/" in page.url:
        errors = page.locator(".errorlist")
        detail = errors.first.inner_text() if errors.count() else page.inner_text("body")[:200]
        raise AssertionError(f"login as {username!r} did not go through: {detail}")
    return page
