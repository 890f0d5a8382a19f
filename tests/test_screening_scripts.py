"""Names across scripts: Korean names by the Revised Romanization and the spellings people use,
Hebrew names by their consonants, with the letters Hebrew leaves ambiguous read both ways."""

from __future__ import annotations

import pytest

from longarm.screening import hebrew, korean
from longarm.screening.match import match, screen
from longarm.screening.normalize import names


# The Revised Romanization of Korean (2000), its examples of syllables and personal names:
# final consonants as they stand alone (빛 bit, 복 bok), no sound change across syllables of a name.
@pytest.mark.parametrize(
    "hangul,latin",
    [("빛", "bit"), ("복", "bok"), ("남", "nam"), ("나", "na"), ("김", "gim"), ("정", "jeong"), ("최", "choe")],
)
def test_revised_romanization_of_a_syllable(hangul, latin):
    assert korean.syllable(hangul) == latin


def test_a_korean_name_in_the_spellings_people_use():
    # ㅓ written u (Jung), the surname in each of its usual spellings (Kim / Gim), and
    # McCune-Reischauer without diacritics, as North Korean names are listed (Kim Jong Un)
    assert korean.name_readings("김정은") == [["kim", "jung", "eun"], ["gim", "jung", "eun"], ["kim", "jong", "un"]]
    assert korean.name_readings("이순신")[:3] == [["lee", "sun", "sin"], ["yi", "sun", "sin"], ["rhee", "sun", "sin"]]
    assert korean.name_readings("리병철")[-1] == ["ri", "pyong", "chol"]  # p at the start of the given name
    assert korean.name_readings("리만건")[-1] == ["ri", "man", "gon"]  # g after a nasal
    assert korean.name_readings("남궁민")[0] == ["namgung", "min"]  # a two-syllable surname
    assert korean.name_readings("미셸") is None  # not a Korean name: a foreign one written in Hangul


@pytest.mark.parametrize(
    "hangul,listed", [("김정은", "KIM, Jong Un"), ("리병철", "RI, Pyo'ng-ch'o'l"), ("김여정", "KIM, Yo Jong")]
)
def test_screening_a_north_korean_name_in_hangul_finds_the_listed_person(hangul, listed):
    assert listed in [m.matched_name for m in screen(hangul)]


@pytest.mark.parametrize(
    "hangul,latin",
    [
        ("김정은", "Kim Jong Un"),  # McCune-Reischauer, the spelling of North Korean names
        ("김정은", "Kim Jong-un"),
        ("김정은", "Jong-un Kim"),  # surname last
        ("이명박", "Lee Myung-bak"),
        ("박근혜", "Park Geun-hye"),
        ("반기문", "Ban Ki-moon"),  # 문 moon, 기 ki
        ("노무현", "Roh Moo-hyun"),  # 노 Roh, 무 Moo
        ("이순신", "Yi Sun-sin"),  # 이 Yi
        ("박정희", "Park Chung-hee"),  # 정 Chung, 희 hee
        ("김영삼", "Kim Young-sam"),  # 영 Young
    ],
)
def test_korean_names_written_in_latin_are_found(hangul, latin):
    s = match(hangul, latin, "person")
    assert s.match, s.explanation
    assert match(latin, hangul, "person").match


@pytest.mark.parametrize(
    "hangul,latin",
    [("김정은", "Kim Jong-il"), ("이명박", "Lee Myung-hee"), ("김대중", "Kim Young-sam")],
)
def test_another_korean_person_of_the_same_surname_is_not_found(hangul, latin):
    assert not match(hangul, latin, "person").match


def test_a_korean_name_is_not_also_read_as_one_glued_word():
    # "김정은" read glued (gimjeongeun) would line up with any Kim of a similar given name
    assert all(n.script != "hangul words" for n in names("김정은", "person"))
    assert any(n.script == "hangul words" for n in names("미셸 오바마", "person"))
    # a foreign name that starts like a surname: the epenthetic ㅡ (르, 스) says it is foreign
    assert not korean.looks_like_name("조르주") and match("조르주", "Georges", "person").value >= 0.7
    assert match("한스", "Hans", "person").match
    assert match("이반", "Ivan", "person").match and match("이반", "Lee Ban", "person").match  # either


def test_a_foreign_name_in_hangul_ending_in_eo_is_read_with_its_r():
    # Korean writes a final -er as 어 eo, the r not sounded
    assert match("밀러", "Miller", "person").match


# The Academy of the Hebrew Language's rules for the letters, the geresh and the matres lectionis.
def test_hebrew_letters_one_latin_letter_each():
    assert hebrew.romanize("כהן") == "khn"  # k-h-n (Cohen), not kh-n
    assert hebrew.romanize("ג'ורג'") == "jwrj"  # ג׳ is j
    assert hebrew.romanize("צ'רצ'יל") == "crcyl"  # צ׳ is ch


def test_hebrew_ambiguous_letters_read_both_ways():
    spelt = [r.split() for r in hebrew.readings("יצחק")]
    assert ["yshk"] in spelt and ["ytzhk"] in spelt  # צ s or tz
    assert ["dwd"] in [r.split() for r in hebrew.readings("דוד")]
    assert ["dvd"] in [r.split() for r in hebrew.readings("דוד")]  # ו a vowel or v
    assert len(hebrew.readings("אברהם יהושע השל מנחם מנדל")) <= hebrew.MAX_READINGS


@pytest.mark.parametrize(
    "hebrew_name,latin",
    [
        ("ג'ורג' וושינגטון", "George Washington"),
        ("דוד בן-גוריון", "David Ben-Gurion"),  # ו as v
        ("יצחק רבין", "Yitzhak Rabin"),  # צ as tz
        ("יצחק רבין", "Itzhak Rabin"),
        ("צבי הירש", "Zvi Hirsch"),  # צ as z
        ("צבי הירש", "Tzvi Hirsch"),
        ("חיים ויצמן", "Chaim Weizmann"),
        ("לוי אשכול", "Levi Eshkol"),
        ("אליעזר בן-יהודה", "Eliezer Ben-Yehuda"),  # an initial alef carries the vowel
        ('ישראל כ"ץ', "Israel Katz"),  # gershayim inside the name
        ("מנחם בגין", "Menachem Begin"),
    ],
)
def test_hebrew_names_written_in_latin_are_found(hebrew_name, latin):
    s = match(hebrew_name, latin, "person")
    assert s.match, s.explanation


@pytest.mark.parametrize("hebrew_name,latin", [("חיים ויצמן", "Chaim Herzog"), ("יצחק רבין", "Yitzhak Shamir")])
def test_another_person_of_the_same_given_name_is_not_found(hebrew_name, latin):
    assert not match(hebrew_name, latin, "person").match


def test_hebrew_regnal_numbers_and_epithets():
    assert match("פיוס השני", "Pius II", "person").match  # השני: the second
    assert match("הנרי השמיני", "Henry VIII", "person").match
    assert not match("פיוס השני", "Pius III", "person").match  # another number, another pope
    assert "saint" in names("פרנציסקוס הקדוש", "person")[0].tokens  # הקדוש "the saint", as the Latin name writes it
    assert match("פרנציסקוס הקדוש", "Saint Franciscus", "person").match


@pytest.mark.parametrize(
    "native,latin",
    [
        ("조지", "George"),  # soft g and a silent r together: j-j
        ("אלוני", "Aloni"),  # al- read as a syllable as well as an article
        ("איליין", "Elaine"),  # el- likewise
        ("דאגלס", "Douglas"),  # a medial alef for the ou of a foreign name
        ("חוסה", "Jose"),  # the Spanish j as ח
        ("חואן", "Juan"),
        ("세스", "Seth"),  # English th as Korean writes it
        ("נואלס", "Knowles"),  # a silent k
        ("זיו", "Ziv"),  # a final vav after yod as v
        ("나딘", "Nadine"),  # Hangul writes no silent final e: no "other ending"
    ],
)
def test_foreign_names_spelt_by_ear_are_found(native, latin):
    s = match(native, latin, "person")
    assert s.match, s.explanation
    assert "another ending" not in s.explanation


def test_korean_regnal_numbers_and_epithets():
    assert korean.prepare("교황 요한 23세") == "pope 요한 xxiii"
    assert match("교황 요한 23세", "Pope John XXIII", "person").match
    assert match("헨리 8세", "Henry VIII", "person").match
    assert not match("헨리 8세", "Henry VII", "person").match  # another number, another king


def test_a_word_left_on_each_side_across_scripts_is_another_person():
    # one word in common and one on each side that shares few consonants: another person
    s = match("조지 스미스", "George Brown", "person")
    assert s.value < 0.4 and "another name across scripts" in s.explanation
    assert match("조지 스미스", "George Smith", "person").match
    # two Korean surnames (김 Kim, Lee): two families, the more so
    other = match("김철수", "Lee Chul-su", "person")
    assert other.value < 0.35 and "another name across scripts (kim vs lee): -0.50" in other.explanation
    assert match("김철수", "Kim Chul-su", "person").match
    # Arabic writes every long vowel: حسين Husayn is not Hassan, though the consonants agree
    assert match("حسين الخطيب", "Hassan al-Khatib", "person").value < 0.4


def test_an_arabic_name_is_not_read_as_a_title():
    # عمر (Omar) in consonants is "mr", which is no "Mr"
    s = match("عمر المصري", "Omar al-Masri", "person")
    assert s.match and "title" not in s.explanation
