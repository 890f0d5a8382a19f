"""The web app in a real headless Chromium (Debian's chromium + chromium-driver) via Selenium.

Each test saves its page to docs/screenshots/. The browser is installed by the project's own
setup (`make test` and .ci/run install the Debian packages when they are missing).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import polars as pl
import pytest
from conftest import ROOT
from test_api import book

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

CHROMIUM, DRIVER = (
    shutil.which("chromium") or "/usr/bin/chromium",
    shutil.which("chromedriver") or "/usr/bin/chromedriver",
)
SHOTS = ROOT / "docs" / "screenshots"
FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update "
    "--disable-sync --no-first-run --window-size=1366,900 --lang=en-US"
).split()

if not Path(CHROMIUM).exists() or not Path(DRIVER).exists():
    pytest.fail(
        "chromium and chromium-driver are missing: `make test` installs them (apt-get install chromium chromium-driver)"
    )


@pytest.fixture(scope="module")
def browser(server, tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    downloads = tmp_path_factory.mktemp("downloads")
    options.add_experimental_option(
        "prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False}
    )
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads
    driver.get(server.url + "/assess")
    driver.find_element(By.ID, "key").send_keys(server.tokens["analyst"])
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    WebDriverWait(driver, 30).until(EC.presence_of_element_located((By.ID, "assess-form")))
    yield driver
    driver.quit()


def wait_for(driver, css: str, timeout: float = 60):
    return WebDriverWait(driver, timeout).until(EC.visibility_of_element_located((By.CSS_SELECTOR, css)))


def shot(driver, name: str) -> Path:
    """The whole page as PNG (the window grown to the page's height, then restored)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return Math.min(document.documentElement.scrollHeight, 4000)")
    driver.set_window_size(1366, max(900, height))
    path = SHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    driver.set_window_size(1366, 900)
    assert path.stat().st_size > 10_000
    return path


def fill_assess(driver, url: str, chip: str, to: str, on: str) -> None:
    driver.get(url + "/assess")
    Select(driver.find_element(By.ID, "catalog_id")).select_by_value(chip)
    Select(driver.find_element(By.ID, "to_country")).select_by_value(to)
    driver.execute_script("document.getElementById('as_of').value = arguments[0]", on)


def click_and_wait(driver, element) -> None:
    """Click, then wait until the page (or htmx's swap of the body) replaced the content."""
    old = driver.find_element(By.TAG_NAME, "main")
    element.click()
    WebDriverWait(driver, 60).until(EC.staleness_of(old))


def submit(driver, form_css: str) -> None:
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, f"{form_css} button.primary"))


def test_assess_via_the_form_reads_the_conclusion(browser, server):
    fill_assess(browser, server.url, "nvidia-h100-sxm", "CN", "2024-06-01")
    submit(browser, "#assess-form")
    assert wait_for(browser, "#conclusion").text == "LICENSE REQUIRED"
    assert "license is required" in browser.find_element(By.ID, "conclusion-text").text
    links = browser.find_elements(By.CSS_SELECTOR, ".memo a[href^='/regs/742.6?on=2024-06-01']")
    assert links, "each citation links to the regulation text in force on the date"
    shot(browser, "assess")
    click_and_wait(browser, links[0])
    heading = wait_for(browser, "main h1")
    assert (
        "742.6" in heading.text and "Version in force from 2024-04-04" in browser.find_element(By.TAG_NAME, "main").text
    )
    shot(browser, "regulation-text")


def test_an_undetermined_question_filled_in_is_decided(browser, server):
    fill_assess(browser, server.url, "nvidia-h100-sxm", "DE", "2024-06-01")
    browser.find_element(By.NAME, "party0_name").send_keys("Acme Rechenzentrum GmbH")
    Select(browser.find_element(By.NAME, "party0_country")).select_by_value("DE")
    browser.find_element(By.ID, "eu-declared").click()  # no end uses (declared)
    submit(browser, "#assess-form")
    assert wait_for(browser, "#conclusion").text == "UNDETERMINED"
    field = browser.find_element(By.NAME, "answer:parties[].headquarters_country")
    field.send_keys("DE")
    browser.find_element(By.NAME, "answer:parties[].ultimate_parent_headquarters_country").send_keys("DE")
    shot(browser, "assess-undetermined")
    submit(browser, "#questions-form")
    conclusion = wait_for(browser, "#conclusion").text
    assert conclusion in ("NLR", "LICENSE REQUIRED", "LICENSE EXCEPTION", "PROHIBITED"), conclusion
    assert not browser.find_elements(By.ID, "questions-form")
    shot(browser, "assess-decided")


def test_screen_huawei_in_chinese_shows_the_entity_list_entry(browser, server):
    browser.get(server.url + "/screen")
    browser.find_element(By.ID, "name").send_keys("华为")
    submit(browser, "main form")
    wait_for(browser, "#results")
    entries = [a for a in browser.find_elements(By.CSS_SELECTOR, "article.match") if "Entity List" in a.text]
    assert entries and "Huawei" in entries[0].text and "License requirement" in entries[0].text
    assert "Presumption of denial" in entries[0].text or "policy" in entries[0].text.lower()
    shot(browser, "screen")


def test_upload_an_order_book_watch_progress_and_download(browser, server, tmp_path):
    src = book(tmp_path / "order-book.csv", 3000)
    browser.get(server.url + "/batches")
    browser.find_element(By.ID, "file").send_keys(str(src))
    browser.find_element(By.CSS_SELECTOR, "main form button.primary").click()
    wait_for(browser, "#progress")
    seen = set()
    end = time.time() + 300
    while time.time() < end:
        try:
            seen.add(browser.find_element(By.ID, "pct").text)
            if browser.find_element(By.ID, "status").text == "done" and browser.find_elements(By.ID, "rows-table"):
                break
        except Exception:  # the fragment is being swapped
            pass
        time.sleep(0.2)
    assert browser.find_element(By.ID, "pct").text == "100 %"
    assert browser.find_element(By.ID, "status").text == "done"
    rows = browser.find_elements(By.CSS_SELECTOR, "#rows-table tbody tr")
    assert len(rows) == 200  # the first page of 3000
    shot(browser, "batch")
    Select(browser.find_element(By.ID, "f-outcome")).select_by_value("LICENSE_REQUIRED")
    submit(browser, "main form.inline")
    outcomes = {
        r.find_elements(By.TAG_NAME, "td")[4].text
        for r in browser.find_elements(By.CSS_SELECTOR, "#rows-table tbody tr")
    }
    assert outcomes == {"LICENSE_REQUIRED"}
    browser.find_element(By.LINK_TEXT, "Download CSV").click()
    target = browser.downloads / "order-book-result.csv"
    for _ in range(300):
        if target.exists() and target.stat().st_size > 0:
            break
        time.sleep(0.1)
    got = pl.read_csv(target, infer_schema=False)
    assert got.height == 3000 and got["order_id"][0] == "o0" and "outcome" in got.columns


def test_a_script_as_party_name_is_shown_as_text(browser, server):
    evil = "<script>alert(1)</script>"
    browser.get(server.url + "/screen")
    browser.find_element(By.ID, "name").send_keys(evil)
    submit(browser, "main form")
    assert evil in wait_for(browser, "#results").text
    shot(browser, "escaped-party-name")
    fill_assess(browser, server.url, "nvidia-h100-sxm", "CN", "2024-06-01")
    browser.find_element(By.NAME, "party0_name").send_keys(evil)
    submit(browser, "#assess-form")
    wait_for(browser, "#conclusion")
    assert browser.find_element(By.NAME, "party0_name").get_attribute("value") == evil
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018
    assert not [
        s for s in browser.find_elements(By.TAG_NAME, "script") if "alert" in (s.get_attribute("innerHTML") or "")
    ]


def test_chips_chart_names_each_chip_on_hover(browser, server):
    browser.get(server.url + "/chips?as_of=2024-01-01&a=huawei-ascend-910c&b=nvidia-h100-sxm")
    titles = browser.execute_script(
        "return Array.from(document.querySelectorAll('svg.chart g.chip > title')).map(t => t.textContent)"
    )
    assert any(t.startswith("nvidia-h100-sxm:") for t in titles)
    assert "huawei-ascend-910c against nvidia-h100-sxm" in browser.find_element(By.TAG_NAME, "main").text
    shot(browser, "chips")


def test_audit_page_verifies_the_chain(browser, server):
    browser.get(server.url + "/audit")
    assert "verifies" in wait_for(browser, "#verify").text
    assert browser.find_elements(By.CSS_SELECTOR, "main table tbody tr")
    shot(browser, "audit")
