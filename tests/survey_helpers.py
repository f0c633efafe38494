"""Filling the questionnaire through the test client, as an enumerator's phone would."""
from __future__ import annotations

import re

HEAD = {"name": "Akram Ali", "relation": "head", "sex": "male", "dob": "1980-05-01", "cnic": "35202-7777777-1",
        "marital_status": "married", "disability": "none", "chronic_illness": "no", "can_read": "yes",
        "education": "matric", "occupation": "driver", "employment": "daily_wage", "monthly_income": "30000"}
HOUSING = {"tenure": "owned", "rooms": "3", "roof": "rcc", "walls": "burnt_brick", "toilet": "flush_pit",
           "water": "hand_pump", "electricity": "grid", "cooking_fuel": "lpg"}
ASSETS = {"assets": ["tv", "motorcycle"], "land_acres": "1.5", "cattle": "2", "buffalo": "0", "goats_sheep": "3"}
INCOME = {"main_income_source": "wages", "monthly_income": "35000", "has_bank_account": "no",
          "bisp_beneficiary": "yes", "receives_remittances": "no"}


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html) or re.search(
        rf'id="{name}" name="{name}" type="hidden" value="([^"]*)"', html)
    assert match, f"no hidden {name}"
    return match.group(1)


def form_of(client, url: str) -> tuple[str, dict]:
    """GET a section; return its HTML and the hidden fields a save must carry (CSRF, version, key)."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    html = response.get_data(as_text=True)
    return html, {"csrf_token": hidden(html, "csrf_token"), "version": hidden(html, "version"),
                  "idempotency_key": hidden(html, "idempotency_key")}


def first_tehsil(html: str) -> str:
    return re.search(r'<option value="(TSL-[^"]+)"', html).group(1)


def start_household(client, head_cnic="35202-7777777-1") -> str:
    html = client.get("/enumerator/").get_data(as_text=True)
    response = client.client.post("/enumerator/households",
                                  data={"head_cnic": head_cnic, "csrf_token": hidden(html, "csrf_token")})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response.headers["Location"].rsplit("/", 1)[0]  # /enumerator/households/<id>


def fill_all(client, base: str, members=(HEAD,)) -> None:
    html, hidden_fields = form_of(client, f"{base}/consent")
    data = {**hidden_fields, "consent_given": "yes", "tehsil": first_tehsil(html), "union_council": "UC 12",
            "village": "Mozang", "address": "House 5, Street 2"}
    assert client.client.post(f"{base}/consent", data=data).status_code == 302
    for member in members:
        _, hidden_fields = form_of(client, f"{base}/members")
        response = client.client.post(f"{base}/members", data={**hidden_fields, **member})
        assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    for section, answers in (("housing", HOUSING), ("assets", ASSETS), ("income", INCOME)):
        _, hidden_fields = form_of(client, f"{base}/{section}")
        response = client.client.post(f"{base}/{section}", data={**hidden_fields, **answers})
        assert response.status_code == 302, (section, response.get_data(as_text=True)[-3000:])
