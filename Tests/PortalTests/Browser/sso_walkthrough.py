"""Single sign-on through a company's OpenID Connect provider in headless Chromium (Selenium).

Run by SSOBrowserTests.swift. On the portal's sign-in page, types an e-mail address of the
company's domain and no password; is sent to the provider (django-oidc-provider on loopback),
signs in there, comes back signed in to the dashboard, then signs out — which also ends the
provider's session (RP-initiated logout), so the next single sign-on asks for the provider's
password again. Prints one line per step and OK at the end; exits 1 with the reason at the
first failure.
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
    parser.add_argument("--idp", required=True, help="the provider's base URL (http://127.0.0.1:port)")
    parser.add_argument("--login", required=True)
    parser.add_argument("--idp-user", required=True)
    parser.add_argument("--idp-password", required=True)
    parser.add_argument("--expect-name", required=True)
    parser.add_argument("--screenshots", required=True)
    args = parser.parse_args()
    os.makedirs(args.screenshots, exist_ok=True)

    driver, wait = headless_chromium.start(height=900)

    def shot(name: str) -> None:
        path = os.path.join(args.screenshots, name + ".png")
        driver.save_screenshot(path)
        print("screenshot", path, flush=True)

    def fail(message: str) -> int:
        shot("sso-failure")
        print("FAIL", message, "at", driver.current_url, flush=True)
        return 1

    def start_single_sign_on() -> None:
        driver.get(args.base + "/signin")
        wait.until(EC.presence_of_element_located((By.ID, "login")))
        driver.find_element(By.ID, "login").send_keys(args.login)
        driver.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()

    try:
        # The e-mail of the company's domain, no password: on to the provider's sign-in form
        start_single_sign_on()
        wait.until(EC.url_contains(args.idp))
        wait.until(EC.presence_of_element_located((By.ID, "id_username")))
        print("at the provider", driver.current_url.split("?")[0], flush=True)
        shot("sso-provider-signin")
        driver.find_element(By.ID, "id_username").send_keys(args.idp_user)
        driver.find_element(By.ID, "id_password").send_keys(args.idp_password)
        driver.find_element(By.ID, "idp-submit").click()

        # Back at the portal, signed in (the user was created just in time)
        wait.until(EC.url_to_be(args.base + "/dashboard"))
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "form.signout")))
        name = driver.find_element(By.CSS_SELECTOR, "form.signout .user").text
        if name != args.expect_name:
            return fail(f"signed in as {name!r}, expected {args.expect_name!r}")
        print("signed in as", name, flush=True)
        shot("sso-dashboard")

        # Sign out: the portal's session ends, then the provider's, and the browser comes back
        driver.find_element(By.CSS_SELECTOR, "form.signout button[type=submit]").click()
        wait.until(EC.url_contains(args.base + "/signin"))
        wait.until(EC.presence_of_element_located((By.ID, "login")))
        print("signed out at", driver.current_url.split("?")[0], flush=True)
        shot("sso-signed-out")
        driver.get(args.base + "/dashboard")
        wait.until(EC.presence_of_element_located((By.ID, "login")))
        if "/signin" not in driver.current_url:
            return fail("the portal session survived the sign-out")

        # The provider's session ended too: single sign-on asks for its password again
        start_single_sign_on()
        wait.until(EC.url_contains(args.idp))
        wait.until(EC.presence_of_element_located((By.ID, "id_username")))
        print("the provider asks again", flush=True)
        print("OK", flush=True)
        return 0
    except Exception as error:  # noqa: BLE001 - report any failure with its page
        return fail(f"{type(error).__name__}: {error}")
    finally:
        driver.quit()


if __name__ == "__main__":
    sys.exit(main())
