"""Urdu first: every message of the interface has a real Urdu translation, none fuzzy, placeholders kept."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "translations" / "ur" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s")


def _catalog():
    with PO.open("rb") as handle:
        return read_po(handle)


def test_every_message_in_the_code_is_in_the_urdu_catalogue(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l", "-k", "N_",
         "--no-location", "-o", str(pot), "app", "templates"],
        cwd=ROOT, check=True, capture_output=True,
    )
    with pot.open("rb") as handle:
        extracted = {m.id for m in read_po(handle) if m.id}
    translated = {m.id for m in _catalog() if m.id}
    missing = sorted(str(m) for m in extracted - translated)
    assert missing == [], f"run `flask --app wsgi translate update` and translate: {missing}"


def test_no_message_is_left_empty_or_fuzzy():
    problems = [m.id for m in _catalog() if m.id and (not m.string or m.fuzzy)]
    assert problems == []


def test_translations_keep_every_placeholder_and_are_in_urdu_script():
    for message in _catalog():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            assert set(PLACEHOLDER.findall(ids[-1])) == set(PLACEHOLDER.findall(text)), ids[0]
            assert re.search(r"[\u0600-\u06FF]", text), f"not Urdu: {text!r}"
            # Urdu letters, not their Arabic look-alikes (ي ك ه).
            assert not re.search("[\u064a\u0643\u0647]", text), text


def test_every_question_help_choice_and_section_of_the_catalogue_has_a_real_urdu_translation():
    from app.domain.catalogue import CATALOGUE, SECTION_TITLES

    texts = {("section", key): title for key, title in SECTION_TITLES.items()}
    for question in CATALOGUE:
        texts[(question.key, "label")] = question.label
        if question.help:
            texts[(question.key, "help")] = question.help
        if question.required_message:
            texts[(question.key, "required_message")] = question.required_message
    for choice_list in CATALOGUE.choice_lists.values():
        texts.update({(choice_list.name, choice.key): choice.label for choice in choice_list.choices})
    assert any(kind == "help" for _, kind in texts)
    urdu = {m.id: m.string for m in _catalog() if m.id and not m.fuzzy}
    untranslated = {where: msgid for where, msgid in texts.items()
                    if not urdu.get(msgid) or not re.search(r"[\u0600-\u06FF]", urdu[msgid])}
    assert untranslated == {}
