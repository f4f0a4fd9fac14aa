#!/usr/bin/env python3
"""A real OpenID Connect provider (django-oidc-provider) on loopback for Pagewire's identity tests.

usage:
  idp.py serve DIRECTORY        migrate a fresh SQLite database in DIRECTORY, seed a user, a
                                confidential client and an RSA signing key, listen on a port the
                                kernel picks, and print `IDP_ISSUER=<issuer URL>` once ready.
  idp.py token ISSUER CLIENT_ID SECRET USERNAME PASSWORD
                                run the authorization code flow as a browser would (sign-in form,
                                authorize, code exchange) and print the ID token.

Seeded: users alice/alice-idp-pw (alice@clinic-a.test) and bob/bob-idp-pw (bob@clinic-a.test, in the
group fax-admins, sent in a `groups` claim with the `groups` scope), client
`pagewire-app` / `pagewire-app-secret` (RS256, redirect http://127.0.0.1:9/callback, no consent
screen), client `other-app` / `other-app-secret`.
Extra clients come from IDP_EXTRA_CLIENT="id secret redirect_uri [post_logout_redirect_uri]"; the
end-session endpoint (RP-initiated logout) sends people back to that post-logout URI.

Test controls (this fixture only): POST /test-control/rotate replaces the signing key (the old one
leaves the JWKS), GET /test-control/stats answers {"jwks_requests": n}. Extra clients with other
redirect URIs come from the environment: IDP_EXTRA_CLIENT="id secret redirect_uri".
"""
import json
import os
import re
import signal
import sys
import threading
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

HERE = os.path.dirname(os.path.abspath(__file__))


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class LazyApp:
    app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


JWKS_REQUESTS = [0]
LOCK = threading.Lock()


def configure(directory, site_url):
    import django
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        SECRET_KEY="idp-fixture-" + os.urandom(8).hex(),
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF="idp_urls",
        INSTALLED_APPS=[
            "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions", "oidc_provider",
        ],
        MIDDLEWARE=[
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
        ],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.path.join(directory, "idp.sqlite3")}},
        TEMPLATES=[{
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [os.path.join(HERE, "templates")], "APP_DIRS": True,
            "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
        }],
        SITE_URL=site_url,
        LOGIN_URL="/accounts/login/",
        OIDC_USERINFO="idp_urls.userinfo",
        OIDC_IDTOKEN_INCLUDE_CLAIMS=True,
        OIDC_EXTRA_SCOPE_CLAIMS="idp_urls.GroupScopeClaims",
        OIDC_SKIP_CONSENT_EXPIRE=1,
        USE_TZ=True,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    sys.path.insert(0, HERE)
    django.setup()


def seed():
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from oidc_provider.models import Client, ResponseType, RSAKey

    call_command("migrate", verbosity=0, interactive=False)
    for username, password, first, last in [("alice", "alice-idp-pw", "Alice", "Anders"), ("bob", "bob-idp-pw", "Bob", "Berg")]:
        User.objects.create_user(username, username + "@clinic-a.test", password, first_name=first, last_name=last)
    # bob is in the IdP group fax-admins (the `groups` scope puts it in a `groups` claim)
    Group.objects.create(name="fax-admins").user_set.add(User.objects.get(username="bob"))
    code = ResponseType.objects.get(value="code")
    clients = [("pagewire-app", "pagewire-app-secret", "http://127.0.0.1:9/callback"), ("other-app", "other-app-secret", "http://127.0.0.1:9/callback")]
    extra = os.environ.get("IDP_EXTRA_CLIENT")
    if extra:
        clients.append(tuple(extra.split(" ")))
    for client_id, secret, redirect, *post_logout in clients:
        client = Client.objects.create(
            name=client_id, client_type="confidential", client_id=client_id, client_secret=secret,
            jwt_alg="RS256", require_consent=False, reuse_consent=True, _redirect_uris=redirect, _scope="openid email profile groups",
            _post_logout_redirect_uris="\n".join(post_logout))
        client.response_types.add(code)
    RSAKey.objects.create(key=new_rsa_key())


def new_rsa_key():
    from Cryptodome.PublicKey import RSA
    return RSA.generate(2048).exportKey("PEM").decode("utf-8")


def serve(directory):
    # a test process may run with SIGTERM ignored, which children inherit: stop on it anyway
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    lazy = LazyApp()
    server = make_server("127.0.0.1", 0, lazy, server_class=ThreadingWSGIServer, handler_class=QuietHandler)
    site_url = "http://127.0.0.1:%d" % server.server_port
    configure(directory, site_url)
    seed()
    from django.core.wsgi import get_wsgi_application
    django_app = get_wsgi_application()

    def app(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == "/openid/jwks":
            with LOCK:
                JWKS_REQUESTS[0] += 1
        if path == "/test-control/rotate" and environ["REQUEST_METHOD"] == "POST":
            from oidc_provider.models import RSAKey
            RSAKey.objects.all().delete()
            key = RSAKey.objects.create(key=new_rsa_key())
            start_response("200 OK", [("Content-Type", "application/json")])
            return [json.dumps({"kid": key.kid}).encode()]
        if path == "/test-control/stats":
            start_response("200 OK", [("Content-Type", "application/json")])
            return [json.dumps({"jwks_requests": JWKS_REQUESTS[0]}).encode()]
        return django_app(environ, start_response)

    lazy.app = app
    print("IDP_ISSUER=%s/openid" % site_url, flush=True)
    server.serve_forever()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def token(issuer, client_id, secret, username, password):
    base = issuer.rsplit("/openid", 1)[0]
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/accounts/login/").read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "username": username, "password": password, "next": "/"}).encode()
    request = urllib.request.Request(base + "/accounts/login/", data=form, headers={"Referer": base + "/accounts/login/"})
    try:
        opener.open(request)
    except urllib.error.HTTPError:
        pass  # the redirect to "/" after signing in leads nowhere; the session cookie is set
    no_redirect = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    query = urllib.parse.urlencode({"client_id": client_id, "response_type": "code", "scope": "openid email profile",
                                    "redirect_uri": "http://127.0.0.1:9/callback", "state": "s1", "nonce": "n1"})
    try:
        no_redirect.open(issuer + "/authorize?" + query)
        raise SystemExit("authorize did not redirect")
    except urllib.error.HTTPError as redirect:
        location = redirect.headers["Location"]
    code = urllib.parse.parse_qs(urllib.parse.urlparse(location).query)["code"][0]
    exchange = urllib.parse.urlencode({"grant_type": "authorization_code", "code": code, "redirect_uri": "http://127.0.0.1:9/callback",
                                       "client_id": client_id, "client_secret": secret}).encode()
    answer = json.loads(opener.open(issuer + "/token", data=exchange).read())
    print(answer["id_token"])


def code(authorize_url, username, password):
    """Signs in and follows AUTHORIZE_URL as a browser would; prints the callback's query string."""
    base = authorize_url.split("/openid/", 1)[0]
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/accounts/login/").read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "username": username, "password": password, "next": "/"}).encode()
    try:
        opener.open(urllib.request.Request(base + "/accounts/login/", data=form, headers={"Referer": base + "/accounts/login/"}))
    except urllib.error.HTTPError:
        pass
    no_redirect = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    try:
        no_redirect.open(authorize_url)
        raise SystemExit("authorize did not redirect")
    except urllib.error.HTTPError as redirect:
        print(urllib.parse.urlparse(redirect.headers["Location"]).query)


def main():
    if sys.argv[1] == "code":
        code(*sys.argv[2:5])
    elif sys.argv[1] == "serve":
        serve(sys.argv[2])
    elif sys.argv[1] == "token":
        token(*sys.argv[2:7])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
