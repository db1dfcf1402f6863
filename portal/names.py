"""How a unit's name is written: as a place in a date line, inside a sentence,
in an upper-case header.

A unit's name is an administrative word and a proper name: "Thành phố Sa Đéc",
"Huyện Châu Thành", "Xã Tân Hộ Cơ". Decree 30/2020/NĐ-CP says how each use
writes it:

- the place of a date line (Appendix I, "địa danh") is the proper name alone,
  "Sa Đéc, ngày …", "Châu Thành, ngày …"; a unit named by a number or after a
  person keeps its whole name, "Phường 1, ngày …", "Quận 3, ngày …",
  "Thành phố Hồ Chí Minh, ngày …";
- inside a sentence (Appendix II) the administrative word is a common noun, in
  lower case, and the proper name keeps its capitals: "của Ủy ban nhân dân
  huyện Châu Thành", "tỉnh Đồng Tháp"; again a number or a person's name keeps
  the word's capital ("Phường 1", "Thành phố Hồ Chí Minh");
- a header writes it in upper case.

Reports (the place stored with a report) and documents (every printed line)
both use these functions: the rule is decided once.
"""

import re
import unicodedata

# Longest first: "Thị xã" before "Xã", "Thành phố" before any one-word prefix.
ADMINISTRATIVE_WORDS = (
    "Thành phố",
    "Thị xã",
    "Thị trấn",
    "Đặc khu",
    "Tỉnh",
    "Huyện",
    "Quận",
    "Xã",
    "Phường",
)

# Units named after a person keep their administrative word everywhere
# (Decree 30, Appendix I: "Thành phố Hồ Chí Minh"). A name cannot tell it is a
# person's: the ones in the country's division are listed.
NAMED_AFTER_PEOPLE = ("Hồ Chí Minh",)

_NUMBERED = re.compile(r"^\d")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


def upper(text: str) -> str:
    """Upper case for a header line, composed: "UỶ" and "ỦY" are the same word
    with the accent on two letters; documents write "ỦY"."""
    return nfc(text).upper().replace("UỶ", "ỦY")


def split_unit_name(name: str) -> tuple[str, str]:
    """("Thành phố", "Sa Đéc") from "Thành phố Sa Đéc"; ("", name) when the name
    starts with no administrative word (a department, a committee)."""
    name = " ".join(nfc(name).split())
    folded = name.casefold()
    for word in ADMINISTRATIVE_WORDS:
        if folded.startswith(word.casefold() + " ") and len(name) > len(word) + 1:
            return word, name[len(word) + 1 :]
    return "", name


def _keeps_its_word(proper: str) -> bool:
    return bool(_NUMBERED.match(proper)) or proper in NAMED_AFTER_PEOPLE


def place_name(unit_name: str) -> str:
    """The place of a unit's date line: "Thành phố Sa Đéc" → "Sa Đéc", "Huyện
    Châu Thành" → "Châu Thành", "Tỉnh Đồng Tháp" → "Đồng Tháp", "Phường 1" →
    "Phường 1"."""
    word, proper = split_unit_name(unit_name)
    if not word or _keeps_its_word(proper):
        return " ".join(nfc(unit_name).split())
    return proper


def name_in_text(unit_name: str) -> str:
    """A unit's name inside a sentence: "Huyện Châu Thành" → "huyện Châu Thành",
    "Tỉnh Đồng Tháp" → "tỉnh Đồng Tháp"; "Phường 1", "Thành phố Hồ Chí Minh" as they are."""
    word, proper = split_unit_name(unit_name)
    if not word or _keeps_its_word(proper):
        return " ".join(nfc(unit_name).split())
    return f"{word.lower()} {proper}"


def proper_case(text: str) -> str:
    """An upper-case proper name with a capital on every syllable, as Vietnamese
    writes place names: "CHÂU THÀNH" → "Châu Thành", "AN BÌNH B" → "An Bình B"."""
    return " ".join(w[:1].upper() + w[1:].lower() for w in nfc(text).split())


def unit_name_from_upper(text: str) -> str:
    """A unit's name from its upper-case header form: "HUYỆN CHÂU THÀNH" →
    "Huyện Châu Thành", "THÀNH PHỐ SA ĐÉC" → "Thành phố Sa Đéc"."""
    word, proper = split_unit_name(proper_case(text))
    if not word:
        return proper_case(text)
    return f"{word} {proper}"


# A territory's People's Committee: in full as the issuing body ("ỦY BAN NHÂN
# DÂN HUYỆN HỒNG NGỰ", as a round's reports store it, reports/rounds.py), and
# abbreviated as the superior body above it ("UBND TỈNH ĐỒNG THÁP", as seed
# 000's report writes it; Decree 30 lets the superior body be abbreviated).
COMMITTEE = "ỦY BAN NHÂN DÂN"
COMMITTEE_SHORT = "UBND"


def committee_body(unit_name: str) -> str:
    return f"{COMMITTEE} {upper(unit_name)}"


def superior_committee(unit_name: str) -> str:
    return f"{COMMITTEE_SHORT} {upper(unit_name)}"
