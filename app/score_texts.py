"""Scores in words on any page: the household's explained score, an indicator's value as staff read it, the
band's name in the reader's language, and the illustrative-model notice. Jinja globals, so the supervisor's
household page and the citizen's /me include the score partials without their views changing."""
from __future__ import annotations

from flask import Flask
from flask_babel import format_decimal
from flask_babel import gettext as _

from .domain.catalogue import CATALOGUE
from .domain.scoring import ASSETS, CHOICE, Line
from .i18n import current_language


def household_score(household):
    """The household's current score explained (services.scoring.explain_household), or None."""
    from .extensions import db
    from .services.scoring import explain_household

    if household is None or getattr(household, "score", None) is None:
        return None
    return explain_household(db.session, household)


def indicator_value(line: Line) -> str:
    """The value an indicator read, in the reader's language: a choice's label, the assets owned, a number."""
    source, value = line.source, line.value
    if value is None:
        return _("Not known")
    if source.kind == CHOICE:
        label = CATALOGUE.choice_list(source.choices).label(value)
        return _(label) if label else str(value)
    if source.kind == ASSETS:
        choices = CATALOGUE.choice_list(source.choices)
        owned = [_(choices.label(key)) for key in choices.keys if key in value]
        return "، ".join(owned) if current_language() == "ur" and owned else (", ".join(owned) or _("None"))
    return format_decimal(value, format="#,##0.##")


def band_name(band) -> str:
    return band.label(current_language()) if band is not None else ""


def score_number(value) -> str:
    return format_decimal(value, format="0.00") if value is not None else ""


def init_score_texts(app: Flask) -> None:
    app.jinja_env.globals.update(household_score=household_score, indicator_value=indicator_value,
                                 band_name=band_name, score_number=score_number)
    _register_more(app)


CITIZEN_REASONS = 3  # the citizen reads the few indicators that held the score down most


def citizen_reasons(explained, household, user) -> list[Line]:
    """What held the household's score down most, for the citizen: never an indicator about one person (the
    head's schooling) unless the reader is that person."""
    if explained is None:
        return []
    is_head = user is not None and getattr(user, "cnic", None) == household.head_cnic
    lines = [line for line in explained.evaluation.lowering() if is_head or not line.source.personal]
    return lines[:CITIZEN_REASONS]


def household_score_history(household):
    from .extensions import db
    from .services.scoring import score_history

    return score_history(db.session, household.id) if household is not None else []


def score_distribution_now(area=None):
    """The dashboard's score distribution (services.scoring.score_distribution), from the read session."""
    from .database import read_session
    from .services.scoring import score_distribution

    return score_distribution(read_session(), area)


def _register_more(app: Flask) -> None:
    app.jinja_env.globals.update(citizen_reasons=citizen_reasons, household_score_history=household_score_history,
                                 score_distribution_now=score_distribution_now,
                                 choice_label=choice_label)


def choice_label(choice_list: str, key: str) -> str:
    label = CATALOGUE.choice_list(choice_list).label(key)
    return _(label) if label else key
