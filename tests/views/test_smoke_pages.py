"""Every public page answers in Urdu by default, with a title and right-to-left layout."""
import pytest


@pytest.mark.parametrize("path", ["/", "/register", "/status", "/login"])
def test_public_page_is_urdu_and_rtl_by_default(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="ur" dir="rtl">' in html
    assert "<title>" in html and "</title>" in html
