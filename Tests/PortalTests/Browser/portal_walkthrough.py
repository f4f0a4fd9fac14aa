"""Drives the Pagewire portal in headless Chromium (Selenium), as a user would.

Run by BrowserTests.swift with the venv that scripts/test prepares. Signs in, checks the
dashboard chart, imports contacts from a CSV with bad rows, sends a fax, finds it in the
outbox, renames themselves on the profile page, stores a document in the library, makes a group of
the imported contacts and sends the stored document to it, opens My numbers, signs out. Saves a screenshot of every main page. Prints one line per step; exits 1
with the reason at the first failure.
"""
import argparse
import os
import sys

import headless_chromium
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC


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
    args = parser.parse_args()
    os.makedirs(args.screenshots, exist_ok=True)

    driver, wait = headless_chromium.start(height=1000)

    def shot(name: str) -> None:
        path = os.path.join(args.screenshots, name + ".png")
        driver.save_screenshot(path)
        print("screenshot", path, flush=True)

    def fail(message: str) -> int:
        shot("failure")
        print("FAIL", message, "at", driver.current_url, flush=True)
        return 1

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

        # Send a fax to one typed number with a PDF
        driver.find_element(By.LINK_TEXT, "Send fax").click()
        wait.until(EC.presence_of_element_located((By.ID, "recipients")))
        driver.find_element(By.ID, "recipients").send_keys(args.fax_number)
        driver.find_element(By.ID, "files").send_keys(os.path.abspath(args.pdf))
        shot("send")
        driver.find_element(By.CSS_SELECTOR, "form[action='/send'] button[type=submit]").click()
        wait.until(EC.url_matches(r".*/faxes/\d+"))
        fax_url = driver.current_url
        if "submitted" not in driver.find_element(By.TAG_NAME, "main").text:
            return fail("the new fax does not show as submitted")
        shot("fax-detail")
        print("fax submitted", fax_url, flush=True)

        # Outbox lists it at once
        driver.find_element(By.LINK_TEXT, "Outbox").click()
        wait.until(EC.presence_of_element_located((By.ID, "status")))
        if args.fax_number not in driver.find_element(By.TAG_NAME, "main").text:
            return fail("the outbox does not list the new fax")
        shot("outbox")

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
