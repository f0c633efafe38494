"""The back-check's short form, made from the question catalogue's back-check questions (catalogue.BACK_CHECK),
as the questionnaire's section forms are."""
from __future__ import annotations

from ..domain.catalogue import BACK_CHECK
from ..survey.forms import CatalogueForm, question_field

BackCheckForm = type("BackCheckForm", (CatalogueForm,),
                     {**{q.field_name: question_field(q) for q in BACK_CHECK},
                      "questions": {q.field_name: q for q in BACK_CHECK}})
