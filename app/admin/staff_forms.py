"""Forms of /admin/staff and /admin/schedules, with messages in the user's language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..domain.schedules import MAX_MESSAGE
from ..forms_common import CnicField, MobileField, PersonName, strip_filter

ROLE_LABELS = {"enumerator": _l("Enumerator"), "supervisor": _l("Supervisor"), "helpdesk": _l("Helpdesk agent"),
               "admin": _l("Administrator")}


class DayField(DateField):
    """A date from the browser's date picker (YYYY-MM-DD), refused in the user's language."""

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(_l("Enter a date as day, month and year.")) from None


class StaffForm(FlaskForm):
    full_name = StringField(_l("Full name"), filters=[strip_filter],
                            validators=[DataRequired(message=_l("Enter the name.")),
                                        Length(max=100, message=_l("A name can have at most %(n)s characters.", n=100)),
                                        PersonName()], render_kw={"maxlength": 100, "autocomplete": "off"})
    cnic = CnicField(_l("CNIC number"))
    mobile = MobileField(_l("Mobile number"), validators=[Optional()])
    role = SelectField(_l("Role"), choices=[SelectChoice(k, v) for k, v in ROLE_LABELS.items()], validate_choice=False)
    # A supervisor may oversee several areas; the others choose one. The first chosen is the primary one.
    areas = SelectMultipleField(_l("Areas (a division, district or tehsil; several only for a supervisor)"),
                                validate_choice=False, render_kw={"size": 8})

    def validate_role(self, field) -> None:
        from wtforms.validators import ValidationError

        if field.data not in ROLE_LABELS:
            raise ValidationError(_l("Choose a role from the list."))


class StaffEditForm(StaffForm):
    cnic = None  # the CNIC identifies the account: it is not edited


class PasswordResetForm(FlaskForm):
    delivery = RadioField(_l("How should the staff member get the one-time password?"),
                          choices=[SelectChoice("show", _l("Show it to me once, on this page")),
                                   SelectChoice("sms", _l("Send it by SMS to the staff member's mobile"))],
                          default="show",
                          validate_choice=False)


class ActionForm(FlaskForm):
    """Deactivate or reactivate: only the CSRF token."""


def _in_language(field_class, label, required_message, lang: str, max_length: int, **render):
    """A text written once in Urdu and once in English: each its own field, typed in its own direction."""
    return field_class(label, filters=[strip_filter],
                       validators=[DataRequired(message=required_message),
                                   Length(max=max_length, message=_l("At most %(n)s characters.", n=max_length))],
                       render_kw={"dir": "rtl" if lang == "ur" else "ltr", "lang": lang, "maxlength": max_length,
                                  **render})


class ScheduleForm(FlaskForm):
    area = SelectField(_l("District or tehsil"), validate_choice=False)
    starts_on = DayField(_l("First day of the survey"), validators=[InputRequired(message=_l("Enter a date."))])
    ends_on = DayField(_l("Last day of the survey"), validators=[InputRequired(message=_l("Enter a date."))])
    message_ur = _in_language(TextAreaField, _l("Message to citizens in Urdu"), _l("Write the message in Urdu."), "ur",
                              MAX_MESSAGE, rows=3)
    message_en = _in_language(TextAreaField, _l("Message to citizens in English"), _l("Write the message in English."),
                              "en", MAX_MESSAGE, rows=3)


class AnnouncementForm(FlaskForm):
    title_ur = _in_language(StringField, _l("Title in Urdu"), _l("Write the title in Urdu."), "ur", 120)
    title_en = _in_language(StringField, _l("Title in English"), _l("Write the title in English."), "en", 120)
    body_ur = _in_language(TextAreaField, _l("Text in Urdu"), _l("Write the text in Urdu."), "ur", MAX_MESSAGE, rows=3)
    body_en = _in_language(TextAreaField, _l("Text in English"), _l("Write the text in English."), "en", MAX_MESSAGE,
                           rows=3)
    # Named apart from the schedule form's dates: both forms stand on one page, and ids must not repeat.
    show_from = DayField(_l("Show from"), validators=[InputRequired(message=_l("Enter a date."))])
    show_until = DayField(_l("Show until"), validators=[InputRequired(message=_l("Enter a date."))])
