"""Every public page, and a sample of signed-in ones, in Urdu and in English, is valid HTML under the Nu HTML
checker (vnu-jar from the npm registry, `make install`; run by Java). One checker run for all pages.
htmx's attributes are written `data-hx-*` (htmx reads both spellings; only the data- one is valid HTML), so
every error the checker reports fails. Skipped without Java or vnu.jar, unless PSER_REQUIRE_HTML_CHECK=1
(`make test-html`, CI)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.survey_helpers import fill_all, start_household

pytestmark = pytest.mark.html_check

ROOT = Path(__file__).resolve().parents[2]
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
PUBLIC = ["/", "/register", "/status", "/complaints/new", "/complaints/track", "/stats", "/login", "/password/forgot"]


def _checker() -> list[str]:
    java = shutil.which("java")
    if java and VNU.exists():
        return [java, "-Xss8m", "-jar", str(VNU)]
    if os.environ.get("PSER_REQUIRE_HTML_CHECK") == "1":
        pytest.fail("PSER_REQUIRE_HTML_CHECK=1 but java or node_modules/vnu-jar is missing (make install; "
                    "apt-get install default-jre-headless)")
    pytest.skip("the Nu HTML checker needs java and node_modules/vnu-jar (make install)")


def check_html(pages: dict[str, str], tmp_path: Path) -> list[str]:
    """The checker's errors over `pages` ({name: html})."""
    command = _checker()
    files = {}
    for number, (name, html) in enumerate(pages.items()):
        path = tmp_path / f"page{number:03d}.html"
        path.write_text(html, encoding="utf-8")
        files[path.resolve().as_uri()] = name
    run = subprocess.run([*command, "--format", "json", "--exit-zero-always", *(str(tmp_path / Path(uri).name)
                                                                              for uri in files)],
                         capture_output=True, text=True, timeout=300)
    report = json.loads(run.stderr or run.stdout)
    errors = []
    for message in report["messages"]:
        if message["type"] not in ("error", "non-document-error"):
            continue
        text = f"{files.get(message.get('url'), message.get('url'))}: {message['message']}"
        if message.get("extract"):
            text += f"  [{message['extract'].strip()}]"
        errors.append(text)
    return errors


def _page(client, path: str, pages: dict[str, str], label: str) -> None:
    for language in ("ur", "en"):
        answer = client.get(f"{path}{'&' if '?' in path else '?'}lang={language}")
        assert answer.status_code == 200, (path, answer.status_code)
        pages[f"{label} {path} ({language})"] = answer.get_data(as_text=True)


def test_public_and_signed_in_pages_are_valid_html(app, client, make_user, login_as, tmp_path):
    _checker()
    pages: dict[str, str] = {}
    for path in PUBLIC:
        _page(client, path, pages, "anonymous")
    # Result pages, as a browser without JavaScript gets them: whole pages.
    make_user("citizen", cnic="35202-1000001-2")
    client.get("/status")
    pages["status result (ur)"] = client.post("/status", data={"cnic": "35202-1000001-2"}).get_data(as_text=True)
    client.get("/complaints/track")
    pages["tracking result (ur)"] = client.post("/complaints/track", data={
        "tracking_no": "C-2024-000001", "cnic": "35202-1000001-2"}).get_data(as_text=True)

    login_as("enumerator", area="Lahore")
    base = start_household(client)
    fill_all(client, base)  # saved sections carry the ✓ mark in the section list
    for path in ("/enumerator/", f"{base}/members", f"{base}/housing", f"{base}/review"):
        if client.get(path).status_code == 200:
            _page(client, path, pages, "enumerator")
    client.post("/logout")
    login_as("citizen")
    _page(client, "/me", pages, "citizen")
    client.post("/logout")
    login_as("admin")
    for path in ("/admin/", "/admin/jobs", "/admin/programmes", "/admin/models"):
        _page(client, path, pages, "admin")
    client.post("/logout")
    login_as("supervisor", area="Lahore")
    _page(client, "/supervisor/", pages, "supervisor")
    client.post("/logout")
    login_as("helpdesk", area="Lahore")
    _page(client, "/helpdesk/", pages, "helpdesk")

    errors = check_html(pages, tmp_path)
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(errors)
    assert len(pages) >= 30


def test_the_checker_catches_an_aria_label_on_a_plain_span(tmp_path):
    """The error issue 13 found in the questionnaire's section list: the check really fails on it."""
    page = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title></head><body>'
            '<p data-hx-get="/x">one <span aria-label="saved">✓</span></p><p hx-get="/y">two</p></body></html>')
    errors = check_html({"sample": page}, tmp_path)
    assert any("aria-label" in error for error in errors), errors
    # htmx's attributes pass only in their data- spelling: a bare hx-get is an error like any other.
    assert any("hx-get" in error for error in errors) and not any("data-hx-get" in error for error in errors)
