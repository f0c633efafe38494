"""The portal as an operator deploys it (deploy/README.md): Debian's nginx with deploy/nginx/pser.conf in front
of two gunicorn instances on one PostgreSQL database and one Redis, over TLS with a certificate made now.
What a visitor sees through it: HSTS, a Secure session cookie, their own address (not one they forge) in the
audit log and the limits, static files cached for a year, and a 413 and a 429 answered in Urdu.

nginx runs as this user from a temp dir (its pid, logs and buffers there), on free high ports; the site file is
the shipped one with its ports and paths moved there. Needs TEST_DATABASE_URL (PostgreSQL), Redis, `nginx`
and `openssl`; skipped without them, unless PSER_REQUIRE_DEPLOY=1 (`make test-deploy`, CI), which fails instead."""
from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from sqlalchemy import select

from app.models import AuditEntry
from app.services.privacy import audit_key, keyed_hash
from tests.scale.test_two_instances import HOST, REDIS_URL, _free_port, _redis_or_skip, _start, _stop, _wait_ready

pytestmark = [pytest.mark.postgres, pytest.mark.deploy]

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "deploy" / "nginx" / "pser.conf"
REQUIRED = os.environ.get("PSER_REQUIRE_DEPLOY") == "1"


def _missing(reason: str):
    if REQUIRED:
        pytest.fail(f"PSER_REQUIRE_DEPLOY=1 but {reason}")
    pytest.skip(reason)


def _nginx() -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)
    if not found:
        _missing("nginx is not installed (apt-get install nginx-light)")
    return found


def _certificate(directory: Path) -> tuple[Path, Path]:
    if not shutil.which("openssl"):
        _missing("openssl is not installed")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], check=True, capture_output=True)
    return cert, key


def site_for_test(site: str, *, https: int, http: int, upstreams: list[int], cert: Path, key: Path,
                  logs: Path) -> str:
    """The shipped site with its machine-specific values moved: ports, certificate, code and log paths."""
    replaced = {
        "listen 443 ssl http2;": f"listen {HOST}:{https} ssl http2;",
        "listen [::]:443 ssl http2;": "",
        "listen 80;": f"listen {HOST}:{http};",
        "listen [::]:80;": "",
        "server 127.0.0.1:8001 ": f"server {HOST}:{upstreams[0]} ",
        "server 127.0.0.1:8002 ": f"server {HOST}:{upstreams[1]} ",
        "/etc/letsencrypt/live/pser.example.pk/fullchain.pem": str(cert),
        "/etc/letsencrypt/live/pser.example.pk/privkey.pem": str(key),
        "/srv/pser/app/": f"{ROOT}/",
        "/var/log/nginx/": f"{logs}/",
        # On a high port the browser's Host carries the port; $host drops it, and Flask-WTF's https Referer
        # check compares ports. On 443 (production) both are the same.
        "proxy_set_header Host $host;": "proxy_set_header Host $http_host;",
    }
    for old, new in replaced.items():
        assert old in site, f"deploy/nginx/pser.conf no longer has {old!r}: update this test"
        site = site.replace(old, new)
    return site


def _nginx_conf(tmp: Path, site: Path) -> str:
    temps = "\n".join(f"    {name}_temp_path {tmp / name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    user = "user root root;\n" if os.geteuid() == 0 else ""  # as root, workers would otherwise be `nobody`
    return (f"{user}worker_processes 1;\npid {tmp / 'nginx.pid'};\nerror_log {tmp / 'error.log'} warn;\n"
            f"events {{ worker_connections 256; }}\n"
            f"http {{\n    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n"
            f"    access_log {tmp / 'access.log'};\n{temps}\n    include {site};\n}}\n")


@dataclass
class Deployment:
    https_port: int
    http_port: int
    cafile: Path
    secret_key: str
    tmp: Path
    nginx: str
    key: Path


def _wait_port(port: int, process: subprocess.Popen, log: Path, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"nginx exited:\n{log.read_text(errors='replace')[-3000:]}")
        with socket.socket() as s:
            if s.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError("nginx did not listen")


def start_nginx(nginx: str, tmp: Path, *, https: int, http: int, upstreams: list[int], cert: Path,
                key: Path) -> subprocess.Popen:
    """nginx with the shipped site, everything of its own in `tmp`, in the foreground (a child of the test)."""
    site = tmp / "pser.conf"
    site.write_text(site_for_test(SITE.read_text(), https=https, http=http, upstreams=upstreams, cert=cert, key=key,
                                  logs=tmp))
    conf = tmp / "nginx.conf"
    conf.write_text(_nginx_conf(tmp, site))
    check = subprocess.run([nginx, "-t", "-p", str(tmp), "-c", str(conf), "-e", str(tmp / "error.log")],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    return subprocess.Popen([nginx, "-p", str(tmp), "-c", str(conf), "-e", str(tmp / "error.log"),
                             "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)


@pytest.fixture(scope="module")
def deployment(app):
    """Started once for this module (each test uses addresses of its own, so limits do not mix)."""
    database = app.config["SQLALCHEMY_DATABASE_URI"]
    if not database.startswith("postgresql"):
        _missing("two instances share a PostgreSQL database: run with TEST_DATABASE_URL")
    nginx = _nginx()
    redis_client = _redis_or_skip()
    prefix = f"pser-deploy-test-{secrets.token_hex(4)}"
    tmp = Path(tempfile.mkdtemp(prefix="pser-nginx-"))
    os.chmod(tmp, 0o755)
    cert, key = _certificate(tmp)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "RATELIMIT_"))}
    env.update({
        "DATABASE_URL": database, "REDIS_URL": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix, "JOBS_QUEUE": prefix,
        "SECRET_KEY": secrets.token_urlsafe(48), "PSER_ENV": "production", "SMS_BACKEND": "outbox",
        # As deploy/pser.env.example has it behind nginx:
        "BEHIND_PROXY": "1", "PROXY_FIX_X_FOR": "1", "PROXY_FIX_X_PROTO": "1",
        "WEB_CONCURRENCY": "1", "RATELIMIT_PROCESSES": "2",
        "STATUS_LOOKUP_LIMIT": "3 per minute", "LOGIN_LIMIT": "100 per minute",
    })
    started, process = [], None
    try:
        started = [_start(name, env, tmp) for name in ("A", "B")]
        https, http = _free_port(), _free_port()
        process = start_nginx(nginx, tmp, https=https, http=http, upstreams=[i.port for i in started], cert=cert,
                              key=key)
        for instance in started:
            _wait_ready(instance)
        _wait_port(https, process, tmp / "error.log")
        yield Deployment(https, http, cert, env["SECRET_KEY"], tmp, nginx, key)
    finally:
        if process and process.poll() is None:
            process.terminate()
            process.wait(timeout=10)
        for instance in started:
            instance.process.terminate()  # both at once: each takes a few seconds to stop gracefully
        for instance in started:
            _stop(instance)
        shutil.rmtree(tmp, ignore_errors=True)
        for key in redis_client.scan_iter(f"*{prefix}*"):
            redis_client.delete(key)
        redis_client.srem("rq:queues", f"rq:queue:{prefix}")
        redis_client.close()


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    text: str


class Browser:
    """A browser on its own address (127.0.0.x: nginx limits and logs per address), over TLS with the test's
    certificate, keeping cookies as a browser does (a Secure cookie is sent back over https only)."""

    def __init__(self, deployment: Deployment, address: str):
        self.deployment, self.address = deployment, address
        self.context = ssl.create_default_context(cafile=str(deployment.cafile))
        self.jar = CookieJar()
        self.token: str | None = None
        self.origin = f"https://localhost:{deployment.https_port}"

    def fetch(self, method: str, path: str, data: dict | None = None, headers: dict | None = None,
              body: bytes | None = None) -> Answer:
        import urllib.request

        request = urllib.request.Request(self.origin + path, method=method)
        self.jar.add_cookie_header(request)
        sent = {"Referer": self.origin + "/", **(headers or {})}
        if cookie := request.get_header("Cookie"):
            sent["Cookie"] = cookie
        if data is not None:
            body = urllib.parse.urlencode(data).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPSConnection("localhost", self.deployment.https_port, context=self.context,
                                           timeout=30, source_address=(self.address, 0))
        try:
            conn.request(method, path, body=body, headers=sent)
            resp = conn.getresponse()
            text = resp.read().decode("utf-8", "replace")
        finally:
            conn.close()
        self.jar.extract_cookies(resp, request)
        if match := re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text):
            self.token = match.group(1)
        return Answer(resp.status, resp.headers, text)

    def get(self, path: str, **kw) -> Answer:
        return self.fetch("GET", path, **kw)

    def post(self, path: str, data: dict, **kw) -> Answer:
        return self.fetch("POST", path, data={"csrf_token": self.token or "", **data}, **kw)


def test_a_visitor_over_tls_gets_hsts_a_secure_session_cookie_and_http2_on_offer(deployment, make_user):
    from tests.conftest import PASSWORD

    citizen = make_user("citizen", cnic="35202-3434343-2")
    browser = Browser(deployment, "127.0.0.2")
    home = browser.get("/")
    assert home.status == 200
    assert home.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert '<html lang="ur" dir="rtl">' in home.text

    browser.get("/login")
    signed_in = browser.post("/login", {"cnic": citizen.cnic, "password": PASSWORD})
    assert signed_in.status == 302, signed_in.text[:500]
    session_cookie = next(c for c in browser.jar if c.name == "pser_session")
    assert session_cookie.secure
    assert signed_in.headers["Location"].startswith("/") or signed_in.headers["Location"].startswith("https://")
    assert browser.get("/me").status == 200  # the Secure cookie came back over https: signed in

    # Plain http only redirects to https; HTTP/2 is offered to browsers that ask (ALPN).
    conn = http.client.HTTPConnection(HOST, deployment.http_port, timeout=10)
    conn.request("GET", "/status")
    moved = conn.getresponse()
    assert moved.status == 301 and moved.getheader("Location").startswith("https://")
    conn.close()
    context = ssl.create_default_context(cafile=str(deployment.cafile))
    context.set_alpn_protocols(["h2", "http/1.1"])
    with socket.create_connection((HOST, deployment.https_port)) as raw, \
            context.wrap_socket(raw, server_hostname="localhost") as tls:
        assert tls.selected_alpn_protocol() == "h2"
        assert tls.version() in ("TLSv1.2", "TLSv1.3")


def test_the_portal_sees_the_visitors_address_and_not_a_forged_one(deployment, db):
    browser = Browser(deployment, "127.0.0.3")
    browser.get("/status")
    answer = browser.post("/status", {"cnic": "35202-5656565-2"}, headers={"X-Forwarded-For": "203.0.113.9"})
    assert answer.status == 200, answer.text[:500]
    ip_hash = db.scalars(select(AuditEntry.ip_hash).where(AuditEntry.action == "status_lookup")).one()
    key = audit_key(deployment.secret_key)
    assert ip_hash == keyed_hash(key, "127.0.0.3")  # the browser's, as nginx saw it
    assert ip_hash not in (keyed_hash(key, "203.0.113.9"), keyed_hash(key, "127.0.0.1"))  # not forged, not nginx's


def test_the_portals_own_limit_answers_429_in_urdu_per_visitor_address(deployment):
    browser = Browser(deployment, "127.0.0.4")
    browser.get("/status")
    # STATUS_LOOKUP_LIMIT is 3 per minute for this deployment, counted in Redis across both instances.
    statuses = [browser.post("/status", {"cnic": "35202-5656565-2"}).status for _ in range(3)]
    refused = browser.post("/status", {"cnic": "35202-5656565-2"})
    assert statuses == [200, 200, 200] and refused.status == 429
    assert 'lang="ur"' in refused.text and "pser-proxy-error" not in refused.text  # the portal's own page
    # Another address still gets its answer: the limit counts the visitor, not the proxy.
    other = Browser(deployment, "127.0.0.5")
    other.get("/status")
    assert other.post("/status", {"cnic": "35202-5656565-2"}).status == 200


def test_a_flood_of_posts_is_stopped_by_nginx_with_its_urdu_page(deployment):
    browser = Browser(deployment, "127.0.0.6")
    statuses, refused = [], None
    for _ in range(40):  # the site allows 60 posts a minute per address with a burst of 30
        answer = browser.fetch("POST", "/", data={})
        statuses.append(answer.status)
        if answer.status == 429:
            refused = answer
            break
    assert refused is not None, statuses
    assert 25 <= len(statuses) <= 40, statuses
    assert 'id="pser-proxy-error-429"' in refused.text
    assert "بہت زیادہ درخواستیں" in refused.text and "Too many requests" in refused.text
    assert refused.headers["Content-Type"] == "text/html; charset=utf-8"


def test_an_oversized_post_is_refused_by_nginx_in_urdu(deployment):
    browser = Browser(deployment, "127.0.0.7")
    conn = http.client.HTTPSConnection("localhost", deployment.https_port, context=browser.context, timeout=10,
                                       source_address=("127.0.0.7", 0))
    conn.putrequest("POST", "/complaints/new")
    conn.putheader("Content-Type", "application/x-www-form-urlencoded")
    conn.putheader("Content-Length", str(5 * 1024 * 1024))
    conn.endheaders()  # nginx answers from the length alone: the five megabytes never need to be sent
    answer = conn.getresponse()
    text = answer.read().decode()
    conn.close()
    assert answer.status == 413
    assert 'id="pser-proxy-error-413"' in text and "درخواست بہت بڑی ہے" in text and 'dir="rtl"' in text


def test_fingerprinted_static_files_are_cached_for_a_year_and_compressed(deployment):
    browser = Browser(deployment, "127.0.0.8")
    page = browser.get("/").text
    stylesheet = re.search(r'href="(/static/build/css/app\.[0-9a-f]+\.css)"', page).group(1)
    answer = browser.get(stylesheet, headers={"Accept-Encoding": "gzip"})
    assert answer.status == 200
    assert "max-age=31536000" in answer.headers["Cache-Control"] and "immutable" in answer.headers["Cache-Control"]
    assert answer.headers["Content-Encoding"] == "gzip"
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_with_both_instances_down_nginx_answers_502_in_urdu(deployment):
    """A second nginx of the same site whose two upstreams do not listen: the visitor gets the Urdu page."""
    tmp = deployment.tmp / "down"
    tmp.mkdir(mode=0o755)
    https = _free_port()
    process = start_nginx(deployment.nginx, tmp, https=https, http=_free_port(), upstreams=[_free_port(), _free_port()],
                          cert=deployment.cafile, key=deployment.key)
    try:
        _wait_port(https, process, tmp / "error.log")
        context = ssl.create_default_context(cafile=str(deployment.cafile))
        conn = http.client.HTTPSConnection("localhost", https, context=context, timeout=10)
        conn.request("GET", "/status")
        answer = conn.getresponse()
        text = answer.read().decode()
        conn.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert answer.status == 502
    assert 'id="pser-proxy-error-502"' in text and 'lang="ur" dir="rtl"' in text and "آپ کی معلومات محفوظ ہیں" in text
