"""Starts the headless Chromium that the portal's browser tests drive (Debian's chromium and chromedriver)."""
import os
import time

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait


class SettlingChrome(webdriver.Chrome):
    """Chrome whose commands are tried again while Chromium reports a node as one that "does not
    belong to the document". It says so for a moment while a new page settles after a form post
    or a redirect: a fault of the browser, not of the page under test, which failed the admin
    and porting walkthroughs now and then. Chromium refuses the command before it acts, so trying
    it again does not repeat a click; a node that is really gone fails again and is reported."""

    def execute(self, driver_command, params=None):
        for attempt in range(6):
            try:
                return super().execute(driver_command, params)
            except WebDriverException as error:
                if attempt == 5 or "does not belong to the document" not in str(error):
                    raise
                time.sleep(0.3)


def start(height: int = 1000, downloads: str | None = None):
    """Returns (driver, wait): a headless Chromium 1280 px wide and a 60-second wait on it.
    With `downloads`, files the pages offer as attachments are saved there without asking."""
    options = webdriver.ChromeOptions()
    if downloads:
        options.add_experimental_option("prefs", {
            "download.default_directory": downloads,
            "download.prompt_for_download": False,
            "download.directory_upgrade": True,
            "plugins.always_open_pdf_externally": True,
        })
    options.binary_location = "/usr/lib/chromium/chromium" if os.path.exists("/usr/lib/chromium/chromium") else "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size=1280,{height}"):
        options.add_argument(flag)
    driver = SettlingChrome(service=Service("/usr/bin/chromedriver"), options=options)
    if downloads:
        # headless Chromium honours the preference only once downloads are allowed explicitly
        driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
    return driver, WebDriverWait(driver, 60)
