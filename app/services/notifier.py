"""Messages to citizens in their own language: translated with the portal's catalogues (no Flask, so a job
or a test sends them as a request does) and queued in the SMS outbox within the caller's transaction."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from babel.support import NullTranslations, Translations
from sqlalchemy.orm import Session

from ..models import SmsMessage
from .sms import send_sms

DEFAULT_LOCALE = "ur"


class SmsNotifier:
    def __init__(self, backend: str, translation_directories: Sequence[str]):
        self.backend = backend
        self._directories = tuple(translation_directories)
        self._catalogues: dict[str, NullTranslations] = {}

    def _catalogue(self, locale: str) -> NullTranslations:
        catalogue = self._catalogues.get(locale)
        if catalogue is None:
            found = [t for d in self._directories if isinstance(t := Translations.load(d, [locale]), Translations)]
            catalogue = found[0] if found else NullTranslations()
            for more in found[1:]:
                catalogue.merge(more)
            self._catalogues[locale] = catalogue
        return catalogue

    def translate(self, message: str, locale: str | None, **params: Any) -> str:
        text = self._catalogue(locale or DEFAULT_LOCALE).gettext(message)
        return text % params if params else text

    def send_sms(self, session: Session, to_mobile: str, message: str, *, locale: str | None, purpose: str,
                 **params: Any) -> SmsMessage:
        return send_sms(session, to_mobile, self.translate(message, locale, **params), purpose, backend=self.backend)
