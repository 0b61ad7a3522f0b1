"""Browser tests: the app served on 127.0.0.1 from a background thread, driven by headless
Chromium through Selenium, with its console and network logs and axe-core to hand.

The app and its database are tests/integration's (migrated, both registers, the demo), so the
browser sees what the integration tests see. Runs in the SQLite run only (tests/run_all.py).
"""

import json
import shutil
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

from commissioning import demo
from tests.integration.conftest import app  # noqa: F401  (the session app and its database)

CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM = "/usr/bin/chromium"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
AXE_JS = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"  # npm, by `make install`
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGE_LOAD_SECONDS = 20
# axe-core 4.7+ no longer reports duplicate ids (WCAG 2.2 dropped 4.1.1), and it finds a
# label by its `for` without asking whether the browser ties it to that field: both are
# checked here, as a duplicate id can silently take a field's label away.
DUPLICATE_IDS = (
    "const ids = [...document.querySelectorAll('[id]')].map(e => e.id);"
    "return [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];"
)
LABELS_WITHOUT_FIELD = (
    "return [...document.querySelectorAll('label[for]')]"
    ".filter(label => label.control === null).map(label => label.htmlFor);"
)


@pytest.fixture(scope="session")
def live_server(app):  # noqa: F811  (the imported fixture)
    """The base URL of the app, served on a free port of 127.0.0.1."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    if shutil.which(CHROMEDRIVER) is None:
        pytest.skip(f"no chromedriver at {CHROMEDRIVER}: install chromium-driver (see .ci/run)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--no-first-run",
        "--window-size=1280,1024",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(PAGE_LOAD_SECONDS)
    yield driver
    driver.quit()


class Page:
    """A browser on the live server, with what a test wants to know about the page."""

    def __init__(self, driver, base_url: str):
        self.driver = driver
        self.base_url = base_url

    def open(self, path: str) -> None:
        self.drain_logs()
        self.driver.get(self.base_url + path)

    def sign_in(self, role: str) -> None:
        """Sign in as the demo account of a role."""
        self.sign_in_as(f"{role}@{demo.DEMO_DOMAIN}", demo.DEMO_PASSWORD)

    def sign_in_as(self, email: str, password: str) -> None:
        self.driver.delete_all_cookies()
        self.open("/sign-in")
        self.fill("email", email)
        self.fill("password", password)
        self.press("form [type=submit]")
        assert not self.path.startswith("/sign-in"), self.text("main")

    @property
    def path(self) -> str:
        return urlsplit(self.driver.current_url).path

    def element(self, css: str):
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, css)

    def elements(self, css: str) -> list:
        from selenium.webdriver.common.by import By

        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def text(self, css: str = "main") -> str:
        """What a reader sees in an element (the main content unless told)."""
        return self.element(css).text

    def fill(self, name: str, value: str) -> None:
        field = self.element(f"[name='{name}']")
        field.clear()
        field.send_keys(value)

    def choose(self, name: str, value: str) -> None:
        """Tick a checkbox or choose a radio button by clicking its label, as a person does."""
        field = self.element(f"input[name='{name}'][value='{value}']")
        self.element(f"label[for='{field.get_attribute('id')}']").click()
        assert field.is_selected(), f"{name}={value} is not selected"

    def select(self, name: str, value: str) -> None:
        from selenium.webdriver.support.ui import Select

        Select(self.element(f"select[name='{name}']")).select_by_value(value)

    def press(self, css: str) -> None:
        """Click a button or link and wait for the page it leads to (logs start afresh)."""
        self.follow(self.element(css))

    def press_button(self, text: str) -> None:
        """Click the button in the main content whose words start with text."""
        from selenium.webdriver.common.by import By

        self.follow(
            self.driver.find_element(
                By.XPATH, f"//main//button[starts-with(normalize-space(.), '{text}')]"
            )
        )

    def follow_link(self, text: str) -> None:
        from selenium.webdriver.common.by import By

        self.follow(self.driver.find_element(By.LINK_TEXT, text))

    def follow(self, element) -> None:
        from selenium.webdriver.support import expected_conditions
        from selenium.webdriver.support.ui import WebDriverWait

        self.drain_logs()
        current = self.element("html")
        element.click()
        WebDriverWait(self.driver, PAGE_LOAD_SECONDS).until(
            expected_conditions.staleness_of(current)
        )
        self.wait_for("document.readyState === 'complete'")

    def notification(self) -> str:
        """The text of the success banner (a flashed message)."""
        return self.text(".govuk-notification-banner--success .govuk-notification-banner__content")

    def wait_for(self, script: str, seconds: float = 10) -> None:
        """Wait until a JavaScript expression is true on the page."""
        from selenium.webdriver.support.ui import WebDriverWait

        WebDriverWait(self.driver, seconds).until(lambda d: d.execute_script(f"return {script}"))

    def drain_logs(self) -> None:
        self.driver.get_log("browser")
        self.driver.get_log("performance")

    def console_errors(self) -> list[str]:
        return [
            entry["message"]
            for entry in self.driver.get_log("browser")
            if entry["level"] == "SEVERE"
        ]

    def requested_urls(self) -> list[str]:
        """Every URL the page asked for since it was opened (from Chrome's performance log)."""
        urls = []
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                urls.append(message["params"]["request"]["url"])
        return urls

    def requests_leaving_the_server(self) -> list[str]:
        return [
            url
            for url in self.requested_urls()
            if urlsplit(url).scheme not in ("data", "blob")
            and urlsplit(url).hostname != "127.0.0.1"
        ]

    def assert_sound(self) -> None:
        """The page as it is now: no console error, nothing fetched from another server, no
        WCAG 2.2 A or AA violation, and every id unique and every label tied to its field."""
        assert self.console_errors() == [], self.path
        assert self.requests_leaving_the_server() == [], self.path
        assert self.accessibility_violations() == [], self.path
        assert self.driver.execute_script(DUPLICATE_IDS) == [], self.path
        assert self.driver.execute_script(LABELS_WITHOUT_FIELD) == [], self.path

    def accessibility_violations(self) -> list[str]:
        """WCAG 2.2 A and AA violations axe-core finds on the page as it is now."""
        self.driver.execute_script(AXE_JS.read_text(encoding="utf-8"))
        violations = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
            ".then(result => done(result.violations));",
            WCAG_TAGS,
        )
        return [
            f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} elements, "
            f"first: {violation['nodes'][0]['target']})"
            for violation in violations
        ]


@pytest.fixture
def page(browser, live_server):
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `make install` to install axe-core")
    return Page(browser, live_server)
