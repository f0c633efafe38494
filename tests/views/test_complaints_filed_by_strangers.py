"""Anyone may complain without an account, with any CNIC. Such a complaint never blocks the CNIC's owner,
never changes their account, and shows on the owner's pages only once the owner has shown it is theirs."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import AuditEntry, Complaint, User
from tests.complaint_helpers import file_complaint
from tests.conftest import Browserish
from tests.helpers import page_text, urdu

@pytest.fixture(autouse=True)
def _no_address_limit(monkeypatch):
    """Every browser here comes from one address: the per-address limit is another test's subject."""
    from app.extensions import limiter

    monkeypatch.setattr(limiter, "enabled", False)


OWNER_CNIC, OWNER_MOBILE, STRANGER_MOBILE = "35202-1234567-2", "03001112223", "03459998887"


def _stranger(app):
    return Browserish(app.test_client())


def _refused(client, **fields):
    import re

    key = re.search(r'name="idempotency_key" value="([^"]+)"',
                    client.get("/complaints/new").get_data(as_text=True)).group(1)
    from tests.complaint_helpers import COMPLAINT

    return client.post("/complaints/new", data={**COMPLAINT, **fields, "idempotency_key": key})


def test_a_stranger_filling_a_cnics_open_complaints_never_blocks_its_signed_in_owner(app, client, login_as, db):
    stranger = _stranger(app)
    theirs = [file_complaint(stranger, cnic=OWNER_CNIC, mobile=STRANGER_MOBILE) for _ in range(3)]
    refused = _refused(stranger, cnic=OWNER_CNIC, mobile=STRANGER_MOBILE)
    assert refused.status_code == 422  # the stranger's own cap: this CNIC with their mobile
    assert urdu(app, "%(n)s complaints with this CNIC and mobile number are already open. Please track them, "
                     "or wait until they are resolved.", n=3) in page_text(refused)

    login_as("citizen", cnic=OWNER_CNIC, mobile=OWNER_MOBILE)
    mine = file_complaint(client, cnic=OWNER_CNIC, mobile=OWNER_MOBILE)
    for page in ("/me", "/complaints/track"):
        text = page_text(client.get(page))
        assert mine in text and not any(t in text for t in theirs), page
    # The owner's own cap is the account's, and says so.
    file_complaint(client, cnic=OWNER_CNIC, mobile=OWNER_MOBILE)
    file_complaint(client, cnic=OWNER_CNIC, mobile=OWNER_MOBILE)
    refused = _refused(client, cnic=OWNER_CNIC, mobile=OWNER_MOBILE)
    assert refused.status_code == 422
    assert urdu(app, "You already have %(n)s open complaints. Please track them, or wait until they are resolved.",
                n=3) in page_text(refused)
    assert db.query(Complaint).count() == 6


def test_helpdesk_correcting_a_complaints_contact_never_changes_the_account_of_its_cnic(app, client, login_as, db,
                                                                                        make_user):
    owner = make_user("citizen", cnic=OWNER_CNIC, mobile=OWNER_MOBILE)
    tracking = file_complaint(_stranger(app), cnic=OWNER_CNIC, mobile=STRANGER_MOBILE)
    login_as("helpdesk")
    complaint_id = db.scalars(select(Complaint.id).where(Complaint.tracking_no == tracking)).one()
    page = f"/helpdesk/complaints/{complaint_id}"
    client.get(page)
    assert client.post(f"{page}/contact", data={"mobile": "03331234567"}).status_code == 302
    db.expire_all()
    assert db.get(Complaint, complaint_id).mobile == "03331234567"
    assert db.get(User, owner.id).mobile == OWNER_MOBILE


def test_an_owner_who_tracks_a_complaint_sent_to_their_verified_mobile_sees_it_as_theirs(app, client, login_as, db):
    own_phone = file_complaint(_stranger(app), cnic=OWNER_CNIC, mobile=OWNER_MOBILE)  # before signing up
    other_phone = file_complaint(_stranger(app), cnic=OWNER_CNIC, mobile=STRANGER_MOBILE)
    login_as("citizen", cnic=OWNER_CNIC, mobile=OWNER_MOBILE)
    assert own_phone not in page_text(client.get("/me"))  # not shown until the owner shows it is theirs
    for tracking in (own_phone, other_phone):
        client.get("/complaints/track")
        assert tracking in page_text(client.post("/complaints/track", data={"tracking_no": tracking,
                                                                            "cnic": OWNER_CNIC}))
    text = page_text(client.get("/me"))
    assert own_phone in text and other_phone not in text
    assert db.scalars(select(AuditEntry.outcome).where(AuditEntry.action == "complaint.claim")).all() == [own_phone]
