"""The README's nginx example, as written there, in front of the desk as `remiss serve` serves it.

A city's operator copies that example: it must load in the nginx Debian ships (1.22 refuses
`http2 on;`), let remiss answer a too-large upload in Swedish (not nginx's English 413 page),
mark the session cookie Secure behind TLS, and keep the nämnder's link tokens out of its
access log. Only ports, certificate paths and the log path are changed, each one checked.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from tests.mail.support import free_port
from tests.web.browser import CHROMIUM
from tests.web.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(NGINX is None or shutil.which("openssl") is None, reason="nginx or openssl missing"),
]


def readme_nginx() -> list[str]:
    """The ```nginx blocks of the README's "Behind the city's reverse proxy" paragraph."""
    text = (ROOT / "README.md").read_text()
    section = text[text.index("**Behind the city's reverse proxy.**") :]
    section = section[: section.index("\n**", 10)]
    return re.findall(r"```nginx\n(.*?)```", section, re.S)


def _swap(text: str, old: str, new: str) -> str:
    assert old in text, f"the README's nginx example no longer has {old!r}"
    return text.replace(old, new)


@pytest.fixture
def proxied(workspace, tmp_path, monkeypatch):
    """nginx with the README's configuration on loopback, before the desk; yields (https, http) ports."""
    from remiss_flows.serve import desk_server

    from remiss.web import create_app

    monkeypatch.setenv("REMISS_BASE_URL", "https://remiss.stad.example.se")
    desk, tls, plain = free_port(), free_port(), free_port()
    certs = tmp_path / "ssl"
    certs.mkdir()
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=remiss",
         "-keyout", certs / "privkey.pem", "-out", certs / "fullchain.pem"],
        check=True, capture_output=True,
    )  # fmt: skip
    http_part, server_part = readme_nginx()
    server_part = _swap(server_part, "listen 443 ssl", f"listen 127.0.0.1:{tls} ssl")
    server_part = _swap(server_part, "listen 80;", f"listen 127.0.0.1:{plain};")
    server_part = _swap(server_part, "/etc/ssl/remiss/", f"{certs}/")
    server_part = _swap(server_part, "/var/log/nginx/remiss.log", f"{tmp_path}/remiss.log")
    server_part = _swap(server_part, "http://127.0.0.1:8000", f"http://127.0.0.1:{desk}")
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\nhttp {{\n"
        + f"client_body_temp_path {tmp_path}/body;\nproxy_temp_path {tmp_path}/proxy;\n"
        + f"access_log off;\n{http_part}\n{server_part}\n}}\n"
    )
    checked = subprocess.run([NGINX, "-t", "-c", str(conf)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    with contextlib.ExitStack() as running:
        running.enter_context(desk_server((create_app(workspace), "127.0.0.1", desk)))
        subprocess.run([NGINX, "-c", str(conf)], check=True)
        try:
            for _ in range(100):
                if (tmp_path / "nginx.pid").exists():
                    break
                time.sleep(0.05)
            yield Proxied(tls, plain, tmp_path / "remiss.log", running.close, lambda: _stop_nginx(conf))
        finally:
            _stop_nginx(conf)


def _stop_nginx(conf: Path) -> None:
    if (conf.parent / "nginx.pid").exists():
        subprocess.run([NGINX, "-c", str(conf), "-s", "stop"], capture_output=True)
        for _ in range(100):
            if not (conf.parent / "nginx.pid").exists():
                return
            time.sleep(0.05)


@dataclass
class Proxied:
    tls: int  # nginx's https port
    plain: int  # nginx's http port (a redirect)
    access_log: Path
    stop_desk: Callable[[], None]  # the desk goes away; nginx stays
    stop_proxy: Callable[[], None]  # nginx goes away too: no answer at all


def test_the_readme_nginx_example_in_front_of_the_desk(proxied):
    tls, plain, access_log = proxied.tls, proxied.plain, proxied.access_log
    moved = httpx.get(f"http://127.0.0.1:{plain}/")
    assert moved.status_code == 301 and moved.headers["location"].startswith("https://")

    with httpx.Client(base_url=f"https://127.0.0.1:{tls}", verify=False, timeout=120) as client:
        page = client.get("/")
        assert page.headers["strict-transport-security"] == "max-age=31536000"
        token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        login = client.post("/logga-in", data={"name": "samordnare", "password": PASSWORD, "csrf": token})
        session = next(c for c in login.headers.get_list("set-cookie") if c.startswith("remiss_session="))
        assert "Secure" in session and "HttpOnly" in session

        csrf = re.search(r'"X-CSRF-Token": "([^"]+)"', client.get("/").text).group(1)
        too_big = b"\0" * (101 * 1024 * 1024)  # above REMISS_MAX_UPLOAD_MB's 100, below nginx's limit
        refused = client.post(
            "/omgangar/sh-2016/ladda-upp",
            files={"filer": ("stor.docx", too_big)},
            headers={"X-CSRF-Token": csrf, "X-Remiss-Upload": "1"},
        )
        assert refused.status_code == 413
        assert "Uppladdningen är större än 100 MB och togs inte emot." in refused.text  # remiss, not nginx

        secret = "hemligLank0123456789abcdefABCDEF"
        assert client.get(f"/svar/{secret}").status_code == 404
    logged = access_log.read_text()
    assert '"GET /svar/..."' in logged and secret not in logged


def _upload_said(page, returned: Path) -> str:
    """Upload the file on the desk's page; the line its outcome says."""
    page.set_input_files("#filer", str(returned))
    page.locator("#uppladdning [type=submit]").click()
    said = page.locator("#utfall p.fel").first
    said.wait_for()
    return said.inner_text()


def test_an_upload_the_proxy_answers_is_said_in_swedish_on_the_desk(proxied, tmp_path):
    """desk.js showed nginx's English error page (502 Bad Gateway) as the file's outcome, and a
    lost connection left "Läser in …" on the page for good; now each is one Swedish line."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} missing: scripts/test.sh installs chromium")
    from playwright.sync_api import sync_playwright

    returned = tmp_path / "remissvar.docx"
    returned.write_bytes(b"PK not really a document")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        page = browser.new_context(ignore_https_errors=True, locale="sv-SE").new_page()
        base = f"https://127.0.0.1:{proxied.tls}"
        page.goto(f"{base}/")
        page.fill("#namn", "samordnare")
        page.fill("#losenord", PASSWORD)
        page.press("#losenord", "Enter")
        page.wait_for_url(f"{base}/")
        page.goto(f"{base}/omgangar/sh-2016/ladda-upp")

        proxied.stop_desk()  # remiss restarts, say: nginx answers 502 Bad Gateway itself
        assert _upload_said(page, returned) == (
            "remissvar.docx: remiss svarar inte just nu (HTTP 502). Försök igen om en stund."
        )
        assert "Bad Gateway" not in page.locator("#utfall").inner_text()

        proxied.stop_proxy()  # no answer at all: the page says so instead of "Läser in …" for good
        assert _upload_said(page, returned) == (
            "remissvar.docx: kontakten med servern bröts. "
            "Se på tavlan om filen kom in innan du försöker igen."
        )
        browser.close()
