"""No redirect of the portal leaves the site: sign-in's `next`, the language switch (its `next` and the
Referer) and htmx's HX-Redirect, judged as a browser reads the Location (the WHATWG URL parser, ada-url)."""
from __future__ import annotations

import itertools

import ada_url
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.input_guard import has_control_characters
from app.safe_redirect import safe_path
from tests.conftest import PASSWORD

SITE = "http://localhost/"

HOSTILE = [
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example",
    "\\/evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "\t//evil.example",
    " //evil.example",
    "\x00//evil.example",
    "\x01/\x1f/evil.example",
    "/\x00/evil.example",
    "/%09/evil.example",
    "/%2F/evil.example",
    "/%5Cevil.example",
    "https:evil.example",
    "https:/evil.example",
    "https://evil.example",
    "HTTPS://evil.example/",
    "http://localhost@evil.example/",
    "http://evil.example\\@localhost/",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "\tjavascript:alert(1)",
    "java\nscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "evil.example",
    "./\\/evil.example",
    "/\u202e/evil.example",
    "\u3002/evil.example",
    "//evil%2Eexample",
    "/" + "a" * 5000,
    "http://[::1",
]


def browser_host(location: str) -> str:
    """The host a browser goes to for this Location, read from this site (a relative path stays here)."""
    url = ada_url.URL(location, SITE)
    assert url.protocol in ("http:", "https:"), location
    return url.host


def refused_as_unreadable(target: str, response) -> bool:
    """A target with control characters (other than tab and line breaks) is refused before any sign-in,
    with the portal's 400 page: no redirect at all."""
    return response.status_code == 400 and has_control_characters(target) and "Location" not in response.headers


def fresh_client(app, n: int):
    from tests.conftest import Browserish

    client = Browserish(app.test_client())
    # Each sign-in from its own address: the per-address sign-in limit is not what these tests probe.
    client.client.environ_base["REMOTE_ADDR"] = f"10.9.{n // 250}.{n % 250 + 1}"
    return client


_addresses = itertools.count()


def sign_in_with_next(app, user, target: str, htmx: bool = False):
    client = fresh_client(app, next(_addresses))
    client.get("/login")
    return client.client.post("/login", query_string={"next": target},
                              data={"cnic": user.cnic, "password": PASSWORD, "csrf_token": client.token},
                              headers={"HX-Request": "true"} if htmx else {})


@pytest.mark.parametrize("target", HOSTILE)
def test_sign_in_with_a_hostile_next_lands_on_this_site(app, make_user, target):
    user = make_user("citizen")
    response = sign_in_with_next(app, user, target)
    if refused_as_unreadable(target, response):
        return
    assert response.status_code == 302, response.data[:300]
    assert browser_host(response.headers["Location"]) == "localhost"
    assert response.headers["Location"] == "/me"  # the citizen's home, not somewhere near the target


@pytest.mark.parametrize("target", ["/\t/evil.example", "/\\evil.example", "https:evil.example"])
def test_htmx_sign_in_with_a_hostile_next_sends_htmx_home(app, make_user, target):
    user = make_user("citizen")
    response = sign_in_with_next(app, user, target, htmx=True)
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/me"


def test_sign_in_still_returns_to_a_page_of_this_site(app, make_user):
    user = make_user("citizen")
    response = sign_in_with_next(app, user, "/complaints/track?x=1")
    assert response.headers["Location"] == "/complaints/track?x=1"


@pytest.mark.parametrize("target", HOSTILE)
def test_language_switch_with_a_hostile_next_stays_on_this_site(client, target):
    response = client.get("/lang/en", query_string={"next": target})
    if refused_as_unreadable(target, response):
        return
    assert response.status_code == 302
    assert browser_host(response.headers["Location"]) == "localhost"
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("referer", [t for t in HOSTILE if "\n" not in t and "\r" not in t and t.isascii()]
                         + ["http://evil.example/status", "https://localhost.evil.example/", "http://localhost:81/x"])
def test_language_switch_with_a_hostile_referer_stays_on_this_site(client, referer):
    response = client.get("/lang/en", headers={"Referer": referer})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_language_switch_returns_to_the_referring_page_of_this_site(client):
    response = client.get("/lang/en", headers={"Referer": "http://localhost/complaints/track?a=1"})
    assert response.headers["Location"] == "/complaints/track?a=1"


# Pieces a hostile target is made of: slashes both ways, whitespace and controls browsers drop, schemes,
# user info, hosts and encodings.
PIECES = st.sampled_from(["/", "\\", "\t", "\n", "\r", " ", "\x00", "\x0b", "\x1f", "\x7f", ":", "@", "%", "%2f",
                          "%5c", "%09", "?", "#", ".", "..", "evil.example", "localhost", "http", "https", "javascript",
                          "\u3002", "\uff0f", "\u2215", "\u202e", "a", "0"])
# Most open redirects hide in the first characters: a start of slashes, whitespace and schemes, then a host.
LEADS = st.lists(st.sampled_from(["/", "\\", "\t", "\n", " ", "\x00", "%2f", "%5c", "%09", "https:", "javascript:"]),
                 min_size=1, max_size=4).map("".join)
HOSTS = st.sampled_from(["evil.example", "localhost", "@evil.example", "localhost@evil.example", ""])
TARGETS = st.one_of(st.tuples(LEADS, HOSTS, st.lists(PIECES, max_size=6).map("".join)).map("".join),
                    st.lists(PIECES, max_size=12).map("".join), st.text(max_size=40))


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=150)
@given(target=TARGETS)
def test_no_language_switch_target_leaves_the_site(client, target):
    response = client.get("/lang/en", query_string={"next": target})
    if refused_as_unreadable(target, response):
        return
    assert response.status_code == 302
    assert browser_host(response.headers["Location"]) == "localhost"


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=40)
@given(target=TARGETS)
def test_no_sign_in_target_leaves_the_site(app, make_user, target):
    user = make_user("citizen")
    response = sign_in_with_next(app, user, target)
    if refused_as_unreadable(target, response):
        return
    assert response.status_code == 302, response.data[:300]
    assert browser_host(response.headers["Location"]) == "localhost"


@given(target=TARGETS)
def test_the_guard_accepts_only_what_a_browser_keeps_on_this_site(target):
    path = safe_path(target, host="localhost")
    if path is not None:
        assert path.isascii() and path.startswith("/")
        assert browser_host(path) == "localhost"


def test_a_redirect_made_by_mistake_off_the_site_is_turned_home(app):
    """The after-request guard: even a view that forgot the check cannot send the browser away."""
    from flask import redirect

    with app.test_request_context("/"):
        response = app.process_response(redirect("/\\evil.example"))
    assert response.headers["Location"] == "/"


def test_a_page_that_asked_for_sign_in_is_where_sign_in_returns(app, make_user):
    user = make_user("helpdesk", area="Lahore")
    client = fresh_client(app, next(_addresses))
    asked = client.get("/helpdesk/?state=new")
    assert asked.status_code == 302
    login_page = asked.headers["Location"]
    client.get(login_page)
    response = client.client.post(login_page, data={"cnic": user.cnic, "password": PASSWORD, "csrf_token": client.token})
    assert response.headers["Location"] == "/helpdesk/?state=new"
