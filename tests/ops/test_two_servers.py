"""Two app servers (two gunicorn processes) on one database and one file storage: a photo
uploaded through the first is read through the second, with the session of a login on the
first (sessions live in the database). The storage is the database itself
(``FANGKONG_STORAGE=database``); nothing is written to either server's media directory."""

from __future__ import annotations

import http.cookiejar
import io
import re
import urllib.request
import uuid
from pathlib import Path

from PIL import Image

from tests.browser.gunicorn import running_gunicorn, server_env, set_up
from tests.ops.two_servers_seed import PASSWORD, USERNAME


class Session:
    """One browser: its cookies go to whichever server it asks."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, url: str) -> tuple[int, str, bytes]:
        with self.opener.open(url, timeout=30) as response:
            return response.status, response.headers["Content-Type"], response.read()

    def post(self, url: str, body: bytes, content_type: str) -> int:
        request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type})
        request.add_header("Referer", url)
        with self.opener.open(request, timeout=30) as response:
            return response.status

    def csrf(self, url: str) -> str:
        html = self.get(url)[2].decode()
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def multipart(fields: dict[str, str], filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; filename="{filename}"\r\n'
        f"Content-Type: image/png\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def gallery_links(html: str) -> list[str]:
    """The full-size photos the site page links to, whatever URL serves them."""
    return re.findall(r'<li><a href="([^"]+\.jpg)"', html)


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_photo_uploaded_through_one_server_is_read_through_the_other(tmp_path: Path) -> None:
    env = server_env(tmp_path, FANGKONG_STORAGE="database")
    set_up(env, "tests.ops.two_servers_seed")
    with (
        running_gunicorn(env, tmp_path / "first.log") as first,
        running_gunicorn(env, tmp_path / "second.log") as second,
    ):
        browser = Session()
        token = browser.csrf(f"{first}/accounts/login/")
        login = f"csrfmiddlewaretoken={token}&username={USERNAME}&password={PASSWORD}"
        browser.post(
            f"{first}/accounts/login/", login.encode(), "application/x-www-form-urlencoded"
        )
        site_page = f"{first}/sites/1/"
        body, content_type = multipart(
            {"csrfmiddlewaretoken": browser.csrf(site_page)}, "a.png", png()
        )
        assert browser.post(f"{first}/sites/1/photos/", body, content_type) == 200

        # The second server: the same session, the photo on its page, and the photo itself.
        status, _, html = browser.get(f"{second}/sites/1/")
        assert status == 200
        links = gallery_links(html.decode())
        assert len(links) == 1
        status, content_type, photo = browser.get(f"{second}{links[0]}")
        assert (status, content_type) == (200, "image/jpeg")
        assert Image.open(io.BytesIO(photo)).size == (640, 480)
        assert browser.get(f"{first}{links[0]}")[2] == photo
    assert not list(tmp_path.rglob("*.jpg"))
