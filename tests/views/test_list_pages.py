"""Every list pages by keyset: next and previous links walk the whole list once, with no row twice and
none missed, the filters ride along, htmx swaps only the list, and a forged page link is a clear 400."""
from __future__ import annotations

import base64
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import Area, AuditEntry, Complaint, Household
from app.models.base import utcnow
from tests.helpers import page_text, urdu


def _area(db, code):
    return db.scalars(select(Area).where(Area.code == code)).one()


def _households(db, count, *, area_code="DST-LHR", status="registered", cnic_start=1000, visit_every=0):
    area = _area(db, area_code)
    tehsils = [a for a in area.children if a.level == "tehsil"]
    base = utcnow() - timedelta(days=1)
    for i in range(count):
        db.add(Household(head_cnic=f"35203-{cnic_start + i:07d}-1", status=status,
                         area=tehsils[i % len(tehsils)] if tehsils and i % 2 else area,
                         updated_at=base + timedelta(seconds=i // 3),  # ties: the id decides
                         resurvey_requested_at=utcnow() if visit_every and i % visit_every == 0 else None))
    db.commit()


def _links(html, rel):
    match = re.search(rf'<a rel="{rel}" href="([^"]+)"', html)
    return match.group(1).replace("&amp;", "&") if match else None


def _cnics(html):
    return re.findall(r"35203-\d{7}-\d", html)


def _walk(client, first_url, rel="next", **kwargs):
    pages, url = [], first_url
    while url:
        html = page_text(client.get(url, **kwargs))
        pages.append(html)
        url = _links(html, rel)
    return pages


def test_the_enumerator_walks_every_household_of_the_area_page_by_page_and_back(client, login_as, db):
    _households(db, 123, visit_every=10)
    _households(db, 7, area_code="DST-MUL", cnic_start=9000)  # another district's: never listed
    login_as("enumerator", area="Lahore")
    pages = _walk(client, "/enumerator/")
    seen = [c for html in pages for c in _cnics(html)]
    assert len(pages) == 3 and len(seen) == 123 and len(set(seen)) == 123
    assert not any(c.startswith("35203-0009") for c in seen)
    # Visits asked for come first, then the latest changed.
    requested = {f"35203-{1000 + i:07d}-1" for i in range(0, 123, 10)}
    assert set(seen[:len(requested)]) == requested
    last = pages[-1]
    assert _links(last, "next") is None and _links(pages[0], "prev") is None
    back = _walk(client, _links(last, "prev"), rel="prev")
    assert [_cnics(html) for html in back] == [_cnics(html) for html in pages[:-1]][::-1]


def test_a_page_of_households_swaps_only_the_list_for_htmx_and_keeps_the_state_tab(client, login_as, db):
    _households(db, 60, status="draft")
    _households(db, 60, status="registered", cnic_start=5000)
    login_as("enumerator", area="Lahore")
    html = page_text(client.get("/enumerator/?state=draft"))
    following = _links(html, "next")
    assert "state=draft" in following
    fragment = page_text(client.get(following, headers={"HX-Request": "true"}))
    assert fragment.strip().startswith('<div id="household-list"') and "<html" not in fragment
    assert len(_cnics(fragment)) == 10 and all(c < "35203-0005000" for c in _cnics(fragment))
    assert 'data-hx-target="#household-list"' in html and 'data-hx-push-url="true"' in html


def test_the_cnic_search_is_a_prefix_range_paged_by_post_so_no_cnic_stands_in_a_url(client, login_as, db):
    _households(db, 80, cnic_start=1000)  # 35202-0001000-1 ... 35202-0001079-1
    _households(db, 5, cnic_start=1200)
    login_as("enumerator", area="Lahore")
    client.get("/enumerator/")
    found = page_text(client.post("/enumerator/", data={"q": "35203-000 10"}))
    cnics = _cnics(found)
    assert len(cnics) == 50 and cnics == sorted(cnics) and all(c.startswith("35203-00010") for c in cnics)
    assert "cursor=" not in found and _links(found, "next") is None  # a form, not a link
    cursor = re.search(r'name="cursor" value="([^"]+)"', found).group(1)
    rest = page_text(client.post("/enumerator/", data={"q": "35203-000 10", "cursor": cursor}, htmx=True))
    assert rest.strip().startswith('<div id="household-list"')
    assert _cnics(rest) == [f"35203-{n:07d}-1" for n in range(1050, 1080)]


@pytest.mark.parametrize("cursor", [
    "not-a-cursor!",
    base64.urlsafe_b64encode(b'["a", "yesterday", 5]').decode(),
    base64.urlsafe_b64encode(b'["a", true, "2026-01-01T00:00:00", 5]').decode(),  # no time zone
    base64.urlsafe_b64encode(b'["x", true, "2026-01-01T00:00:00+00:00", 5]').decode(),
    base64.urlsafe_b64encode(b'{"a": 1}').decode(),
    "A" * 1000,
])
def test_a_forged_page_link_gets_a_clear_message_in_urdu_never_an_error(client, login_as, db, cursor):
    login_as("enumerator", area="Lahore")
    response = client.get(f"/enumerator/?cursor={cursor}")
    assert response.status_code == 400
    assert urdu(client.application, "This page link is not valid: it may have been changed or cut short. "
                "Please start again from the first page of the list.") in page_text(response)


def _complaints(db, count, *, district="DST-LHR", escalated_to=None):
    area = _area(db, district)
    now = utcnow()
    for i in range(count):
        db.add(Complaint(tracking_no=f"PSER-C-2026-{i + 1:06d}", cnic=f"35202-{i:07d}-1", mobile="03001234567",
                         category="privacy" if i % 2 else "other", description="…", district_id=area.id,
                         deadline_at=now + timedelta(hours=i // 2), escalated_to_id=escalated_to,
                         escalated_at=now if escalated_to else None))
    db.commit()


def _tracking(html):
    return re.findall(r"PSER-C-\d{4}-\d{6}", html)


def test_the_helpdesk_queue_pages_in_deadline_order_keeping_its_filters(client, login_as, db):
    _complaints(db, 130)
    login_as("helpdesk")
    pages = _walk(client, "/helpdesk/?category=privacy")
    seen = [t for html in pages for t in _tracking(html)]
    assert len(seen) == 65 == len(set(seen)) and len(pages) == 2
    assert all("category=privacy" in _links(html, "next") for html in pages[:-1])
    deadlines = db.execute(select(Complaint.tracking_no, Complaint.deadline_at)).all()
    order = [t for t, _ in sorted(deadlines, key=lambda row: (row[1], row[0])) if int(t[-6:]) % 2 == 0]
    assert seen == order


def test_a_supervisor_pages_through_the_complaints_escalated_to_them(client, login_as, db, make_user):
    supervisor = login_as("supervisor", area="Lahore")
    _complaints(db, 75, escalated_to=supervisor.id)
    pages = _walk(client, "/supervisor/")
    seen = [t for html in pages for t in _tracking(html)]
    assert len(pages) == 2 and len(seen) == 75 == len(set(seen))
    fragment = page_text(client.get(_links(pages[0], "next"), headers={"HX-Request": "true"}))
    assert fragment.strip().startswith('<div id="escalated">')


def test_the_administrator_pages_through_the_audit_log_newest_first(client, login_as, db):
    for i in range(45):
        db.add(AuditEntry(action="status_lookup", outcome="found"))
    db.commit()
    login_as("admin")
    pages = _walk(client, "/admin/")
    # The audit entries' rows only (the dashboard's charts above have tables of their own).
    rows = [len(re.findall(r"<tr><td>", html[html.index('<div id="audit">'):])) for html in pages]
    total = db.scalar(select(__import__("sqlalchemy").func.count()).select_from(AuditEntry))
    assert sum(rows) == total and len(pages) == 3 and rows[0] == 20
    fragment = page_text(client.get(_links(pages[0], "next"), headers={"HX-Request": "true"}))
    assert fragment.strip().startswith('<div id="audit">')
