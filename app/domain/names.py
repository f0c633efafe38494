"""A person's name as typed: letters a reader can see, in any script, on one line, without direction tricks.

Urdu names legitimately hold the zero-width non-joiner (U+200C) and joiner (U+200D) between letters, so
invisible characters are not refused one by one; a name must hold letters, and must not hold line breaks,
control characters or the bidirectional embeddings, overrides and isolates that make text display in
another order than it is stored (U+202A–U+202E, U+2066–U+2069)."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .input_errors import InputError

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x85\u2028\u2029")
# Letters by Unicode's category that draw nothing (Hangul fillers): they do not make a name visible.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")
MIN_LETTERS = 2


class PersonNameError(InputError):
    """Why a text is not a name: empty, invisible, lines or bidi (a code for a translated message)."""


def _is_control(char: str) -> bool:
    return unicodedata.category(char) == "Cc"


def name_problem(text: str | None, min_letters: int = MIN_LETTERS) -> str | None:
    """None when `text` can be a person's name, else a code: "empty", "lines", "bidi", "control" or "invisible"."""
    text = (text or "").strip()
    if not text:
        return "empty"
    if any(c in _LINE_BREAKS for c in text):
        return "lines"
    if any(c in BIDI_CONTROLS for c in text):
        return "bidi"
    if any(_is_control(c) for c in text):
        return "control"
    letters = sum(1 for c in text if unicodedata.category(c).startswith("L") and c not in _BLANK_LETTERS)
    if letters < min_letters:
        return "invisible"
    return None


def check_name(text: str | None, min_letters: int = MIN_LETTERS) -> str:
    """The name with its spaces tidied (runs of spaces become one); raises PersonNameError with the problem's code."""
    problem = name_problem(text, min_letters)
    if problem:
        raise PersonNameError(problem)
    return re.sub(r"\s+", " ", (text or "").strip())


def displayable(text: str | None) -> str:
    """`text` with controls, line breaks and bidi controls removed: safe to show back in a form."""
    return "".join(c for c in (text or "") if c not in BIDI_CONTROLS and c not in _LINE_BREAKS and not _is_control(c))


# --- matching: one form of a name for comparing, in either script -----------------------------------------
#
# Three steps, each plain and testable:
#   normalise_name  the same script, tidied: Latin lower-case without accents or punctuation, spelling
#                   variants brought to one form (Mohd, Mohammed → muhammad); Urdu without harakat, tatweel or
#                   joiners, Arabic letter forms brought to Urdu's (ي → ی, ك → ک, أ → ا); titles and the
#                   "bibi"/"begum" suffixes dropped.
#   name_tokens     the normalised words.
#   name_key        a phonetic skeleton in a small Latin alphabet that both scripts reach: Urdu is
#                   transliterated letter by letter, Latin spellings are read as sounds (sh, kh, ch, q/k, v/w),
#                   then every vowel, semi-vowel (w, y) and h after a word's first sound is dropped and doubled
#                   sounds are written once, because Urdu does not write short vowels and Latin spellings
#                   disagree on exactly those. "Muhammad Ali", "Mohd. Ali" and "محمد علی" all give "mhmd al".
#
# Titles and honorifics are dropped on both sides (they are written one time and left out the next): bibi, bi,
# begum, mai-less forms of address (mst, musammat, mr, mrs, ms, miss), sahib/sahiba, haji, hafiz, dr, and
# syed/syeda (a title of descent that families write inconsistently); "s/o", "d/o", "w/o" and
# ولد / دختر / زوجہ / بنت in a father's or husband's name. "Muhammad" is kept: it is part of the name, but the
# comparison (domain.duplicates) also compares the names without it, since it is often left out.

_LATIN_VARIANTS = {
    "muhammad": ("mohammad", "muhammed", "mohammed", "mohamad", "muhamad", "mohamed", "muhamed", "mohd", "md",
                 "mhd", "muhmmad", "mohammd", "muhammud", "mohammod", "muhmd", "mohmmad", "mohamd"),
    "ahmad": ("ahmed", "ahmd", "ehmad", "ehmed"),
    "hussain": ("husain", "hussein", "husein", "hussian", "husayn", "hossain", "hussan"),
    "hassan": ("hasan", "hasen"),
    "fatima": ("fatma", "fatimah", "fatema", "fathima"),
    "khan": ("khaan", "kahn"),
    "ayesha": ("aisha", "ayisha", "aysha", "aeysha", "ayesh", "aishah", "ayeshah"),
    "zainab": ("zenab", "zaynab", "zainub"),
    "usman": ("osman", "uthman", "othman", "usmaan"),
    "umar": ("omar", "omer", "umer"),
    "yousaf": ("yusuf", "yousuf", "yousef", "yusef", "yosuf", "yousif"),
    "ali": ("aly", "alee"),
    "abdul": ("abdel", "abdal", "abdool", "abdur", "abdus", "abdun"),
    "rahman": ("rehman", "rahmaan", "rehmaan", "rahmān"),
    "noor": ("nur", "noer"),
    "chaudhry": ("chaudhary", "choudhry", "choudhary", "chaudhri", "chohdry", "chaudry", "chaudhari", "ch"),
    "sheikh": ("shaikh", "shiekh", "shaykh", "shaikh"),
    "qureshi": ("qurashi", "koreshi", "qureishi", "quraishi"),
    "ghulam": ("gulam", "golam"),
    "maryam": ("mariam", "mariyam", "meryam"),
    "javed": ("javaid", "jawed", "javid", "jawaid"),
    "tariq": ("tarik", "tareq", "tarique"),
    "ibrahim": ("ebrahim", "ibraheem"),
    "ismail": ("ismael", "esmail"),
}
LATIN_SPELLINGS = {variant: canonical for canonical, variants in _LATIN_VARIANTS.items() for variant in variants}
# Dropped wherever they stand (decided above).
LATIN_TITLES = frozenset({"bibi", "bi", "begum", "begam", "mst", "musammat", "mussammat", "musamat", "mrs", "mr",
                          "ms", "miss", "sahib", "sahab", "sahiba", "haji", "hajji", "hafiz", "dr", "syed",
                          "sayed", "sayyid", "syeda", "sayyida"})

# Harakat and Quranic marks (U+064B–U+065F), the superscript alef (U+0670), tatweel (U+0640), and the
# invisible joiners and marks: none changes which name it is.
_URDU_MARKS = frozenset({*map(chr, range(0x064B, 0x0660)), "\u0670", "\u0640", "\u200d", "\u200b", "\u200e",
                         "\u200f", "\u2060", "\ufeff", "\u06e1", "\u06e4", "\u06ea", "\u06ed"})
_ZWNJ = "\u200c"  # written between two words that should not join: a word break without a space
_URDU_LETTERS = str.maketrans({
    "ي": "ی", "ى": "ی", "ې": "ی", "ۍ": "ی", "ے": "ی", "ئ": "ی", "ك": "ک", "ڪ": "ک", "ه": "ہ", "ۀ": "ہ", "ة": "ہ",
    "ۃ": "ہ", "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ؤ": "و", "ۓ": "ی",
    # Arabic-script punctuation that separates words
    "،": " ", "؛": " ", "۔": " ", "٫": " ", "٬": " ",
})
_URDU_SPELLINGS = {"محمد": "muhammad"}  # so that the name's key is the Latin spelling's key (see name_key)
URDU_TITLES = frozenset({"بی", "بیبی", "بیگم", "مسماہ", "مسمات", "مسمی", "مسز", "سید", "سیدہ", "حاجی", "حافظ",
                         "ڈاکٹر", "صاحب", "صاحبہ", "ولد", "دختر", "زوجہ", "بنت"})
_RELATION_MARK = re.compile(r"\b[sdw]\s*/\s*o\b")  # s/o, d/o, w/o: "son of" before a father's name


def _is_arabic_script(char: str) -> bool:
    return "\u0600" <= char <= "\u06ff" or "\u0750" <= char <= "\u077f" or "\ufb50" <= char <= "\ufeff"


def normalise_name(text: str | None) -> str:
    """The name tidied for comparing, in the script it was written in (see the notes above)."""
    return " ".join(name_tokens(text))


def name_tokens(text: str | None) -> list[str]:
    """The name's words after normalisation, titles and suffixes dropped, spelling variants unified."""
    text = unicodedata.normalize("NFKC", text or "").replace(_ZWNJ, " ")
    text = "".join(c for c in text if c not in _URDU_MARKS).translate(_URDU_LETTERS)
    # Latin: accents off (NFKD then drop combining marks), lower case; keep Arabic script whole.
    plain = []
    for char in unicodedata.normalize("NFKD", text.casefold()):
        if unicodedata.combining(char) and not _is_arabic_script(char):
            continue
        plain.append(char)
    text = unicodedata.normalize("NFC", "".join(plain))
    text = _RELATION_MARK.sub(" ", text)
    words = re.sub(r"[^\w]+|_", " ", text).split()
    tokens = []
    for word in words:
        if word.isdigit():
            continue
        if any(_is_arabic_script(c) for c in word):
            if word in URDU_TITLES:
                continue
            tokens.append(word)
        else:
            if word in LATIN_TITLES or len(word) == 1:  # a lone initial says too little to compare
                continue
            tokens.append(LATIN_SPELLINGS.get(word, word))
    return tokens


# The skeleton's alphabet: b p t s j h d z r f k g l m n, x (sh), c (ch), q (kh), v (gh); a stands for any
# vowel, y and w for the semi-vowels, and "." for a sound that is never written in the key (aspiration,
# the hamza), all only at a word's start.
_URDU_SOUNDS = {
    "ا": "a", "ب": "b", "پ": "p", "ت": "t", "ٹ": "t", "ث": "s", "ج": "j", "چ": "c", "ح": "h", "خ": "q", "د": "d",
    "ڈ": "d", "ذ": "z", "ر": "r", "ڑ": "r", "ز": "z", "ژ": "z", "س": "s", "ش": "x", "ص": "s", "ض": "z", "ط": "t",
    "ظ": "z", "ع": "a", "غ": "v", "ف": "f", "ق": "k", "ک": "k", "گ": "g", "ل": "l", "م": "m", "ن": "n", "ں": "n",
    "و": "w", "ہ": "h", "ھ": ".", "ء": ".", "ی": "y",
}
_LATIN_DIGRAPHS = (("sh", "x"), ("ch", "c"), ("kh", "q"), ("gh", "v"), ("ph", "p"), ("th", "t"), ("dh", "d"),
                   ("bh", "b"), ("jh", "j"), ("rh", "r"), ("zh", "z"), ("ck", "k"), ("ee", "a"), ("oo", "a"))
_LATIN_SOUNDS = {"a": "a", "e": "a", "i": "a", "o": "a", "u": "a", "y": "y", "w": "w", "v": "w", "q": "k",
                 "c": "k", "k": "k", "x": "k", **{c: c for c in "bdfghjlmnprstz"}}
_SPECIAL_KEYS = {"muhammad": "mhmd"}  # a name so common that its skeleton must not meet Mahmood's ("md")
_DROPPED_AFTER_START = frozenset("aywh.")


def _sounds(token: str) -> list[str]:
    if any(_is_arabic_script(c) for c in token):
        return [_URDU_SOUNDS[c] for c in token if c in _URDU_SOUNDS]
    sounds, i = [], 0
    while i < len(token):
        pair = token[i:i + 2]
        digraph = next((s for d, s in _LATIN_DIGRAPHS if d == pair), None)
        if digraph is not None:
            sounds.append(digraph)
            i += 2
            continue
        sound = _LATIN_SOUNDS.get(token[i])
        if sound:
            sounds.append(sound)
        i += 1
    return sounds


def token_key(token: str) -> str:
    """One word's phonetic skeleton (see the notes above)."""
    token = _URDU_SPELLINGS.get(token, token)
    if token in _SPECIAL_KEYS:
        return _SPECIAL_KEYS[token]
    sounds = _sounds(token)
    if not sounds:
        return ""
    first = sounds[0] if sounds[0] != "." else "a"
    rest = [s for s in sounds[1:] if s not in _DROPPED_AFTER_START]
    key = [first]
    for sound in rest:
        if sound != key[-1]:
            key.append(sound)
    return "".join(key)


@lru_cache(maxsize=65536)  # names repeat a great deal: each one's key is worked out once per process
def name_key(text: str | None) -> str:
    """The name's phonetic key, the same from Urdu and from Latin letters: stored with each member
    (household_members.name_key) and compared by trigrams. Empty for a name with nothing to compare."""
    return " ".join(k for k in (token_key(t) for t in name_tokens(text)) if k)


MUHAMMAD_KEY = _SPECIAL_KEYS["muhammad"]


def name_blocks(key: str | None) -> tuple[str | None, str | None]:
    """The two blocks a name is filed under for the duplicate search: the key of its first word that is not
    "Muhammad" (so "Muhammad Bilal" and "Bilal" share a block) and all those words run together (so
    "Abdul Rehman" and عبدالرحمن share one). A name searched for probes both blocks with each of its words
    and its run-together form (probe_keys): two names meet when they share a word's key or are one word
    written apart. Spelling and script differences are already gone in the key, so this misses only a
    name whose every word differs in a consonant."""
    words = [w for w in (key or "").split() if w != MUHAMMAD_KEY] or (key or "").split()
    if not words:
        return None, None
    return words[0][:40], "".join(words)[:60]


def probe_keys(key: str | None) -> tuple[str, ...]:
    """The block values a name looks for: each of its words' keys and its words run together."""
    words = [w for w in (key or "").split() if w != MUHAMMAD_KEY] or (key or "").split()
    if not words:
        return ()
    return tuple(dict.fromkeys([*(w[:40] for w in words), "".join(words)[:60]]))


def key_variants(key: str | None) -> tuple[str, ...]:
    """The whole keys a name may be stored under when it is the same name written more or less fully: as
    it is, with or without "Muhammad" in front, its words run together, and its first word alone (a family
    name left out). The search looks these up exactly where the birth is known only to a few years."""
    if not key:
        return ()
    words = [w for w in key.split() if w != MUHAMMAD_KEY]
    if not words:
        return (key,)
    bare = " ".join(words)
    variants = [key, bare, f"{MUHAMMAD_KEY} {bare}", "".join(words), words[0], f"{MUHAMMAD_KEY} {words[0]}"]
    return tuple(dict.fromkeys(v[:200] for v in variants))
