"""Starts the headless Chromium that the portal's browser tests drive (Debian's chromium and chromedriver)."""
import os

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait


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
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    if downloads:
        # headless Chromium honours the preference only once downloads are allowed explicitly
        driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
    return driver, WebDriverWait(driver, 60)
