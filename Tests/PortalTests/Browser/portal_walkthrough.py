"""Drives the Pagewire portal in headless Chromium (Selenium), as a user would.

Run by BrowserTests.swift with the venv that scripts/test prepares, against pagewire-web with
pagewire-jobs, pagewire-telephony and the carrier simulator running. Signs in, checks the
dashboard chart, imports contacts from a CSV with bad rows, sends a fax to the simulator,
watches it reach "delivered" on its page without a reload (the live status script), downloads
its PDF, resends it and watches the new fax reach "delivered" in the outbox, renames
themselves on the profile page, stores a document in the library, makes a group of the
imported contacts and sends the stored document to it, opens My numbers, signs out. Saves a
screenshot of every main page. Prints one line per step (and "downloaded <path>"); exits 1
with the reason at the first failure.
"""
import argparse
import os
import re
import sys
import time

import headless_chromium
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

IN_PROGRESS = {"submitted", "rendering", "queued", "sending"}
# where watching stops: the final states, and a failed attempt waiting for its retry
SETTLED = {"delivered", "partially delivered", "failed", "cancelled", "retry wait"}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--login", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--csv", required=True)
    parser.add_argument("--pdf", required=True)
    parser.add_argument("--document", required=True, help="a PDF the renderer accepts, for the documents library")
    parser.add_argument("--screenshots", required=True)
    parser.add_argument("--fax-number", required=True)
    parser.add_argument("--downloads", required=True)
    args = parser.parse_args()
    os.makedirs(args.screenshots, exist_ok=True)
    os.makedirs(args.downloads, exist_ok=True)

    driver, wait = headless_chromium.start(height=1000, downloads=os.path.abspath(args.downloads))

    def shot(name: str) -> None:
        path = os.path.join(args.screenshots, name + ".png")
        driver.save_screenshot(path)
        print("screenshot", path, flush=True)

    def fail(message: str) -> int:
        shot("failure")
        print("FAIL", message, "at", driver.current_url, flush=True)
        return 1

    def watch(selector: str, what: str) -> str:
        """Waits, without touching the page, until the status cell `selector` settles (only the
        page's script can change it), and checks the page was not reloaded meanwhile."""
        driver.execute_script("window.pagewireWatching = arguments[0]", what)
        text = WebDriverWait(driver, 300, poll_frequency=0.5).until(
            lambda d: (lambda t: t if t in SETTLED else False)(d.find_element(By.CSS_SELECTOR, selector).text.strip()))
        if driver.execute_script("return window.pagewireWatching") != what:
            raise RuntimeError(f"the {what} was reloaded while its status was watched")
        return text

    try:
        # Sign in
        driver.get(args.base + "/dashboard")
        wait.until(EC.presence_of_element_located((By.ID, "login")))
        if "/signin" not in driver.current_url:
            return fail("an anonymous visit to the dashboard did not lead to sign-in")
        shot("signin")
        driver.find_element(By.ID, "login").send_keys(args.login)
        driver.find_element(By.ID, "password").send_keys(args.password)
        driver.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
        wait.until(EC.url_contains("/dashboard"))
        print("signed in", flush=True)

        # Dashboard: the chart is an inline SVG drawn by the server
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "svg.chart")))
        bars = driver.find_elements(By.CSS_SELECTOR, "svg.chart rect")
        if len(bars) != 28:
            return fail(f"expected 28 bars (14 days, sent and received), found {len(bars)}")
        shot("dashboard")

        # Contacts: import a CSV with bad rows
        driver.find_element(By.LINK_TEXT, "Contacts").click()
        wait.until(EC.presence_of_element_located((By.ID, "file")))
        driver.find_element(By.ID, "file").send_keys(os.path.abspath(args.csv))
        driver.find_element(By.CSS_SELECTOR, "form[action='/contacts/import'] button").click()
        wait.until(EC.presence_of_element_located((By.ID, "import-h")))
        body = driver.find_element(By.TAG_NAME, "main").text
        if "2 contact(s) imported" not in body:
            return fail("the import did not report 2 contacts")
        lines = [row.find_elements(By.TAG_NAME, "td")[0].text for row in driver.find_elements(By.CSS_SELECTOR, "table.import-problems tbody tr")]
        if lines != ["3", "4"]:
            return fail(f"expected bad lines 3 and 4, got {lines}")
        shot("contacts-import")
        print("contacts imported, bad lines", lines, flush=True)

        # Send a fax to one typed number with a PDF; the simulator answers it as a fax machine
        driver.find_element(By.LINK_TEXT, "Send fax").click()
        wait.until(EC.presence_of_element_located((By.ID, "recipients")))
        driver.find_element(By.ID, "recipients").send_keys(args.fax_number)
        driver.find_element(By.ID, "files").send_keys(os.path.abspath(args.pdf))
        shot("send")
        driver.find_element(By.CSS_SELECTOR, "form[action='/send'] button[type=submit]").click()
        wait.until(EC.url_matches(r".*/faxes/\d+$"))
        fax_url = driver.current_url
        status = driver.find_element(By.CSS_SELECTOR, "dd[data-live='state']").text.strip()
        if status not in IN_PROGRESS:
            return fail(f"the new fax shows as {status!r}, not as on its way")
        shot("fax-detail")
        print("fax submitted", fax_url, "status", status, flush=True)

        # Its page follows it to "delivered" by itself (the live status script)
        final = watch("dd[data-live='state']", "fax page")
        result = driver.find_element(By.CSS_SELECTOR, "dd[data-live='resultLong']").text
        if final != "delivered":
            return fail(f"the fax ended as {final!r} ({result})")
        pages = driver.find_element(By.CSS_SELECTOR, "dd[data-live='pagesLong']").text
        if pages != "2 of 2 sent" or result != "Success (ok)":
            return fail(f"the delivered fax shows pages {pages!r}, result {result!r}")
        note = driver.find_element(By.CSS_SELECTOR, "[data-live-final]")
        wait.until(lambda d: note.is_displayed())
        if driver.find_element(By.CSS_SELECTOR, "form[action$='/cancel']").is_displayed():
            return fail("the delivered fax still offers to cancel it")
        shot("fax-delivered")
        print("fax delivered, seen without a reload", flush=True)

        # Reload through the note: the attempt, and the pages to view and download
        note.find_element(By.TAG_NAME, "a").click()
        wait.until(EC.presence_of_element_located((By.ID, "format")))
        attempts = driver.find_element(By.TAG_NAME, "main").text
        if "Success" not in attempts or "No attempt yet" in attempts:
            return fail("the reloaded page does not list the successful attempt")
        Select(driver.find_element(By.ID, "format")).select_by_value("pdf")
        driver.find_element(By.CSS_SELECTOR, "form[action$='/document'] button[name='download']").click()
        deadline = time.time() + 60
        downloaded = []
        while time.time() < deadline and not downloaded:
            downloaded = [name for name in os.listdir(args.downloads) if name.endswith(".pdf")]
            time.sleep(0.25)
        if not downloaded:
            return fail(f"no PDF was downloaded (found {os.listdir(args.downloads)})")
        path = os.path.join(args.downloads, downloaded[0])
        with open(path, "rb") as pdf:
            if pdf.read(5) != b"%PDF-":
                return fail("the download is not a PDF")
        print("downloaded", path, flush=True)

        # Resend it; the outbox follows the new fax to "delivered" by itself
        driver.find_element(By.CSS_SELECTOR, "form[action$='/resend'] button[type=submit]").click()
        wait.until(EC.url_contains("done=resend"))
        resent = re.search(r"/faxes/(\d+)", driver.current_url).group(1)
        if fax_url.endswith("/faxes/" + resent):
            return fail("resending did not make a new fax")
        driver.find_element(By.LINK_TEXT, "Outbox").click()
        wait.until(EC.presence_of_element_located((By.ID, "status")))
        if args.fax_number not in driver.find_element(By.TAG_NAME, "main").text:
            return fail("the outbox does not list the new fax")
        cell = f"tr[data-fax-id='{resent}'] td[data-live='state']"
        status = driver.find_element(By.CSS_SELECTOR, cell).text.strip()
        if status not in IN_PROGRESS:
            return fail(f"the resent fax shows as {status!r} in the outbox, not as on its way")
        final = watch(cell, "outbox")
        if final != "delivered":
            return fail(f"the resent fax ended as {final!r}")
        shot("outbox")
        print("resent fax", resent, "delivered, seen in the outbox without a reload", flush=True)

        # Profile: a new display name shows in the page header at once
        driver.find_element(By.LINK_TEXT, "Profile").click()
        wait.until(EC.presence_of_element_located((By.ID, "display_name")))
        name = driver.find_element(By.ID, "display_name")
        name.clear()
        name.send_keys("Dr. Carol Browser")
        driver.find_element(By.CSS_SELECTOR, "form[action='/profile/name'] button").click()
        wait.until(EC.url_contains("done=name"))
        if driver.find_element(By.CSS_SELECTOR, "form.signout .user").text != "Dr. Carol Browser":
            return fail("the new display name does not show in the header")
        shot("profile")
        print("display name changed", flush=True)

        # Documents: store a PDF with a title; the library lists its pages
        driver.find_element(By.LINK_TEXT, "Documents").click()
        wait.until(EC.presence_of_element_located((By.ID, "title")))
        driver.find_element(By.ID, "title").send_keys("Price list")
        driver.find_element(By.ID, "file").send_keys(os.path.abspath(args.document))
        driver.find_element(By.CSS_SELECTOR, "form[action='/documents'] button").click()
        wait.until(EC.url_contains("done=added"))
        rows = [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")] for row in driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")]
        if len(rows) != 1 or rows[0][0] != "Price list" or rows[0][1] != "2":
            return fail(f"the library does not list the 2-page document: {rows}")
        shot("documents")
        print("document stored", flush=True)

        # Groups: one group with every imported contact
        driver.find_element(By.LINK_TEXT, "Groups").click()
        wait.until(EC.presence_of_element_located((By.ID, "name")))
        driver.find_element(By.ID, "name").send_keys("Everyone")
        driver.find_element(By.CSS_SELECTOR, "form[action='/groups'] button").click()
        wait.until(EC.url_contains("done=created"))
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "input[name=contact]")))
        for box in driver.find_elements(By.CSS_SELECTOR, "input[name=contact]"):
            box.click()
        driver.find_element(By.CSS_SELECTOR, "form[action$='/members'] button").click()
        wait.until(EC.url_contains("done=added"))
        members = driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")
        if len(members) != 2:
            return fail(f"expected 2 members in the group, found {len(members)}")
        shot("groups")
        print("group made", flush=True)

        # Send the stored document to the group: one fax per member
        driver.find_element(By.LINK_TEXT, "Send a fax to this group").click()
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "input[name=document]")))
        driver.find_element(By.CSS_SELECTOR, "input[name=document]").click()
        driver.find_element(By.CSS_SELECTOR, "form[action='/send'] button[type=submit]").click()
        wait.until(EC.url_contains("/outbox"))
        print("stored document sent to the group", flush=True)

        # My numbers: the delivery form
        driver.find_element(By.LINK_TEXT, "My numbers").click()
        wait.until(EC.presence_of_element_located((By.ID, "email-1")))
        shot("my-numbers")

        # Sign out
        driver.find_element(By.CSS_SELECTOR, "form.signout button").click()
        wait.until(EC.url_contains("/signin"))
        driver.get(args.base + "/outbox")
        wait.until(EC.url_contains("/signin"))
        print("signed out", flush=True)
        print("OK", flush=True)
        return 0
    except Exception as error:  # any Selenium failure is a test failure with its reason
        return fail(f"{type(error).__name__}: {error}")
    finally:
        driver.quit()


if __name__ == "__main__":
    sys.exit(main())
