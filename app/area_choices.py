"""Choice lists of areas for forms, named in the user's language."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from wtforms.fields.choices import SelectChoice

from .i18n import current_language
from .models import Area


def district_of(area: Area | None) -> Area | None:
    while area is not None and area.level == "tehsil":
        area = area.parent
    return area if area is not None and area.level == "district" else None


def tehsil_choices(session: Session, district: Area | None = None) -> list[SelectChoice]:
    """The tehsils of one district; or all 156 of Punjab, grouped by district, when it is not known."""
    lang = current_language()
    if district is not None:
        tehsils = sorted((a for a in district.children if a.level == "tehsil"), key=lambda a: a.name_en)
        options = [SelectChoice(a.code, a.name(lang)) for a in tehsils]
    else:
        tehsils = session.scalars(select(Area).where(Area.level == "tehsil").options(selectinload(Area.parent))).all()
        options = [SelectChoice(a.code, a.name(lang), optgroup=a.parent.name(lang))
                   for a in sorted(tehsils, key=lambda a: (a.parent.name_en, a.name_en))]
    return [SelectChoice("", _("Choose"))] + options
