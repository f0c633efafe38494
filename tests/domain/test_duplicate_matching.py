"""Telling whether two members may be one person: names written in Urdu or in Latin letters meet at one
phonetic key; dates of birth within 5 days or with day and month swapped, ages within 2 years; the sex."""
from __future__ import annotations

from datetime import date

import pytest

from app.domain.duplicates import (
    Person,
    ages_match,
    birth_fits,
    compare,
    dates_match,
    is_candidate,
    key_similarity,
    swapped,
    trigram_similarity,
    year_window,
)
from app.domain.names import name_key, name_tokens, normalise_name

TODAY = date(2026, 3, 2)

# The same person's name as typed in Urdu and in Latin letters by two enumerators (names common in Punjab).
SAME_NAME_IN_BOTH_SCRIPTS = [
    ("Muhammad Ali", "محمد علی"), ("Mohd. Ali", "مُحَمَّد عَلی"), ("Fatima Bibi", "فاطمہ بی بی"),
    ("Ayesha Begum", "عائشہ بیگم"), ("Chaudhry Rashid", "چوہدری راشد"), ("Ch. Rashid", "چودھری راشد"),
    ("Hussain", "حسین"), ("Naveed Akhtar", "نوید اختر"), ("Zainab", "زینب"), ("Usman", "عثمان"),
    ("Imran Khan", "عمران خان"), ("Bushra", "بشریٰ"), ("Shahid", "شاہد"), ("Mahmood", "محمود"),
    ("Bhatti", "بھٹی"), ("Ghulam Rasool", "غلام رسول"), ("Nasreen", "نسرین"), ("Qureshi", "قریشی"),
    ("Sheikh", "شیخ"), ("Awan", "اعوان"), ("Javed", "جاوید"), ("Ibrahim", "ابراہیم"), ("Yousaf", "یوسف"),
    ("Saima", "صائمہ"), ("Kiran", "کرن"), ("Maryam", "مریم"), ("Amna", "آمنہ"), ("Hira", "حرا"), ("Sana", "ثناء"),
    ("Razia", "رضیہ"), ("Rubina", "روبینہ"), ("Gill", "گل"), ("Butt", "بٹ"), ("Malik", "ملک"), ("Asif", "آصف"),
    ("Akram", "اکرم"), ("Tariq", "طارق"), ("Faisal", "فیصل"), ("Adeel", "عدیل"), ("Kashif", "کاشف"),
    ("Shazia", "شازیہ"), ("Hamza", "حمزہ"), ("Zubair", "زبیر"), ("Bilal", "بلال"), ("Samina", "ثمینہ"),
    ("Nadia", "نادیہ"), ("Rana", "رانا"), ("Ahmed", "احمد"), ("Fatma", "فاطمہ"), ("Umar Farooq", "عمر فاروق"),
    ("Waseem Akram", "وسیم اکرم"), ("Rasheeda", "رشیدہ"), ("Parveen", "پروین"), ("Shamim Akhtar", "شمیم اختر"),
    ("Allah Ditta", "اللہ دتہ"), ("Khadija", "خدیجہ"), ("Iqbal", "اقبال"), ("Haider", "حیدر"), ("Sajjad", "سجاد"),
    ("Tahir", "طاہر"), ("Riaz", "ریاض"), ("Nazir", "نذیر"), ("Bashir", "بشیر"), ("Sughra Bibi", "صغریٰ بی بی"),
    ("Kulsoom", "کلثوم"), ("Mst. Rehana", "مسماۃ ریحانہ"), ("Syed Ali Raza", "سید علی رضا"),
]


@pytest.mark.parametrize(("latin", "urdu"), SAME_NAME_IN_BOTH_SCRIPTS)
def test_a_name_in_urdu_and_in_latin_letters_has_one_key(latin, urdu):
    assert name_key(latin) == name_key(urdu) != ""


@pytest.mark.parametrize("spelling", ["Muhammad", "Mohammad", "Muhammed", "Mohammed", "Mohd", "Md", "MUHAMMAD",
                                      "Muḥammad", "muhamad", "محمد", "مُحَمَّد", "محمّد", "مـحـمـد"])
def test_every_spelling_of_muhammad_is_one_name(spelling):
    assert name_key(spelling) == name_key("Muhammad") == "mhmd"


@pytest.mark.parametrize(("one", "other"), [
    ("Ahmad", "Ahmed"), ("Hussain", "Husain"), ("Hussain", "Hussein"), ("Fatima", "Fatma"), ("Khan", "Khaan"),
    ("Ayesha", "Aisha"), ("Yousaf", "Yusuf"), ("Umar", "Omar"), ("Abdul Rehman", "Abdul Rahman"),
    ("Chaudhry", "Choudhary"), ("Naveed", "Navid"), ("Waseem", "Wasim"), ("Rasheed", "Rashid"),
])
def test_latin_spelling_variants_meet(one, other):
    assert name_key(one) == name_key(other)


def test_honorifics_and_suffixes_are_dropped_in_both_scripts():
    assert normalise_name("Mst. Fatima  Bibi") == "fatima"
    assert normalise_name("Razia Begum") == "razia"
    assert normalise_name("Syed Ali") == "ali"
    assert normalise_name("فاطمہ بی بی") == "فاطمہ"
    assert normalise_name("رضیہ بیگم") == "رضیہ"
    assert normalise_name("s/o Muhammad Aslam") == normalise_name("S/O  Mohd Aslam") == "muhammad aslam"
    assert normalise_name("ولد محمد اسلم") == "محمد اسلم"


def test_urdu_diacritics_tatweel_joiners_and_arabic_letters_are_unified():
    # harakat, the superscript alef, tatweel, the zero-width joiner; Arabic yeh, kaf, heh and alef forms.
    assert normalise_name("مُحَمَّد") == "محمد"
    assert normalise_name("بشریٰ") == "بشری"
    assert normalise_name("مـحـمـد") == "محمد"
    assert normalise_name("علي") == normalise_name("علی") == "علی"
    assert normalise_name("ملك") == "ملک"
    assert normalise_name("فاطمه") == normalise_name("فاطمة") == "فاطمہ"
    assert normalise_name("أحمد") == normalise_name("احمد")
    assert normalise_name("Ali\u200dKhan") == normalise_name("AliKhan")
    # The zero-width non-joiner stands between words that should not join: a word break.
    assert name_tokens("محمد\u200cعلی") == ["محمد", "علی"]


def test_latin_case_accents_spaces_and_punctuation_do_not_matter():
    assert normalise_name("  MUHAMMAD-ALI  ") == normalise_name("muhammad ali") == "muhammad ali"
    assert normalise_name("Zaïnab") == "zainab"
    assert normalise_name("Ali, Khan.") == "ali khan"


def test_a_name_run_together_still_meets_the_same_name_in_two_words():
    assert key_similarity(name_key("Abdul Rehman"), name_key("عبدالرحمن")) >= 0.5
    assert key_similarity(name_key("Muhammad Bilal"), name_key("Bilal")) >= 0.85  # Muhammad often left out


def test_trigram_similarity_is_pg_trgms():
    # pg_trgm: similarity('word', 'two words') = 0.363636 (4 shared of 11).
    assert trigram_similarity("word", "two words") == pytest.approx(4 / 11)
    assert trigram_similarity("abc", "abc") == 1.0
    assert trigram_similarity("", "abc") == 0.0


def test_different_names_are_not_alike():
    assert key_similarity(name_key("Bilal"), name_key("Hamza")) < 0.5
    assert key_similarity(name_key("Muhammad Bilal"), name_key("Muhammad Hamza")) < 0.75
    assert name_key("Mahmood") != name_key("Muhammad")


# --- dates and ages ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("a", "b", "same"), [
    (date(2015, 3, 7), date(2015, 3, 7), True),
    (date(2015, 3, 7), date(2015, 3, 12), True),  # 5 days
    (date(2015, 3, 7), date(2015, 3, 13), False),  # 6 days
    (date(2014, 12, 30), date(2015, 1, 2), True),  # across a new year
    (date(2015, 3, 7), date(2015, 7, 3), True),  # day and month swapped
    (date(2015, 7, 3), date(2015, 3, 7), True),
    (date(2015, 3, 7), date(2016, 7, 3), False),  # swapped but another year
    (date(2015, 3, 20), date(2015, 8, 3), False),  # 20 is no month
])
def test_dates_of_birth_within_five_days_or_with_day_and_month_swapped(a, b, same):
    assert dates_match(a, b) is same
    assert dates_match(b, a) is same


def test_a_date_whose_day_is_its_month_has_no_swap():
    assert swapped(date(2015, 4, 4)) is None
    assert swapped(date(2015, 2, 30 - 2)) is None  # 28 is no month
    assert swapped(date(2015, 1, 2)) == date(2015, 2, 1)


@pytest.mark.parametrize(("a", "b", "same"), [(10, 12, True), (12, 10, True), (10, 13, False), (40, 40, True)])
def test_ages_within_two_years_when_only_the_age_is_known(a, b, same):
    assert ages_match(a, b) is same


def test_an_age_is_compared_with_a_date_of_birth_at_today():
    born = Person("Ali", "male", dob=date(2016, 1, 10))  # 10 on TODAY
    assert birth_fits(born, Person("Ali", "male", age_years=12, on=TODAY), TODAY) == 0.7
    assert birth_fits(born, Person("Ali", "male", age_years=13, on=TODAY), TODAY) is None
    # An age stated three years ago is three more now.
    assert birth_fits(born, Person("Ali", "male", age_years=7, on=date(2023, 3, 1)), TODAY) == 0.7


def test_the_birth_years_searched_cover_every_rule():
    assert year_window(date(2015, 3, 7), None, TODAY) == (2012, 2018)
    assert year_window(None, 10, TODAY) == (2013, 2019)
    assert year_window(None, None, TODAY) is None


# --- the whole comparison ------------------------------------------------------------------------------


def test_the_judged_pair_two_children_in_urdu_and_latin_letters_with_day_and_month_swapped():
    urdu = Person("محمد بلال", "male", dob=date(2015, 3, 7), father_or_husband_name="محمد اسلم")
    latin = Person("Muhammad Bilal", "male", dob=date(2015, 7, 3), father_or_husband_name="Muhammad Aslam")
    match = compare(urdu, latin, TODAY)
    assert is_candidate(match)
    assert match.name == 1.0 and match.father == 1.0 and match.birth == 0.9
    # Her sister, in the same household, is somebody else.
    assert compare(urdu, Person("Maryam Bibi", "female", dob=date(2015, 7, 3)), TODAY) is None


def test_the_same_name_and_birthday_with_another_father_is_less_alike_than_with_the_same():
    child = Person("Ali Raza", "male", dob=date(2018, 5, 5), father_or_husband_name="Ghulam Abbas")
    same_father = compare(child, Person("علی رضا", "male", dob=date(2018, 5, 5), father_or_husband_name="غلام عباس"),
                          TODAY)
    other_father = compare(child, Person("Ali Raza", "male", dob=date(2018, 5, 5),
                                         father_or_husband_name="Sajjad Hussain"), TODAY)
    assert same_father.score > other_father.score
    assert not is_candidate(other_father)


def test_different_sexes_or_far_apart_births_are_different_people():
    boy = Person("Sana", "male", dob=date(2015, 3, 7))
    assert compare(boy, Person("Sana", "female", dob=date(2015, 3, 7)), TODAY) is None
    assert compare(boy, Person("Sana", "male", dob=date(2017, 3, 7)), TODAY) is None
    assert compare(boy, Person("Sana", "transgender", dob=date(2015, 3, 7)), TODAY) is not None


def test_a_wife_recorded_with_and_without_begum_under_her_husbands_name():
    one = Person("Razia Begum", "female", age_years=41, on=TODAY, father_or_husband_name="Muhammad Akram")
    other = Person("رضیہ", "female", age_years=40, on=TODAY, father_or_husband_name="محمد اکرم")
    assert is_candidate(compare(one, other, TODAY))


@pytest.mark.parametrize(("one", "other"), [
    ("Muhammad Bilal", "بلال"), ("Ahmed Bilal", "Bilal Ahmed"), ("Abdul Rehman", "عبدالرحمن"),
    ("Muhammad Bilal Khan", "Bilal"), ("Razia Begum", "رضیہ"),
])
def test_names_that_may_be_one_person_share_a_search_block(one, other):
    from app.domain.names import name_blocks, probe_keys

    for mine, theirs in ((one, other), (other, one)):
        assert set(probe_keys(name_key(mine))) & set(name_blocks(name_key(theirs)))


def test_muhammad_alone_is_its_own_block_and_a_blank_name_has_none():
    from app.domain.names import name_blocks, probe_keys

    assert name_blocks(name_key("Muhammad")) == ("mhmd", "mhmd") and probe_keys("mhmd") == ("mhmd",)
    assert name_blocks("") == (None, None) and probe_keys(None) == ()
