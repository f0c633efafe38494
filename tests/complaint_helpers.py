"""Filing complaints through the test client, as a citizen's phone would."""
from __future__ import annotations

import re

COMPLAINT = {"cnic": "35202-1234567-1", "mobile": "03001234567", "category": "not_surveyed", "district": "DST-LHR",
             "description": "Nobody came to survey our house in Mozang, Lahore."}


def file_complaint(client, **overrides) -> str:
    """File one; return its tracking number."""
    html = client.get("/complaints/new").get_data(as_text=True)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)
    response = client.post("/complaints/new", data={**COMPLAINT, **overrides, "idempotency_key": key})
    assert response.status_code == 200, response.get_data(as_text=True)[-2000:]
    return re.search(r"PSER-C-\d{4}-\d{6}", response.get_data(as_text=True)).group(0)
