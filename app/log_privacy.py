"""The last guard before a log line is written: CNICs, mobile numbers, password hashes and the values a
database quotes in its own error text (PostgreSQL's "Key (cnic)=(…) already exists", "Failing row contains
(…)") are masked in every record's message and traceback. Engines already hide bound parameters
(app.database); this catches what a server or a library puts into an error message."""
from __future__ import annotations

import logging
import re
import threading

_REDACTIONS = (
    # PostgreSQL's DETAIL lines quote the row or the key that broke a constraint.
    (re.compile(r"(Key \([^)]*\)=\().*?(\)(?: already exists| is not present| conflicts)?)"), r"\1…\2"),
    (re.compile(r"(Failing row contains \().*(\))"), r"\1…\2"),
    # Password hashes (werkzeug's method$salt$hash, argon2/bcrypt's $id$…).
    (re.compile(r"\b(?:pbkdf2|scrypt)(?::[\w:]+)?\$[^\s'\",)]+"), "[password hash]"),
    (re.compile(r"\$(?:argon2\w*|2[aby])\$[^\s'\",)]+"), "[password hash]"),
    # A CNIC, with or without dashes; a Pakistani mobile in any of its written forms.
    (re.compile(r"(?<![\d*])\d{5}-?\d{7}-?\d(?![\d*])"), "[CNIC]"),
    (re.compile(r"(?<![\d*])(?:\+?92|0)3\d{2}[- ]?\d{7}(?![\d*])"), "[mobile]"),
)


def redact(text: str) -> str:
    for pattern, replacement in _REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


_formatter = logging.Formatter()
_installed = False
_lock = threading.Lock()


def install() -> None:
    """Mask personal data in every log record this process makes, whatever handler writes it (once)."""
    global _installed
    with _lock:
        if _installed:
            return
        make_record = logging.getLogRecordFactory()

        def private_record(*args, **kwargs) -> logging.LogRecord:
            record = make_record(*args, **kwargs)
            try:
                message = record.getMessage()
            except Exception:  # noqa: BLE001 - a malformed record is the logging module's to report
                return record
            record.msg, record.args = redact(message), None
            if record.exc_info and record.exc_info[0] is not None:
                record.exc_text = redact(_formatter.formatException(record.exc_info))
            if record.stack_info:
                record.stack_info = redact(record.stack_info)
            return record

        logging.setLogRecordFactory(private_record)
        _installed = True
