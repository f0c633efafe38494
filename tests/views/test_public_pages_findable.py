"""A citizen searching for how to register or check a status finds the public pages, in Urdu and in English;
nothing behind sign-in and no answer about a person is indexed or kept in a cache (app.findability)."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from app.findability import PUBLIC_PAGES
from tests.helpers import urdu

PUBLIC = ["/", "/register", "/status", "/complaints/new", "/complaints/track", "/stats"]
# GETs that act rather than show (a sign-out, a language switch) are not pages.
NOT_PAGES = {"auth.logout", "public.switch_language", "static"}
VALUES = {"household_id": 1, "section": "household", "complaint_id": 1, "field": "cnic", "code": "x",
          "member_id": 1, "job_id": 1, "table": "x", "filename": "x", "id": 1, "event_id": 1, "model_id": 1,
          "user_id": 1}


def _meta_robots(html: str) -> str | None:
    match = re.search(r'<meta name="robots" content="([^"]+)">', html)
    return match.group(1) if match else None


def test_robots_txt_lets_search_engines_reach_the_public_pages_and_nothing_signed_in(client):
    text = client.get("/robots.txt").text
    for path in PUBLIC:
        assert f"Allow: {path}$" in text and f"Allow: {path}?lang=" in text
    for private in ("/me", "/enumerator/", "/supervisor/", "/helpdesk/", "/admin/", "/login"):
        assert f"Disallow: {private}\n" in text
    assert text.rstrip().endswith("Sitemap: http://localhost/sitemap.xml")


def test_the_sitemap_lists_every_public_page_in_urdu_and_english_with_alternates(client):
    answer = client.get("/sitemap.xml")
    assert answer.status_code == 200 and answer.mimetype == "application/xml"
    tree = ET.fromstring(answer.data)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    locations = [url.findtext("s:loc", namespaces=ns) for url in tree.findall("s:url", ns)]
    for path in PUBLIC:
        assert f"http://localhost{path}" in locations
        assert f"http://localhost{path}?lang=en" in locations
    first = tree.find("s:url", ns)
    assert {link.get("hreflang") for link in first.findall("x:link", ns)} == {"ur", "en", "x-default"}


@pytest.mark.parametrize("path", PUBLIC)
def test_each_public_page_is_indexable_and_described_in_urdu_and_english(app, client, path):
    urdu_page = client.get(path)
    english_page = client.get(f"{path}?lang=en")
    for page in (urdu_page, english_page):
        assert page.status_code == 200
        assert _meta_robots(page.text) is None and "X-Robots-Tag" not in page.headers
        assert page.headers["Cache-Control"] != "no-store"
    english = str(PUBLIC_PAGES[path])
    assert f'<meta name="description" content="{english}">' in english_page.text
    assert '<html lang="en" dir="ltr">' in english_page.text
    assert f'<meta name="description" content="{urdu(app, english)}">' in urdu_page.text
    assert '<html lang="ur" dir="rtl">' in urdu_page.text
    assert f'<link rel="alternate" hreflang="en" href="http://localhost{path}?lang=en">' in urdu_page.text
    assert f'<link rel="canonical" href="http://localhost{path}?lang=en">' in english_page.text


def test_the_english_address_does_not_change_the_visitors_language(client):
    client.get("/register?lang=en")
    assert '<html lang="ur" dir="rtl">' in client.get("/register").text
    # The switch on an English address returns to the page without ?lang, else it would stay English.
    assert 'href="/lang/ur?next=/register"' in client.get("/register?lang=en").text


def test_status_and_tracking_results_are_noindex_and_no_store(client, make_user):
    make_user("citizen", cnic="35202-1000001-2")
    client.get("/status")
    for answer in (client.post("/status", data={"cnic": "35202-1000001-2"}),
                   client.post("/complaints/track", data={"tracking_no": "C-2024-000001", "cnic": "35202-1000001-2"})):
        assert answer.headers["Cache-Control"] == "no-store"
        assert answer.headers["X-Robots-Tag"] == "noindex"
        assert _meta_robots(answer.text) == "noindex"


def _walk_get_pages(app, client):
    """Every GET route, with placeholder values: (path, response) of each HTML answer."""
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in NOT_PAGES:
            continue
        try:
            path = rule.build(VALUES, append_unknown=False)[1]
        except Exception:  # noqa: BLE001 - a converter that refuses a placeholder: not reachable this way
            continue
        response = client.get(path)
        if response.mimetype == "text/html":
            yield path, response


@pytest.mark.parametrize("role", [None, "citizen", "enumerator", "supervisor", "helpdesk", "admin"])
def test_every_page_but_the_public_ones_is_noindex_and_no_store(app, client, login_as, role):
    if role:
        login_as(role, area="Lahore") if role != "citizen" else login_as(role)
    private_pages_seen = 0
    for path, response in _walk_get_pages(app, client):
        if path in PUBLIC_PAGES and response.status_code == 200:
            assert _meta_robots(response.text) is None, path
            continue
        assert response.headers.get("X-Robots-Tag") == "noindex", path
        assert response.headers.get("Cache-Control") == "no-store", path
        if "<head>" in response.text:
            assert _meta_robots(response.text) == "noindex", path
        private_pages_seen += response.status_code == 200
    # The walk reached real pages, not only redirects and 404s.
    assert private_pages_seen >= (3 if role else 1), role
