"""Drives a whole number port through the Pagewire portal in headless Chromium (Selenium).

Run by PortingBrowserTests.swift with the venv that scripts/test prepares. The customer (a
company admin) fills the guided form, confirms the summary, uploads the CSR, signs the letter
of authorization and submits; the porting team (reseller staff) starts and rejects it; the
customer corrects the business name, sees that the letter must be signed again, signs and
resubmits; the porting team sets the FOC date and completes the port. Prints one line per
step; exits 1 with the reason at the first failure.
"""
import argparse
import base64
import hashlib
import hmac
import struct
import os
import sys
import time

import headless_chromium
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--customer", required=True)
    parser.add_argument("--staff", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--csr", required=True)
    parser.add_argument("--screenshots", required=True)
    args = parser.parse_args()
    os.makedirs(args.screenshots, exist_ok=True)
    stale = os.path.join(args.screenshots, "second-factor-enrol.png")
    if os.path.exists(stale):
        os.remove(stale)  # the test reads this run's picture of the QR code

    driver, wait = headless_chromium.start(height=1400)

    def shot(name: str) -> None:
        driver.save_screenshot(os.path.join(args.screenshots, name + ".png"))

    class Failure(Exception):
        pass

    def check(condition: bool, message: str) -> None:
        if not condition:
            raise Failure(message)

    totp = {"key": None, "last_step": -1}

    def second_factor() -> None:
        """Staff give a code of their authenticator (RFC 6238), enrolling at the first sign-in;
        a code works once, so a second sign-in in the same 30 s waits for the next one."""
        keys = driver.find_elements(By.ID, "totp-key")
        if keys:
            totp["key"] = keys[0].text.replace(" ", "")
            # enrolment shows the key as a QR code too (drawn by the server as inline SVG)
            qr = driver.find_element(By.CSS_SELECTOR, "#totp-qr svg")
            check(qr.is_displayed() and qr.size["width"] >= 100, "the enrolment page shows no QR code")
            shot("second-factor-enrol")
        check(totp["key"] is not None, "asked for a code before any key was shown")
        step = int(time.time()) // 30
        if step <= totp["last_step"]:
            time.sleep((totp["last_step"] + 1) * 30 - time.time() + 0.5)
            step = int(time.time()) // 30
        secret = base64.b32decode(totp["key"] + "=" * (-len(totp["key"]) % 8))
        digest = hmac.new(secret, struct.pack(">Q", step), hashlib.sha1).digest()
        offset = digest[-1] & 0x0F
        code = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
        totp["last_step"] = step
        driver.find_element(By.ID, "code").send_keys(f"{code:06d}")
        driver.find_element(By.CSS_SELECTOR, "form[action='/signin/second-factor'] button[type=submit]").click()

    def sign_in(login: str) -> None:
        driver.delete_all_cookies()
        driver.get(args.base + "/signin")
        wait.until(EC.presence_of_element_located((By.ID, "login")))
        driver.find_element(By.ID, "login").send_keys(login)
        driver.find_element(By.ID, "password").send_keys(args.password)
        driver.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
        wait.until(lambda d: "/dashboard" in d.current_url or "/signin/second-factor" in d.current_url)
        if "/signin/second-factor" in driver.current_url:
            wait.until(EC.presence_of_element_located((By.ID, "code")))
            second_factor()
        wait.until(EC.url_contains("/dashboard"))
        settle()
        print("signed in as", login, flush=True)

    def steady(action):
        """Runs `action` again when Chromium reports a node of a document it is still settling as
        gone ("does not belong to the document", a stale element): a fault of the browser, not of
        the page under test."""
        for attempt in range(6):
            try:
                return action()
            except WebDriverException as error:
                text = str(error).lower()
                if attempt == 5 or ("does not belong to the document" not in text and "stale element" not in text):
                    raise
                time.sleep(0.3)

    def replaced(element):
        """A wait condition: `element`'s page has been replaced. Chromium says so either as a stale
        element or as a node that "does not belong to the document"; both mean gone."""
        def check(_driver) -> bool:
            try:
                element.is_enabled()
                return False
            except WebDriverException:
                return True
        return check

    def click(element_id: str) -> None:
        """Clicks a button that submits a form and waits for the next page to replace this one.
        Chromium sometimes reports a node of a document it is still settling as gone: the click is
        tried again, unless the button has already left (the form went through)."""
        page = steady(lambda: driver.find_element(By.TAG_NAME, "html"))
        for attempt in range(5):
            try:
                driver.find_element(By.ID, element_id).click()
                break
            except WebDriverException:
                if attempt == 4 or not steady(lambda: driver.find_elements(By.ID, element_id)):
                    break
                time.sleep(0.3)
                page = steady(lambda: driver.find_element(By.TAG_NAME, "html"))
        wait.until(replaced(page))
        settle()

    def follow(link_text: str) -> None:
        page = steady(lambda: driver.find_element(By.TAG_NAME, "html"))
        steady(lambda: driver.find_element(By.LINK_TEXT, link_text).click())
        wait.until(replaced(page))
        settle()
        print("at", driver.current_url, flush=True)

    def status() -> str:
        for _ in range(20):
            try:
                return wait.until(EC.presence_of_element_located((By.ID, "port-status"))).text
            except Exception:  # the page was still being replaced
                time.sleep(0.1)
        raise Failure("no status on the page")

    def settle() -> None:
        def complete(d) -> bool:
            try:
                return d.execute_script("return document.readyState") == "complete"
            except WebDriverException:  # asked while the page was being replaced
                return False
        wait.until(complete)

    def fill(element_id: str, text: str) -> None:
        for attempt in range(5):  # (the same Chromium hiccup as in click)
            try:
                field = driver.find_element(By.ID, element_id)
                field.clear()
                field.send_keys(text)
                return
            except WebDriverException:
                if attempt == 4:
                    raise
                time.sleep(0.3)

    def sign_letter() -> None:
        fill("signer_name", "Dana Porter")
        fill("signer_title", "Office manager")
        steady(lambda: driver.find_element(By.ID, "agree").click())
        click("sign")
        wait.until(EC.presence_of_element_located((By.ID, "loa-signed")))
        check("Signed by Dana Porter" in steady(lambda: driver.find_element(By.ID, "loa-signed").text), "the signature is not shown")

    try:
        # The customer prepares the request.
        sign_in(args.customer)
        follow("Porting")
        follow("New port request")
        wait.until(EC.presence_of_element_located((By.ID, "numbers")))
        fill("contact_name", "Dana Porter")
        fill("contact_email", "dana@clinic.example")
        fill("numbers", "312 555 0101\n(312) 555-0102\nnot a number")
        fill("business_name", "Clinic LLC")
        fill("street_1", "1 Main St")
        fill("city_1", "Chicago")
        fill("region_1", "IL")
        fill("postal_1", "60601")
        click("continue")
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "ul.errors")))
        check("not a number" in steady(lambda: driver.find_element(By.CSS_SELECTOR, "ul.errors").text), "a bad number was not reported")
        fill("numbers", "312 555 0101\n(312) 555-0102")
        driver.find_element(By.CSS_SELECTOR, "input[name=btn_same]").click()
        click("continue")
        wait.until(EC.presence_of_element_located((By.ID, "confirm")))
        summary = steady(lambda: driver.find_element(By.CSS_SELECTOR, "dl.summary").text)
        check("+13125550101" in summary and "Clinic LLC" in summary, "the summary lacks the request's data")
        shot("port-review")
        click("confirm")
        check(status() == "New", "a created request is not New")
        tracking = steady(lambda: driver.find_element(By.TAG_NAME, "h1").text).split()[2]
        print("created", tracking, flush=True)
        check("upload the customer service record" in steady(lambda: driver.find_element(By.ID, "missing").text), "the missing CSR is not listed")

        driver.find_element(By.ID, "file").send_keys(os.path.abspath(args.csr))
        Select(driver.find_element(By.ID, "kind")).select_by_value("csr")
        click("upload")
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "table.port-files")))
        sign_letter()
        shot("port-signed")
        click("submit")
        check(status() == "Pending", "the submitted request is not Pending")
        print("submitted", flush=True)

        # The porting team starts it, then rejects it.
        sign_in(args.staff)
        driver.get(args.base + "/porting")
        follow(tracking)
        click("start")
        check(status() == "In progress", "start did not move the request to In progress")
        fill("reason", "Business name does not match the CSR: Clinic, L.L.C.")
        click("reject")
        check(status() == "Rejected", "reject did not move the request to Rejected")
        print("rejected", flush=True)

        # The customer corrects it; the old signature no longer counts.
        sign_in(args.customer)
        driver.get(args.base + "/porting")
        follow(tracking)
        check("Clinic, L.L.C." in steady(lambda: driver.find_element(By.CSS_SELECTOR, "[role=alert]").text), "the rejection reason is not shown")
        follow("Edit details")
        fill("business_name", "Clinic, L.L.C.")
        click("continue")
        check(status() == "Rejected", "editing changed the state")
        check("sign the letter of authorization again" in steady(lambda: driver.find_element(By.ID, "missing").text), "the stale signature was accepted")
        sign_letter()
        click("submit")
        check(status() == "Pending", "the resubmitted request is not Pending")
        print("resubmitted", flush=True)

        # The porting team schedules and completes it.
        sign_in(args.staff)
        driver.get(args.base + "/porting")
        follow(tracking)
        click("start")
        driver.execute_script("document.getElementById('foc_date').value = '2026-12-20'")
        click("schedule")
        check(status() == "Scheduled", "the FOC date did not schedule the request")
        fill("body", "The carrier confirmed the 20th.")
        click("add-note")
        click("complete")
        check(status() == "Completed", "the port did not complete")
        shot("port-completed")
        print("completed", flush=True)
        print("OK", flush=True)
        return 0
    except Failure as failure:
        shot("port-failure")
        print("FAIL", failure, "at", driver.current_url, flush=True)
        return 1
    except Exception as error:  # a missing element or a timeout
        shot("port-failure")
        print("FAIL", type(error).__name__, error, "at", driver.current_url, flush=True)
        return 1
    finally:
        driver.quit()


if __name__ == "__main__":
    sys.exit(main())
