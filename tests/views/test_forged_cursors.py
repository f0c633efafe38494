"""A forged page cursor holding numbers past the database's integer, or times at the ends of the calendar,
answers with the page-link message, never a 500 (PostgreSQL refused them as out of range)."""
from __future__ import annotations

import base64
import json

import pytest


def forged(*values) -> str:
    return base64.urlsafe_b64encode(json.dumps(["a", *values]).encode()).decode().rstrip("=")


EDGE_TIMES = ["2026-01-01T00:00:00+00:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]


@pytest.mark.parametrize("number", [1, 2**31, 2**62, -(2**40)])
@pytest.mark.parametrize("moment", EDGE_TIMES)
def test_a_forged_cursor_with_a_giant_number_or_time_is_no_500(client, login_as, number, moment):
    login_as("admin", area="Lahore")
    for path, values in (("/helpdesk/", (moment, number)), ("/admin/", (number,)),
                         ("/supervisor/", (moment, number)), ("/supervisor/queue", (moment, number)),
                         ("/enumerator/", (False, moment, number))):
        response = client.get(path, query_string={"cursor": forged(*values)})
        assert response.status_code < 500, (path, values, response.status_code)
        if number != 1 and moment == EDGE_TIMES[0]:
            assert response.status_code == 400, (path, values)
