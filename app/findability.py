"""What search engines may find: the public pages (indexable, described in Urdu and English, listed in
/sitemap.xml with their English alternates at `?lang=en`) and nothing else. Every other HTML answer (signed-in
pages, result pages, errors, forms' answers) carries `noindex` and `no-store`, decided here in one place so
that no new page can forget.

Search engines do not keep cookies, so the English version of a public page needs a URL of its own: the
`lang` query parameter (`/register?lang=en`) picks the language of that one answer (app.i18n) without
setting the visitor's cookie; `/lang/en` remains the visitor's switch."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, Response, current_app, render_template, request
from flask_babel import gettext, lazy_gettext as _l

# Path → what the page offers, shown to search engines (<meta name="description">) in the page's language.
# /stats (public statistics) is another issue's page: listed here so that it is findable once it exists.
PUBLIC_PAGES: dict[str, object] = {
    "/": _l("Punjab Socio-Economic Registry: register your household, check your registration status, and file "
            "or track a complaint, in Urdu or English."),
    "/register": _l("Register your household with the Punjab Socio-Economic Registry with your CNIC and mobile "
                    "number."),
    "/status": _l("Check the status of your registration with the Punjab Socio-Economic Registry with your "
                  "CNIC."),
    "/complaints/new": _l("File a complaint with the Punjab Socio-Economic Registry: not surveyed, wrong "
                          "information, or a benefit not received."),
    "/complaints/track": _l("Track your complaint to the Punjab Socio-Economic Registry with its tracking number "
                            "and your CNIC."),
    "/stats": _l("Statistics of the Punjab Socio-Economic Registry: households registered and surveyed by "
                 "district."),
}
LANGUAGE_PARAMETER = "lang"


def is_indexable() -> bool:
    """This answer is a public page as anyone sees it: a GET of a public path, with no query but the language,
    answered 200 (a result, an error or a redirect is not)."""
    if request.method not in ("GET", "HEAD") or request.path not in PUBLIC_PAGES:
        return False
    return set(request.args) <= {LANGUAGE_PARAMETER}


def page_description() -> str:
    text = PUBLIC_PAGES.get(request.path)
    return str(text) if text is not None else gettext(
        "Register your household with the Punjab Socio-Economic Registry and check your status.")


def language_url(path: str, language: str) -> str:
    """The address of a public page in one language, as search engines should list it (Urdu is the default)."""
    base = request.host_url.rstrip("/") + path
    return base if language == current_app.config["BABEL_DEFAULT_LOCALE"] else f"{base}?{LANGUAGE_PARAMETER}={language}"


def path_without_language() -> str:
    """This page's path and query without `lang`, for the language switch to return to (else it would come
    back to the language the query names)."""
    args = [(key, value) for key, value in request.args.items(multi=True) if key != LANGUAGE_PARAMETER]
    return request.path + (f"?{urlencode(args)}" if args else "")


def init_findability(app: Flask) -> None:
    app.jinja_env.globals.update(is_indexable=is_indexable, page_description=page_description,
                                 language_url=language_url, path_without_language=path_without_language)

    @app.after_request
    def keep_private_pages_out_of_search_and_caches(response: Response) -> Response:
        if response.mimetype != "text/html":
            return response
        if response.status_code == 200 and is_indexable():
            return response
        # The header covers fragments and pages whose template has no <head> of ours; the meta tag (base.html)
        # says the same in the page.
        response.headers["X-Robots-Tag"] = "noindex"
        response.headers["Cache-Control"] = "no-store"
        return response


def robots_txt() -> str:
    allowed = "".join(f"Allow: {path}$\nAllow: {path}?{LANGUAGE_PARAMETER}=\n" for path in PUBLIC_PAGES)
    return (
        "# The public pages are for everyone; what is behind sign-in, and every answer about a person, is not.\n"
        "User-agent: *\n"
        f"{allowed}"
        "Allow: /stats/\nAllow: /stats.json\nAllow: /static/\nAllow: /sitemap.xml$\n"
        "Disallow: /me\nDisallow: /enumerator/\nDisallow: /supervisor/\nDisallow: /helpdesk/\nDisallow: /admin/\n"
        "Disallow: /login\nDisallow: /verify\nDisallow: /password/\nDisallow: /lang/\n"
        "Disallow: /\n"
        f"\nSitemap: {request.host_url}sitemap.xml\n"
    )


def sitemap_xml() -> str:
    return render_template("public/sitemap.xml", paths=list(PUBLIC_PAGES),
                           languages=current_app.config["LANGUAGES"])
