"""Names as documents print them: a unit as a place, a body in a header (upper
case) and in a running text (sentence case, the proper name's capitals kept).

The unit-name rules live in portal/names.py, where reports can use them too
(a report stores its place when its round opens); this module adds the
issuing bodies' forms.
"""

from __future__ import annotations

from portal.names import (
    COMMITTEE,
    COMMITTEE_SHORT,
    committee_body,
    name_in_text,
    nfc,
    place_name,
    proper_case,
    split_unit_name,
    superior_committee,
    unit_name_from_upper,
    upper,
)

__all__ = [
    "COMMITTEE",
    "COMMITTEE_SHORT",
    "committee_body",
    "superior_committee",
    "ISSUER_LINE",
    "ORGANS",
    "issuer_in_text",
    "issuer_lines",
    "name_in_text",
    "place_name",
    "upper",
]

# Organs whose upper-case name in the header is written in sentence case in a
# running text ("của Ủy ban nhân dân huyện Châu Thành").
ORGANS = {
    "ỦY BAN NHÂN DÂN": "Ủy ban nhân dân",
    "HỘI ĐỒNG NHÂN DÂN": "Hội đồng nhân dân",
    "BAN THƯỜNG VỤ": "Ban Thường vụ",
    "BAN CHẤP HÀNH": "Ban Chấp hành",
    "TỈNH ỦY": "Tỉnh ủy",
    "THÀNH ỦY": "Thành ủy",
    "HUYỆN ỦY": "Huyện ủy",
    "THỊ ỦY": "Thị ủy",
    "QUẬN ỦY": "Quận ủy",
    "ĐẢNG ỦY": "Đảng ủy",
    "SỞ Y TẾ": "Sở Y tế",
    "PHÒNG Y TẾ": "Phòng Y tế",
}


def _unit_in_text(rest: str, unit_name: str) -> str:
    """The unit part of an upper-case body ("HUYỆN CHÂU THÀNH") inside a
    sentence: the unit's own spelling when it is that unit ("Huyện Châu
    Thành" → "huyện Châu Thành"), else its syllables capitalised."""
    if unit_name and upper(unit_name) == rest:
        return name_in_text(unit_name)
    word, _proper = split_unit_name(proper_case(rest))
    if word:
        return name_in_text(unit_name_from_upper(rest))
    return proper_case(rest)


def issuer_in_text(issuing_body: str, unit_name: str = "") -> str:
    """The issuing body as a running text names it (Decree 30, Appendix II):
    "ỦY BAN NHÂN DÂN HUYỆN CHÂU THÀNH" → "Ủy ban nhân dân huyện Châu Thành";
    "TỈNH ĐỒNG THÁP" → "tỉnh Đồng Tháp". Never lower-cased whole: a place
    keeps a capital on every syllable."""
    body = " ".join(upper(issuing_body).split())
    if not body:
        return name_in_text(unit_name) if unit_name else ""
    for organ, written in ORGANS.items():
        if body == organ:
            return written
        if body.startswith(organ + " "):
            return f"{written} {_unit_in_text(body[len(organ) + 1 :], unit_name)}"
    if split_unit_name(proper_case(body))[0]:
        return _unit_in_text(body, unit_name)
    return nfc(issuing_body).strip()


# About as many upper-case bold 13 pt letters as the header's left column holds.
ISSUER_LINE = 24


def issuer_lines(issuing_body: str) -> tuple[str, ...]:
    """The issuing body in the header, upper case: a long name breaks after the
    organ ("ỦY BAN NHÂN DÂN" / "HUYỆN CHÂU THÀNH"), as documents set it, rather
    than wherever the column ends."""
    body = " ".join(upper(issuing_body).split())
    if len(body) > ISSUER_LINE:
        for organ in ORGANS:
            if body.startswith(organ + " "):
                return (organ, body[len(organ) + 1 :])
    return (body,) if body else ()
