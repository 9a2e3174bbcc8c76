"""The HTML report in a real browser: Debian's chromium, headless, through chromedriver.

(a) The demo's report (``regionready demo --topology two-targets``: two Region pairs, run
once for the module) opened from ``file://``: the counts, the filters, search, sorting,
"show more" and expanding a row, each checked against what the demo's JSON report says;
the browser console stays free of errors. The fixed report of conftest.py, plus results
whose names are markup, shows every status and renders the markup as text.
(b) A synthetic report of 25,000 results loads, keeps at most a page of rows in the DOM
and filters to the exact counts.

Needs ``/usr/bin/chromium`` and ``/usr/bin/chromedriver`` (``apt-get install chromium
chromium-driver``); without them every test here fails, it is never skipped. With
``REGIONREADY_SCREENSHOT=path`` the demo's screenshot is also written to ``path``
(docs/images/html-report.png is made that way).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import struct
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait

from regionready import registry
from regionready.model import Report, Result, ScanInfo, Severity, Status
from regionready.reporters import html as html_reporter

from .conftest import build_report
from .test_html import HOSTILE_ID, HOSTILE_MESSAGE, HOSTILE_NAME, hostile_report

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WIDTH, HEIGHT = 1280, 900
#: Longest wait for the page to react (a bounded poll, not a timing assertion).
WAIT_S = 30
PAGE = html_reporter.PAGE_ROWS
DEFAULT_STATUSES = {"FAIL", "ERROR", "SUPPRESSED"}
STATUS_ORDER = [s.value for s in html_reporter.STATUS_ORDER]


# -- the browser --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    if missing:
        pytest.fail(
            f"{' and '.join(missing)} missing: apt-get install chromium chromium-driver",
            pytrace=False,
        )
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    try:
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False},
        )
        yield driver
    finally:
        driver.quit()


def open_page(driver: WebDriver, path: Path) -> None:
    """Open ``path`` from file:// and wait for the script's ready marker."""
    driver.get(path.as_uri())
    wait(driver, lambda d: d.execute_script("return document.documentElement.dataset.ready"))


def wait(driver: WebDriver, condition: Callable[[WebDriver], Any]) -> None:
    WebDriverWait(driver, WAIT_S, poll_frequency=0.05).until(condition)


def console_errors(driver: WebDriver) -> list[str]:
    """The browser console's error entries since the last call."""
    entries = driver.get_log("browser")  # type: ignore[no-untyped-call]
    return [e["message"] for e in entries if e["level"] == "SEVERE"]


def counter(driver: WebDriver, element_id: str) -> int:
    return int(driver.find_element(By.ID, element_id).text)


def visible(driver: WebDriver) -> list[int]:
    """The result index of each row in the table, in order."""
    rows = driver.execute_script(
        "return Array.from(document.querySelectorAll('#rows tr.result'), r => r.dataset.i)"
    )
    return [int(i) for i in rows]


def set_filters(
    driver: WebDriver,
    *,
    severity: str = "",
    service: str = "",
    pair: str = "",
    statuses: set[str] = DEFAULT_STATUSES,
    search: str = "",
) -> None:
    """Set every filter through the page's controls, as a person would."""
    Select(driver.find_element(By.ID, "filter-severity")).select_by_value(severity)
    Select(driver.find_element(By.ID, "filter-service")).select_by_value(service)
    if driver.find_elements(By.ID, "filter-pair"):
        Select(driver.find_element(By.ID, "filter-pair")).select_by_value(pair)
    for box in driver.find_elements(By.CSS_SELECTOR, "#filters input[name=status]"):
        if box.is_selected() != (box.get_attribute("value") in statuses):
            box.click()
    field = driver.find_element(By.ID, "search")
    if field.get_attribute("value") != search:
        field.send_keys(Keys.CONTROL, "a")
        field.send_keys(Keys.BACKSPACE)
        if search:
            field.send_keys(search)


def toggle(driver: WebDriver, index: int) -> list[WebElement]:
    """Click the details button of result ``index``'s row: its detail row, if open."""
    driver.find_element(By.CSS_SELECTOR, f"#rows tr.result[data-i='{index}'] button.toggle").click()
    return driver.find_elements(By.CSS_SELECTOR, f"#rows tr.detail[data-detail-for='{index}']")


def expect_rows(driver: WebDriver, expected: list[int]) -> None:
    """The table settles on exactly ``expected`` (result indexes, any order): the match
    count, and every row when they fit one page (else a page of them)."""
    with contextlib.suppress(TimeoutException):  # the assertions say what it shows instead
        wait(driver, lambda d: counter(d, "match-count") == len(expected))
    assert counter(driver, "match-count") == len(expected)
    shown = visible(driver)
    assert len(shown) == min(len(expected), PAGE) == counter(driver, "shown-count")
    assert set(shown) <= set(expected)
    if len(expected) <= PAGE:
        assert sorted(shown) == sorted(expected)


# -- what the page should show, computed from the JSON --------------------------------------


def haystack(result: dict[str, Any], rules: dict[str, Any]) -> str:
    """What the search reads of a result (report.js ``haystack``)."""
    rule = rules.get(result["rule_id"])
    fields = [
        result["rule_id"],
        rule["title"] if rule else "",
        result["service"],
        result["status"],
        result["severity"],
        result["message"],
        result["resource_type"],
        result["resource_id"],
        result["resource_name"] or "",
        result["correlation_key"],
        result["region"],
        result["account"],
        f"{result['source_region']}:{result['target_region']}",
        *result["blocked_by"],
    ]
    return "\n".join(fields).lower()


def matching(
    data: dict[str, Any],
    *,
    severity: str = "",
    service: str = "",
    pair: str = "",
    statuses: set[str] = DEFAULT_STATUSES,
    search: str = "",
) -> list[int]:
    terms = search.lower().split()
    found = []
    for i, r in enumerate(data["results"]):
        if r["status"] not in statuses:
            continue
        if severity and r["severity"] != severity:
            continue
        if service and r["service"] != service:
            continue
        if pair and f"{r['source_region']}:{r['target_region']}" != pair:
            continue
        if terms and not all(t in haystack(r, data["rules"]) for t in terms):
            continue
        found.append(i)
    return found


# -- (a) the demo's report ------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The demo's HTML report and its JSON report, from one two-pair demo run (the other
    formats have their own tests: the demo writes only these two)."""
    from regionready.demo.run import run_demo

    out = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(registry, "formats", lambda: ["html", "json"])
        assert run_demo(out, progress=False, topology_name="two-targets") == 0
    data = json.loads((out / "regionready.json").read_text("utf-8"))
    return out / "regionready.html", data


@pytest.fixture
def demo_page(browser: WebDriver, demo: tuple[Path, dict[str, Any]]) -> Iterator[dict[str, Any]]:
    path, data = demo
    console_errors(browser)  # what earlier pages logged
    open_page(browser, path)
    yield data
    assert console_errors(browser) == []


def test_demo_counts(browser: WebDriver, demo_page: dict[str, Any]) -> None:
    data = demo_page
    shown = browser.execute_script(
        "return Object.fromEntries(Array.from("
        "document.querySelectorAll('#summary .count[data-status]'),"
        " e => [e.dataset.status, Number(e.textContent)]))"
    )
    assert shown == data["summary"]["status"]
    failing = browser.execute_script(
        "return Object.fromEntries(Array.from("
        "document.querySelectorAll('#summary .count[data-severity]'),"
        " e => [e.dataset.severity, Number(e.textContent)]))"
    )
    assert failing == data["summary"]["failing_by_severity"]
    assert counter(browser, "total-count") == len(data["results"])
    assert (
        browser.find_element(By.ID, "verdict").get_attribute("data-verdict")
        == (data["verdict"]["status"])
    )
    assert browser.find_element(By.ID, "overall-score").text == f"{data['score']['overall']:.1f}"
    pairs = browser.execute_script(
        "return Array.from(document.querySelectorAll('section.pair[data-pair]'),"
        " e => e.dataset.pair)"
    )
    assert pairs == list(data["verdict"]["pairs"])
    # The first view: FAIL, ERROR and SUPPRESSED, most severe first.
    expected = matching(data)
    expect_rows(browser, expected)
    ranks = {s.value: s.rank for s in Severity}
    severities = [ranks[data["results"][i]["severity"]] for i in visible(browser)]
    assert severities == sorted(severities, reverse=True)


def _id(value: str | set[str]) -> str:
    """A filter value in a test id, the same in every process (a set's order is not)."""
    return value if isinstance(value, str) else "+".join(sorted(value))


@pytest.mark.parametrize(
    "filters",
    [
        {"severity": "high"},
        {"service": "kms"},
        {"pair": "me-central-1:eu-west-1"},
        {"statuses": {"PASS"}},
        {"statuses": {"NOT_APPLICABLE", "FAIL"}, "service": "acm"},
        {"search": "ledger"},
        {"search": "KMS eu-west-1", "statuses": set(STATUS_ORDER)},
        {"severity": "critical", "pair": "me-central-1:eu-central-1", "search": "policy"},
        {"service": "kms", "search": "no-such-thing-anywhere"},
    ],
    ids=lambda f: ",".join(f"{k}={_id(v)}" for k, v in sorted(f.items())),
)
def test_demo_filters(browser: WebDriver, demo_page: dict[str, Any], filters: Any) -> None:
    expected = matching(demo_page, **filters)
    set_filters(browser, **filters)
    expect_rows(browser, expected)
    if not expected:
        assert browser.find_element(By.CSS_SELECTOR, "#rows tr.empty").is_displayed()


def test_demo_every_result_and_show_more(browser: WebDriver, demo_page: dict[str, Any]) -> None:
    total = len(demo_page["results"])
    assert total > 2 * PAGE
    set_filters(browser, statuses=set(STATUS_ORDER))
    expect_rows(browser, list(range(total)))
    more = browser.find_element(By.ID, "show-more")
    more.click()
    wait(browser, lambda d: counter(d, "shown-count") == 2 * PAGE)
    assert len(visible(browser)) == 2 * PAGE
    assert len(set(visible(browser))) == 2 * PAGE


def test_demo_sorting(browser: WebDriver, demo_page: dict[str, Any]) -> None:
    results = demo_page["results"]
    expected = matching(demo_page)

    def sort(column: str) -> None:
        browser.find_element(By.CSS_SELECTOR, f"button[data-sort={column}]").click()

    sort("rule")
    rules = [results[i]["rule_id"] for i in visible(browser)]
    assert rules == sorted(rules) and len(set(rules)) > 1
    sort("rule")
    rules = [results[i]["rule_id"] for i in visible(browser)]
    assert rules == sorted(rules, reverse=True)
    header = browser.find_element(By.CSS_SELECTOR, "button[data-sort=rule]")
    assert header.find_element(By.XPATH, "..").get_attribute("aria-sort") == "descending"
    sort("resource")
    names = [
        (results[i]["resource_name"] or results[i]["resource_id"]).lower() for i in visible(browser)
    ]
    assert names == sorted(names)
    sort("status")
    set_filters(browser, statuses={"FAIL", "PASS"})
    expected = matching(demo_page, statuses={"FAIL", "PASS"})
    expect_rows(browser, expected)
    statuses = [results[i]["status"] for i in visible(browser)]
    assert statuses == sorted(statuses, key=STATUS_ORDER.index) and "PASS" in statuses
    # Sorting keeps the rows the filters chose.
    sort("service")
    expect_rows(browser, expected)


def test_demo_expand_shows_remediation(browser: WebDriver, demo_page: dict[str, Any]) -> None:
    results, rules = demo_page["results"], demo_page["rules"]
    index = next(
        i for i in visible(browser) if rules.get(results[i]["rule_id"], {}).get("remediation_text")
    )
    [detail] = toggle(browser, index)
    row = browser.find_element(By.CSS_SELECTOR, f"#rows tr.result[data-i='{index}']")
    remediation = detail.find_element(By.CSS_SELECTOR, ".remediation")
    assert (
        remediation.get_attribute("textContent")
        == rules[results[index]["rule_id"]]["remediation_text"]
    )
    message = detail.find_element(By.CSS_SELECTOR, ".message").get_attribute("textContent")
    assert message == results[index]["message"]
    assert row.find_element(By.CSS_SELECTOR, "button.toggle").get_attribute("aria-expanded") == (
        "true"
    )
    # It stays open when the table renders again, and closes on a second click.
    set_filters(browser, search=results[index]["rule_id"])
    wait(browser, lambda d: counter(d, "match-count") < len(matching(demo_page)))
    assert browser.find_elements(By.CSS_SELECTOR, f"#rows tr.detail[data-detail-for='{index}']")
    assert toggle(browser, index) == []
    assert not browser.find_elements(By.CSS_SELECTOR, "#rows tr.detail")


def test_demo_screenshot(browser: WebDriver, demo_page: dict[str, Any], tmp_path: Path) -> None:
    browser.execute_script("window.scrollTo(0, 0)")
    path = tmp_path / "html-report.png"
    assert browser.save_screenshot(str(path))
    png = path.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (WIDTH, HEIGHT)
    target = os.environ.get("REGIONREADY_SCREENSHOT")
    if target:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


# -- the fixed report, with markup for names ------------------------------------------------


@pytest.fixture
def hostile_page(browser: WebDriver, tmp_path: Path) -> Iterator[dict[str, Any]]:
    report = hostile_report()
    path = tmp_path / "hostile.html"
    path.write_text(html_reporter.render(report), "utf-8")
    console_errors(browser)
    open_page(browser, path)
    yield report.to_dict()
    assert console_errors(browser) == []


def test_hostile_names_render_as_text(browser: WebDriver, hostile_page: dict[str, Any]) -> None:
    assert browser.execute_script("return document.querySelectorAll('img').length") == 0
    assert browser.execute_script("return document.scripts.length") == 2
    text = browser.execute_script("return document.body.textContent")
    assert HOSTILE_NAME in text  # the table's resource column and the root causes
    index = next(
        i for i, r in enumerate(hostile_page["results"]) if r["resource_name"] == HOSTILE_NAME
    )
    assert toggle(browser, index)
    text = browser.execute_script("return document.body.textContent")
    assert HOSTILE_ID in text and HOSTILE_MESSAGE in text
    assert browser.execute_script("return document.querySelectorAll('img, iframe').length") == 0
    assert browser.execute_script("return document.scripts.length") == 2


def test_every_status_and_its_details(browser: WebDriver, hostile_page: dict[str, Any]) -> None:
    results = hostile_page["results"]
    statuses = browser.execute_script(
        "return Array.from(document.querySelectorAll('#rows tr.result'), r => r.dataset.status)"
    )
    assert set(statuses) == DEFAULT_STATUSES

    def expand(status: str) -> WebElement:
        [detail] = toggle(browser, next(i for i, r in enumerate(results) if r["status"] == status))
        return detail

    suppressed = expand("SUPPRESSED").get_attribute("textContent") or ""
    assert "Legacy endpoint retired | before <cutover>" in suppressed
    assert "platform-team" in suppressed and "2025-12-31" in suppressed
    error = expand("ERROR")
    assert "Error details" in error.text
    assert '"missing_action": "kms:ListAliases"' in (error.get_attribute("textContent") or "")
    # References: a URL is a plain link that opens without its opener; text stays text.
    critical = next(i for i, r in enumerate(results) if r["rule_id"] == "KMS-007")
    [detail] = toggle(browser, critical)
    [link] = detail.find_elements(By.CSS_SELECTOR, "a")
    assert link.get_attribute("href") == "https://example.com/regionready/KMS-007"
    assert set((link.get_attribute("rel") or "").split()) == {"noopener", "noreferrer"}
    # A blocked finding names its root cause.
    blocked = next(i for i, r in enumerate(results) if r["blocked_by"] == ["KMS-002 alias/app"])
    [detail] = toggle(browser, blocked)
    items = detail.find_elements(By.CSS_SELECTOR, ".blocked-by li")
    assert [li.text for li in items] == ["KMS-002 alias/app"]
    # Every status is one tick away.
    set_filters(browser, statuses={"PASS", "NOT_APPLICABLE"})
    expect_rows(browser, matching(hostile_page, statuses={"PASS", "NOT_APPLICABLE"}))


# -- (b) 25,000 results ---------------------------------------------------------------------

BIG = 25_000
SERVICES = ["acm", "kms", "iam", "gen", "waf", "secretsmanager", "sts", "guardduty"]
TARGETS = ["eu-central-1", "eu-west-1"]


def big_report() -> Report:
    """25,000 results over 8 services, every status and severity, two pairs."""
    statuses, severities = list(Status), list(Severity)
    results = []
    for i in range(BIG):
        service = SERVICES[i % len(SERVICES)]
        target = TARGETS[(i // 3) % 2]
        results.append(
            Result(
                rule_id=f"{service.upper()}-{i % 17:03d}",
                status=statuses[i % 5],
                severity=severities[(i // 5) % 5],
                service=service,
                kind="parity",
                message=f"{service} resource r{i} differs in {target}",
                account="123456789012",
                region=target,
                resource_type=f"{service}.thing",
                resource_id=f"arn:aws:{service}:{target}:123456789012:thing/r{i}",
                correlation_key=f"r{i}",
                source_region="me-central-1",
                target_region=target,
                blocked_by=[f"KMS-001 alias/key-{i % 40}"] if i % 11 == 0 else [],
            )
        )
    return Report(
        scan=ScanInfo(
            source_region="me-central-1",
            target_region=TARGETS[0],
            accounts=["123456789012"],
            now="2025-06-01T12:00:00+00:00",
            pairs=[{"source": "me-central-1", "target": t} for t in TARGETS],
        ),
        rules={r.id: r for r in build_report().rules.values()},
        results=results,
    )


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    report = big_report()
    path = tmp_path_factory.mktemp("big") / "big.html"
    path.write_text(html_reporter.render(report), "utf-8")
    return path, report.to_dict()


def test_25000_results(browser: WebDriver, big: tuple[Path, dict[str, Any]]) -> None:
    path, data = big
    console_errors(browser)
    open_page(browser, path)
    assert counter(browser, "total-count") == BIG
    row_count = "return document.querySelectorAll('#rows tr').length"
    assert browser.execute_script(row_count) <= PAGE
    expect_rows(browser, matching(data))
    filters: list[dict[str, Any]] = [
        {"severity": "critical", "pair": "me-central-1:eu-west-1"},
        {"service": "kms", "statuses": set(STATUS_ORDER)},
        {"statuses": set(STATUS_ORDER), "search": "r1234"},
        {"statuses": {"PASS"}, "search": "waf eu-central-1"},
    ]
    for chosen in filters:
        set_filters(browser, **chosen)
        expect_rows(browser, matching(data, **chosen))
        assert browser.execute_script(row_count) <= PAGE
    browser.find_element(By.CSS_SELECTOR, "button[data-sort=resource]").click()
    expect_rows(browser, matching(data, **filters[-1]))
    assert console_errors(browser) == []
