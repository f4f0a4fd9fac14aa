"""Drives the administration pages in headless Chromium (Selenium), as an admin would.

Run by AdminBrowserTests.swift with the venv that scripts/test prepares. Two browsers: an
administrator, and a user who stays signed in while the admin works. Checks the account tree
(add, rename, refused delete), a settings override the signed-in user sees at once, user
creation with a one-time password, number assignment, lock and delete with the number back in
the inventory, and an admin whose rights hide the settings page and refuse its address.
Prints one line per step; exits 1 with the reason at the first failure.
"""
import argparse
import os
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

import headless_chromium


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--admin", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--limited", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--company", required=True)
    parser.add_argument("--number", required=True)
    parser.add_argument("--screenshots", required=True)
    args = parser.parse_args()
    os.makedirs(args.screenshots, exist_ok=True)
    admin, wait_admin = headless_chromium.start(height=1200)
    user, wait_user = headless_chromium.start(height=1200)

    def shot(driver, name):
        path = os.path.join(args.screenshots, name + ".png")
        driver.save_screenshot(path)
        print("screenshot", path, flush=True)

    def fail(message):
        shot(admin, "admin-failure")
        shot(user, "admin-failure-user")
        print("FAIL", message, "at", admin.current_url, "/", user.current_url, flush=True)
        return 1

    def sign_in(driver, wait, login, password):
        driver.get(args.base + "/signin")
        wait.until(EC.presence_of_element_located((By.ID, "login")))
        driver.find_element(By.ID, "login").send_keys(login)
        driver.find_element(By.ID, "password").send_keys(password)
        driver.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
        wait.until(EC.url_contains("/dashboard"))

    def main_text(driver):
        return driver.find_element(By.TAG_NAME, "main").text

    def submit(driver, form_id):
        driver.find_element(By.CSS_SELECTOR, f"#{form_id} button[type=submit]").click()

    try:
        # The user is signed in and sees their outbox in the platform's default format
        sign_in(user, wait_user, args.user, args.password)
        user.get(args.base + "/outbox")
        if "2026-03-04 12:00" not in main_text(user):
            return fail("the outbox does not show the fax in the default format")
        print("user signed in", flush=True)

        # The admin opens the account tree from the navigation
        sign_in(admin, wait_admin, args.admin, args.password)
        admin.find_element(By.LINK_TEXT, "Administration").click()
        wait_admin.until(EC.presence_of_element_located((By.ID, "account-tree")))
        tree = admin.find_element(By.ID, "account-tree").text
        if "Browser Clinic" not in tree or "Cardiology" not in tree:
            return fail(f"the tree lacks the company or its department: {tree!r}")
        admin.find_element(By.ID, "department-name").send_keys("Radiology")
        submit(admin, "add-department-form")
        wait_admin.until(EC.text_to_be_present_in_element((By.ID, "account-tree"), "Radiology"))
        rename = admin.find_element(By.ID, "rename")
        rename.clear()
        rename.send_keys("Imaging")
        submit(admin, "rename-form")
        wait_admin.until(EC.text_to_be_present_in_element((By.ID, "account-tree"), "Imaging"))
        admin.find_element(By.LINK_TEXT, "Cardiology").click()
        wait_admin.until(EC.presence_of_element_located((By.ID, "delete-department-form")))
        submit(admin, "delete-department-form")
        wait_admin.until(EC.presence_of_element_located((By.CSS_SELECTOR, "p.alert")))
        if "still holds 1 user" not in admin.find_element(By.CSS_SELECTOR, "p.alert").text:
            return fail("deleting a department with a user was not refused")
        shot(admin, "admin-tree")
        print("tree: added, renamed, delete refused", flush=True)

        # A company setting the user sees at once
        admin.get(args.base + f"/admin/accounts/{args.company}")
        admin.find_element(By.LINK_TEXT, "Settings").click()
        admin.find_element(By.LINK_TEXT, "Custom").click()
        wait_admin.until(EC.presence_of_element_located((By.ID, "f-time_zone")))
        zone = admin.find_element(By.ID, "f-time_zone")
        zone.clear()
        zone.send_keys("America/New_York")
        Select(admin.find_element(By.ID, "f-date_format")).select_by_value("dd/MM/yyyy")
        submit(admin, "settings-form")
        wait_admin.until(EC.presence_of_element_located((By.CSS_SELECTOR, "p.notice")))
        row = admin.find_element(By.CSS_SELECTOR, "tr[data-field=time_zone] td.origin").text
        if row != "Set here":
            return fail(f"the time zone's origin reads {row!r}")
        shot(admin, "admin-settings")
        user.refresh()
        if "04/03/2026 07:00" not in main_text(user):
            return fail("the signed-in user does not see the new time zone and date format")
        shot(user, "admin-settings-user-outbox")
        print("settings: the user sees the override at once", flush=True)

        # The inbound header/footer preview follows the format as it is typed (the page's script)
        admin.get(args.base + f"/admin/accounts/{args.company}/settings/custom")
        wait_admin.until(EC.presence_of_element_located((By.ID, "stamp-text")))
        if not admin.find_element(By.ID, "stamp-enabled").is_selected():
            admin.find_element(By.ID, "stamp-enabled").click()
        stamp = admin.find_element(By.ID, "stamp-text")
        stamp.clear()
        stamp.send_keys("Fax {fax_id} page {page}")
        wait_admin.until(lambda d: "Fax+%7Bfax_id%7D+page+%7Bpage%7D" in (d.find_element(By.ID, "stamp-preview-1").get_attribute("src") or ""))
        wait_admin.until(lambda d: d.execute_script("var i = document.getElementById('stamp-preview-1'); return i.complete && i.naturalWidth > 0;"))
        stamp.send_keys(" {bogus}")
        wait_admin.until(EC.visibility_of_element_located((By.ID, "stamp-error")))
        if "{bogus} is not a token" not in admin.find_element(By.ID, "stamp-error").text:
            return fail("a bad token in the header/footer shows no reason")
        admin.execute_script("document.getElementById('stamp-error').scrollIntoView()")
        shot(admin, "admin-stamp-preview")
        print("header/footer: the preview follows the typed format and explains a bad token", flush=True)

        # Create a user with a generated password, shown once
        admin.get(args.base + f"/admin/accounts/{args.company}/users")
        admin.find_element(By.ID, "display_name").send_keys("Nico New")
        admin.find_element(By.ID, "email").send_keys("nico@browser.example")
        submit(admin, "add-user-form")
        wait_admin.until(EC.presence_of_element_located((By.ID, "created-password")))
        password = admin.find_element(By.ID, "created-password").text
        shot(admin, "admin-user-created")
        user.find_element(By.CSS_SELECTOR, "form.signout button").click()
        wait_user.until(EC.url_contains("/signin"))
        sign_in(user, wait_user, "nico@browser.example", password)
        print("user created; the one-time password works", flush=True)

        # Assign the company's free number to Nico
        admin.get(args.base + f"/admin/accounts/{args.company}/numbers")
        row = admin.find_element(By.CSS_SELECTOR, f"tr[data-number='{args.number}']")
        Select(row.find_element(By.NAME, "user_id")).select_by_visible_text("Nico New")
        row.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait_admin.until(EC.presence_of_element_located((By.CSS_SELECTOR, "p.notice")))
        if "Nico New" not in admin.find_element(By.CSS_SELECTOR, f"tr[data-number='{args.number}']").text:
            return fail("the number does not show its new user")
        # Lock: Nico's session ends
        admin.get(args.base + f"/admin/accounts/{args.company}/users")
        admin.find_element(By.LINK_TEXT, "Nico New").click()
        wait_admin.until(EC.presence_of_element_located((By.ID, "user-numbers")))
        if args.number not in admin.find_element(By.ID, "user-numbers").text:
            return fail("the user page does not list the number")
        admin.find_element(By.ID, "lock-user").click()
        wait_admin.until(EC.text_to_be_present_in_element((By.ID, "user-status"), "locked"))
        user.get(args.base + "/outbox")
        wait_user.until(EC.url_contains("/signin"))
        shot(admin, "admin-user-locked")
        # Delete: the number is back in the unassigned inventory
        admin.find_element(By.ID, "delete-user").click()
        wait_admin.until(EC.url_contains("/users?deleted=1"))
        admin.get(args.base + f"/admin/accounts/{args.company}/numbers")
        number_row = admin.find_element(By.CSS_SELECTOR, f"tr[data-number='{args.number}']").text
        if "unassigned" not in number_row or "Nico" in number_row:
            return fail(f"the number did not return to the inventory: {number_row!r}")
        shot(admin, "admin-number-returned")
        print("lock ended the session; delete returned the number", flush=True)

        # An admin without the settings right: no Settings tab, and its address is refused
        admin.find_element(By.CSS_SELECTOR, "form.signout button").click()
        wait_admin.until(EC.url_contains("/signin"))
        sign_in(admin, wait_admin, args.limited, args.password)
        admin.find_element(By.LINK_TEXT, "Administration").click()
        wait_admin.until(EC.presence_of_element_located((By.CSS_SELECTOR, "nav.admin-tabs")))
        tabs = admin.find_element(By.CSS_SELECTOR, "nav.admin-tabs").text
        if "Users" not in tabs or "Settings" in tabs or "Numbers" in tabs:
            return fail(f"the limited admin's tabs are {tabs!r}")
        admin.get(args.base + f"/admin/accounts/{args.company}/settings/fax")
        if "Error 403" not in main_text(admin):
            return fail("the settings address was not refused")
        shot(admin, "admin-limited-refused")
        print("limited admin: page hidden, route refused", flush=True)
        print("OK", flush=True)
        return 0
    except Exception as error:  # any Selenium failure is a test failure with its reason
        return fail(f"{type(error).__name__}: {error}")
    finally:
        admin.quit()
        user.quit()


if __name__ == "__main__":
    sys.exit(main())
