"""Back-checks in the browser: the assigned enumerator finds the re-visit on their home page and fills the
short form without seeing the first answers; the supervisor reads discrepancies and each enumerator's figures
for their area, in Urdu or English, with small counts hidden; each look is audited."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from app.domain.roles import Role
from app.models import AuditEntry, BackCheck, User
from app.models.base import utcnow
from app.services import back_checks
from app.services.context import ServiceContext
from tests.backcheck_helpers import approve, surveyed
from tests.conftest import PASSWORD, Browserish
from tests.factories import make_user
from tests.helpers import english, urdu
from tests.views.test_every_page_in_urdu import english_words

FIRST_VISIT = {"rooms": 7, "roof": "wood_bamboo", "walls": "stone", "toilet": "dry_pit", "water": "well"}
REVISIT = {"head_name": "Akram Ali", "member_count": "1", "rooms": "۷", "roof": "wood_bamboo", "walls": "mud_brick",
           "toilet": "dry_pit", "water": "well"}


def sign_in(app, user) -> Browserish:
    browser = Browserish(app.test_client())
    browser.get("/login")
    assert browser.post("/login", data={"cnic": user.cnic, "password": PASSWORD}).status_code == 302
    return browser


def english_browser(browser: Browserish) -> Browserish:
    browser.get("/lang/en")
    return browser


def drawn(app, db, *, households=1, done=0):
    """Households of one Lahore enumerator approved yesterday and drawn; `done` of them re-visited."""
    supervisor = make_user(db, role=Role.SUPERVISOR, area="Lahore", name="Imran Qureshi")
    original = make_user(db, role=Role.ENUMERATOR, area="Lahore", name="Sana Tariq")
    revisitor = make_user(db, role=Role.ENUMERATOR, area="Lahore", name="Bilal Ahmed")
    for i in range(households * 20):
        at = utcnow() - timedelta(days=1, minutes=i)
        household = surveyed(db, original, started=at - timedelta(minutes=50), submitted=at - timedelta(minutes=20),
                             members=[{"name": "Akram Ali", "relation": "head", "sex": "male", "marital_status": "married"}],
                             village="Mozang", **FIRST_VISIT)
        approve(db, household, supervisor, at=at)
    db.commit()
    ctx = ServiceContext.from_config(app.config)
    back_checks.draw(db, ctx, seed=21)
    for back_check in back_checks.assigned_to(db, revisitor)[:done]:
        back_checks.save_revisit(db, ctx, back_check, {**FIRST_VISIT, "head_name": "Akram Ali", "member_count": 1,
                                                       "walls": "mud_brick"}, actor=revisitor)
    back_checks.refresh_enumerator_figures(db, ctx)  # as the daily draw job does
    db.commit()
    return supervisor, original, revisitor


def test_the_assigned_enumerator_sees_the_back_check_on_their_home_page_and_opens_it_blind(app, db):
    _supervisor, _original, revisitor = drawn(app, db)
    browser = sign_in(app, revisitor)

    home = browser.get("/enumerator/").get_data(as_text=True)
    assert urdu(app, "Back-check visits for you") in home
    back_check_id = db.scalars(select(BackCheck.id)).one()
    assert f"/enumerator/backchecks/{back_check_id}" in home

    page = browser.get(f"/enumerator/backchecks/{back_check_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'dir="rtl"' in html
    assert "Mozang" in html  # where to go
    assert "Akram" not in html and 'value="7"' not in html and "selected" not in html  # never the first answers
    for name in ("head_name", "member_count", "rooms", "roof", "walls", "toilet", "water"):
        assert f'name="{name}"' in html
    assert 'name="monthly_income"' not in html
    assert english_words(html) == []
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "backcheck.open")) is not None


def test_saving_the_re_visit_compares_it_and_shows_it_done(app, db):
    _supervisor, _original, revisitor = drawn(app, db)
    browser = sign_in(app, revisitor)
    back_check_id = db.scalars(select(BackCheck.id)).one()
    browser.get(f"/enumerator/backchecks/{back_check_id}")

    response = browser.post(f"/enumerator/backchecks/{back_check_id}", data=REVISIT)

    assert response.status_code == 302
    back_check = db.get(BackCheck, back_check_id)
    assert back_check.state == "done" and back_check.answers["rooms"] == 7
    assert [r.question_key for r in back_check.results if not r.agrees] == ["walls"]
    done = browser.get(f"/enumerator/backchecks/{back_check_id}").get_data(as_text=True)
    assert urdu(app, "This back-check is done. Thank you.") in done
    assert urdu(app, "Back-check visits for you") in browser.get("/enumerator/").get_data(as_text=True)
    assert f"/enumerator/backchecks/{back_check_id}" not in browser.get("/enumerator/").get_data(as_text=True)


def test_a_re_visit_by_htmx_redirects_and_bad_input_answers_422_with_the_form(app, db):
    _supervisor, _original, revisitor = drawn(app, db)
    browser = english_browser(sign_in(app, revisitor))
    back_check_id = db.scalars(select(BackCheck.id)).one()
    url = f"/enumerator/backchecks/{back_check_id}"
    browser.get(url)

    bad = browser.post(url, data={**REVISIT, "rooms": "many", "roof": "palace"}, htmx=True)
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "<html" not in html and 'id="back-check-form"' in html
    assert english(app, "Enter a number, for example 3.") in html
    assert bad.vary and "HX-Request" in bad.headers["Vary"]
    plain = browser.post(url, data={**REVISIT, "member_count": ""})
    assert plain.status_code == 422 and "<html" in plain.get_data(as_text=True)
    assert db.get(BackCheck, back_check_id).state == "assigned"

    good = browser.post(url, data=REVISIT, htmx=True)
    assert good.status_code == 204 and good.headers["HX-Redirect"].endswith(url)


def test_nobody_but_the_assigned_enumerator_opens_a_back_check(app, db):
    supervisor, original, _revisitor = drawn(app, db)
    back_check_id = db.scalars(select(BackCheck.id)).one()
    assert sign_in(app, original).get(f"/enumerator/backchecks/{back_check_id}").status_code == 404
    assert sign_in(app, supervisor).get(f"/enumerator/backchecks/{back_check_id}").status_code == 403
    assert sign_in(app, original).get("/supervisor/backchecks").status_code == 403
    assert sign_in(app, original).get("/supervisor/enumerators").status_code == 403


def test_the_supervisor_reads_discrepancies_per_enumerator_and_question_in_urdu(app, db):
    supervisor, _original, _revisitor = drawn(app, db, households=5, done=5)
    browser = sign_in(app, supervisor)

    response = browser.get("/supervisor/backchecks")

    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'dir="rtl"' in html
    assert urdu(app, "Discrepancy rate per enumerator") in html
    assert html.count("<svg") == 2 and "<rect" in html
    assert "Sana Tariq" in html
    walls = urdu(app, "Walls")
    assert re.search(rf"{walls}</th><td>5</td>\s*<td>100</td>", html)
    assert english_words(html) == []
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "backcheck.report")) is not None


def test_fewer_than_five_back_checks_show_no_rate_and_htmx_gets_the_report_block(app, db):
    supervisor, _original, _revisitor = drawn(app, db, households=4, done=4)
    browser = english_browser(sign_in(app, supervisor))

    full = browser.get("/supervisor/backchecks").get_data(as_text=True)
    assert "fewer than 5 surveys" in full and "<rect" not in full
    block = browser.get("/supervisor/backchecks", headers={"HX-Request": "true"})
    assert "<html" not in block.get_data(as_text=True) and 'id="back-check-report"' in block.get_data(as_text=True)
    assert "HX-Request" in block.headers["Vary"]


def test_the_supervisor_sees_each_enumerators_figures_with_small_counts_hidden(app, db):
    supervisor, original, revisitor = drawn(app, db, households=1)
    browser = english_browser(sign_in(app, supervisor))

    response = browser.get("/supervisor/enumerators")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    row = re.search(r"Sana Tariq</bdi></th><td>20</td>(.*?)</tr>", html, re.S).group(1)
    cells = re.findall(r"<td>(.*?)</td>", row)
    assert cells[:4] == ["20", "30", "0", "0"]  # 20 surveys on one day; 30 minutes each; no flags, no returns
    assert cells[4] == "fewer than 5 surveys"  # one back-check drawn, none done
    newcomer = re.search(r"Bilal Ahmed</bdi></th><td>0</td>(.*?)</tr>", html, re.S).group(1)
    assert newcomer.count("fewer than 5 surveys") == 5
    assert "<svg" in html
    assert "HX-Request" in response.headers["Vary"]
    block = browser.get("/supervisor/enumerators", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in block and "Sana Tariq" in block
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "enumerator.quality")) is not None


def test_a_supervisor_of_another_district_sees_none_of_lahores_enumerators(app, db):
    drawn(app, db, households=1)
    multan = make_user(db, role=Role.SUPERVISOR, area="Multan")
    db.commit()
    browser = english_browser(sign_in(app, multan))
    assert "Sana Tariq" not in browser.get("/supervisor/enumerators").get_data(as_text=True)
    assert "Sana Tariq" not in browser.get("/supervisor/backchecks").get_data(as_text=True)
    admin = make_user(db, role=Role.ADMIN)
    db.commit()
    assert "Sana Tariq" in english_browser(sign_in(app, admin)).get("/supervisor/enumerators").get_data(as_text=True)


def test_the_supervisors_home_links_to_the_quality_pages(app, db):
    supervisor = make_user(db, role=Role.SUPERVISOR, area="Lahore")
    db.commit()
    html = sign_in(app, supervisor).get("/supervisor/").get_data(as_text=True)
    assert "/supervisor/backchecks" in html and "/supervisor/enumerators" in html
    assert db.get(User, supervisor.id) is not None


def test_the_enumerators_back_check_list_answers_a_page_or_its_section(app, db):
    _supervisor, _original, revisitor = drawn(app, db)
    browser = sign_in(app, revisitor)
    back_check_id = db.scalars(select(BackCheck.id)).one()
    page = browser.get("/enumerator/backchecks")
    assert page.status_code == 200 and "<title>" in page.get_data(as_text=True)
    section = browser.get("/enumerator/backchecks", headers={"HX-Request": "true"})
    html = section.get_data(as_text=True)
    assert "<html" not in html and f"/enumerator/backchecks/{back_check_id}" in html
    assert "HX-Request" in section.headers["Vary"]
