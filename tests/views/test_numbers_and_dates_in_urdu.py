"""Numbers and dates as an Urdu reader sees them: CNICs, mobiles and tracking numbers never print backwards
inside an Urdu sentence, and every date and time is in Babel's Urdu (no "AM/PM", no area codes)."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from pathlib import Path

from babel.messages.pofile import read_po
from flask_babel import force_locale
from sqlalchemy import select

from app.models import Complaint, SmsMessage
from tests.complaint_helpers import COMPLAINT, file_complaint
from tests.conftest import Browserish
from tests.helpers import page_text

ROOT = Path(__file__).resolve().parents[2]
LRI, PDI = "\u2066", "\u2069"
# What must stay left to right inside an Urdu sentence: a placeholder for such a number, or an example of one.
NUMBER_PLACEHOLDER = re.compile(r"%\((?:mobile|cnic|tracking|tracking_no)\)s")
EXAMPLE_NUMBER = re.compile(r"PSER-C-[0-9-]*[0-9]|(?<![\w-])[0-9][0-9-]{6,}[0-9]")
AM_PM = re.compile(r"\b(?:AM|PM|am|pm)\b")


def _urdu_text(html: str) -> str:
    """The words of a page, without its tags, scripts or attribute values."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_every_number_in_an_urdu_message_is_a_left_to_right_isolate():
    with (ROOT / "translations" / "ur" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    bare = []
    for message in catalog:
        if not message.id:
            continue
        for text in message.string if isinstance(message.string, tuple) else (message.string,):
            for pattern in (NUMBER_PLACEHOLDER, EXAMPLE_NUMBER):
                for match in pattern.finditer(text):
                    before, after = text[:match.start()], text[match.end():]
                    if not (before.endswith(LRI) and after.startswith(PDI)):
                        bare.append((message.id, match.group(0)))
    assert bare == [], "wrap these in U+2066 … U+2069 in the Urdu text: " + repr(bare)


def test_the_sms_with_the_tracking_number_keeps_it_left_to_right(app, db):
    tracking = file_complaint(Browserish(app.test_client()))
    body = db.scalars(select(SmsMessage.body).where(SmsMessage.purpose != "otp")).all()
    assert any(f"{LRI}{tracking}{PDI}" in text for text in body), body


def test_the_flash_after_sign_up_keeps_the_mobile_left_to_right(app, client):
    from tests.helpers import valid_registration

    client.get("/register")
    response = client.post("/register", data=valid_registration(), follow_redirects=True)
    html = page_text(response)
    assert re.search(LRI + r"0300[0-9*]+67" + PDI, html), html[-3000:]


def test_numbers_in_the_running_text_of_staff_and_citizen_pages_are_isolated(app, client, login_as, db):
    tracking = file_complaint(Browserish(app.test_client()))
    complaint_id = db.scalars(select(Complaint.id).where(Complaint.tracking_no == tracking)).one()
    login_as("helpdesk")
    pages = [page_text(client.get(url)) for url in ("/helpdesk/", f"/helpdesk/complaints/{complaint_id}")]
    numbers = (tracking, COMPLAINT["cnic"], COMPLAINT["mobile"])
    seen = 0
    for html in pages:
        for number in numbers:
            for match in re.finditer(re.escape(number), html):
                before = html[:match.start()]
                if before.rfind("<") > before.rfind(">"):
                    continue  # inside a tag: an attribute, never read as text
                seen += 1
                isolated = before.endswith(LRI) or re.search(r'<(?:bdi|span)\b[^>]*\bdir="ltr"[^>]*>$', before)
                assert isolated, f"{number} not isolated: …{before[-120:]}"
    assert seen >= 5


def test_one_filter_writes_every_date_of_every_template():
    offenders = [str(path.relative_to(ROOT)) for path in (ROOT / "templates").rglob("*.html")
                 if re.search(r"datetimeformat|dateformat|timeformat|strftime", path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_a_moment_in_urdu_is_babels_urdu_date_with_the_part_of_the_day(app):
    from app.i18n import when

    moment = datetime(2024, 3, 5, 9, 7, tzinfo=timezone.utc)  # 14:07 in Lahore
    with app.test_request_context(), force_locale("ur"):
        assert when(moment) == "5 مارچ، 2024 2:07 دوپہر"
        assert when(moment, time=False) == "5 مارچ، 2024"
        assert when(datetime(2024, 3, 5, 20, 30, tzinfo=timezone.utc), time=False) == "6 مارچ، 2024"  # 01:30 in Lahore
        assert when(date(1990, 8, 14)) == "14 اگست، 1990"
    with app.test_request_context(), force_locale("en"):
        assert when(moment) == "Mar 5, 2024, 2:07 PM"


def test_urdu_staff_pages_show_no_am_pm_and_no_area_code(app, client, login_as, db):
    tracking = file_complaint(Browserish(app.test_client()))
    complaint_id = db.scalars(select(Complaint.id).where(Complaint.tracking_no == tracking)).one()
    login_as("helpdesk", area="Lahore")
    for url in ("/helpdesk/", f"/helpdesk/complaints/{complaint_id}"):
        text = _urdu_text(page_text(client.get(url)))
        assert not AM_PM.search(text), url
        assert "DST-" not in text and "TEH-" not in text, url
    timeline = _urdu_text(page_text(client.get(f"/helpdesk/complaints/{complaint_id}")))
    assert re.search(r"\d{1,2}:\d{2} (?:آدھی رات|صبح|دوپہر|سہ پہر|شام|رات)", timeline)
    client.post("/logout")
    login_as("supervisor", area="Lahore")
    text = _urdu_text(page_text(client.get("/supervisor/")))
    assert "لاہور" in text and "DST-LHR" not in text
