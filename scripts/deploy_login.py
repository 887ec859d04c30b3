"""Log in as the first commander through gunicorn as nginx would pass the requests on, change
the forced password, and reach the dashboard; used by scripts/deploy_check.sh.

``python scripts/deploy_login.py URL HOST USERNAME PASSWORD UNIT_NAME``. Standard library
only: it runs with any Python. Requests carry ``Host`` and ``X-Forwarded-Proto: https`` as
deploy/nginx/fangkong_proxy.conf sets them, so the production settings (HTTPS only, secure
cookies) apply unchanged.
"""

from __future__ import annotations

import http.client
import json
import re
import sys
from urllib.parse import urlencode, urlsplit

NEW_PASSWORD = "Deploy-check-own-2026"  # noqa: S105 - a throw-away installation's


class Browser:
    def __init__(self, url: str, host: str) -> None:
        self.netloc = urlsplit(url).netloc
        self.host = host
        self.cookies: dict[str, str] = {}
        self.request_id = ""

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple:
        """(status, Location, body) of one request, keeping the cookies it sets."""
        headers = {"Host": self.host, "X-Forwarded-Proto": "https"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://{self.host}"
            headers["Referer"] = f"https://{self.host}{path}"
        connection = http.client.HTTPConnection(self.netloc, timeout=30)
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        text = response.read().decode("utf-8", "replace")
        self.request_id = response.headers.get("X-Request-ID", "")
        return response.status, response.headers.get("Location", ""), text

    def csrf(self, path: str) -> str:
        status, _, html = self.request("GET", path)
        check(status == 200, f"GET {path}: {status}")
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        check(match is not None, f"no CSRF token on {path}")
        return match.group(1) if match else ""


def check(condition: bool, message: str) -> None:
    if not condition:
        print(f"deploy_login: {message}", file=sys.stderr)
        sys.exit(1)


def main(url: str, host: str, username: str, password: str, unit_name: str) -> None:
    browser = Browser(url, host)
    token = browser.csrf("/accounts/login/")
    form = {"csrfmiddlewaretoken": token, "username": username, "password": password}
    status, location, _ = browser.request("POST", "/accounts/login/", form | {"next": "/command/"})
    check((status, location) == (302, "/command/"), f"login: {status} {location}")
    status, location, _ = browser.request("GET", "/command/")
    check(status == 302 and location.startswith("/accounts/password/"), "no forced change")
    token = browser.csrf(location)
    form = {"csrfmiddlewaretoken": token, "old_password": password, "next": "/command/"}
    form |= {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    status, location, _ = browser.request("POST", "/accounts/password/", form)
    check((status, location) == (302, "/command/"), f"password change: {status} {location}")
    status, _, html = browser.request("GET", "/command/")
    check(status == 200 and unit_name in html, f"dashboard: {status}")
    status, _, body = browser.request("GET", "/healthz")
    check(status == 200 and json.loads(body)["status"] == "ok", f"healthz: {status} {body}")
    # A page that does not exist is logged (django.request) with the id the response carries.
    status, _, _ = browser.request("GET", "/deploy-check-no-such-page/")
    check(status == 404 and browser.request_id != "", f"missing page: {status}")
    print(f"deploy_login: {username} logged in, changed the password, saw the dashboard")
    print(browser.request_id)


if __name__ == "__main__":
    main(*sys.argv[1:6])
