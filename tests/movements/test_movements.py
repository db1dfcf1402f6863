"""Emulation movements (issue 7, seed 003): the standing of the participating
units at 6 months and at year end, the award list with its quota and its 100%
rule, the pages, who sees them, and the printed list (PDF and Excel)."""

import re
import shutil
import subprocess
import unicodedata
import zipfile
from io import BytesIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from openpyxl import load_workbook

from indicators.models import Indicator
from indicators.numbers import parse
from indicators.values import target_fields
from movements import demo as demo_movements
from movements.models import (
    AwardKind,
    AwardProposal,
    Checkpoint,
    Declaration,
    KeyTarget,
    KeyTargetKind,
    Movement,
    Participation,
)
from movements.standing import (
    Mark,
    declare,
    movements_for,
    propose_award,
    standing,
)
from portal.models import Membership, ReportingUnit, Role, UnitKind
from reports import demo as reports_demo
from tests.indicators.factories import add_child, add_root, fresh, put

pytestmark = pytest.mark.django_db

YEAR = 2021

# The demo's expected standing (fixtures/indicators/movement_hong_ngu_2021.json):
# unit code → (rank, share shown).
SIX_MONTHS = {
    "29956": (1, "100"),
    "29980": (1, "100"),
    "29992": (1, "100"),
    "29995": (1, "100"),
    "29962": (5, "83,3"),  # malnutrition 12,45 > 11,88
    "29971": (5, "83,3"),  # insurance 88,06 < 91
    "29974": (5, "83,3"),  # insurance 89,57 < 91
    "29977": (5, "83,3"),  # natural growth not reported
    "29998": (5, "83,3"),  # malnutrition 11,99 > 11,88
    "29983": (10, "66,7"),  # growth in words, station below the standard
}
YEAR_END = {
    "29956": (1, "100"),
    "29971": (1, "100"),
    "29977": (1, "100"),
    "29980": (1, "100"),
    "29992": (1, "100"),
    "29998": (1, "100"),
    "29962": (7, "83,3"),  # malnutrition 12,12
    "29974": (7, "83,3"),  # insurance 90,52
    "29995": (7, "83,3"),  # "no major epidemic" not declared
    "29983": (10, "50"),  # growth in words, station 0/1, a food poisoning
}


def unit(code):
    return ReportingUnit.objects.get(code=code, valid_from=None)


def user(username):
    return get_user_model().objects.get(username=username)


def indicator(code):
    return Indicator.objects.get(code=code)


@pytest.fixture
def hong_ngu(demo):
    """Seed 003's movement in the demo (loading it again when the demo has it already)."""
    return demo_movements.load()


# ------------------------------------------------------------------ a movement of our own


class Small:
    """A district with four communes, a movement with three key targets:
    insurance ≥ 91, natural growth < 1, and "no major epidemic"."""

    def __init__(self, quota_collectives=2, quota_individuals=1, communes=4):
        province = add_root("MV", "Tỉnh thử")
        district = add_child(province, "MV-01", "Huyện thử", kind=UnitKind.DISTRICT)
        codes = [f"MV-01-{i:02}" for i in range(1, communes + 1)]
        for code in codes:
            add_child(fresh(district), code, f"Xã {code[-2:]}")
        self.district = fresh(district)
        self.communes = [unit(code) for code in codes]
        self.movement = Movement.objects.create(
            unit=self.district,
            title="Phong trào thi đua thử",
            year=YEAR,
            quota_collectives=quota_collectives,
            quota_individuals=quota_individuals,
        )
        for commune in self.communes:
            Participation.objects.create(movement=self.movement, unit=commune)
        self.insurance = self._target(1, "Bảo hiểm y tế ≥91%", "bao-hiem-y-te", "≥ 91")
        self.growth = self._target(2, "Tăng dân số tự nhiên <1%", "tang-dan-so", "< 1")
        self.epidemic = KeyTarget.objects.create(
            movement=self.movement,
            position=3,
            label="Không để xảy ra dịch bệnh lớn",
            kind=KeyTargetKind.STATEMENT,
        )

    def _target(self, position, label, code, typed):
        return KeyTarget.objects.create(
            movement=self.movement,
            position=position,
            label=label,
            kind=KeyTargetKind.INDICATOR,
            indicator=indicator(code),
            **target_fields(parse(typed)),
        )

    def report(self, commune, insurance=None, growth=None, epidemic=None, period="Y"):
        """What a commune reports at a checkpoint; None leaves a target unanswered."""
        for target, typed in ((self.insurance, insurance), (self.growth, growth)):
            if typed is not None:
                put(target.indicator, commune, typed, year=YEAR, period=period)
        if epidemic is not None:
            declare(self.epidemic, commune, period, epidemic, "Báo cáo của Trạm Y tế xã.")

    def rows(self, checkpoint=Checkpoint.YEAR_END):
        return {r.unit.code: r for r in standing(self.movement, checkpoint)}

    def complete_all(self):
        for commune in self.communes:
            self.report(commune, "92", "0,8", True)


@pytest.fixture
def small(demo):
    return Small()


def marks(row):
    return [r.mark for r in row.results]


def test_each_key_target_is_met_not_met_missing_or_not_comparable(small):
    a, b = small.communes[:2]
    small.report(a, insurance="92,5", growth="1,2", epidemic=False)
    small.report(b, growth="đang tổng hợp số liệu")
    rows = small.rows()
    assert marks(rows[a.code]) == [Mark.MET, Mark.NOT_MET, Mark.NOT_MET]
    assert [r.shown for r in rows[a.code].results] == ["92,5", "1,2", "Không"]
    assert rows[a.code].results[2].evidence == "Báo cáo của Trạm Y tế xã."
    # No insurance figure, growth in words, nothing declared.
    assert marks(rows[b.code]) == [Mark.MISSING, Mark.NOT_COMPARABLE, Mark.MISSING]
    assert rows[b.code].results[1].shown == "đang tổng hợp số liệu"
    assert (rows[a.code].met, rows[a.code].share_display) == (1, "33,3")
    assert (rows[b.code].met, rows[b.code].share_display) == (0, "0")


def test_the_comparators_decide_at_the_bound(small):
    a, b = small.communes[:2]
    small.report(a, insurance="91", growth="1")  # ≥ 91 includes 91; < 1 excludes 1
    small.report(b, insurance="90,99", growth="0,99")
    rows = small.rows()
    assert marks(rows[a.code])[:2] == [Mark.MET, Mark.NOT_MET]
    assert marks(rows[b.code])[:2] == [Mark.NOT_MET, Mark.MET]


def test_each_checkpoint_reads_its_own_period(small):
    a = small.communes[0]
    small.report(a, insurance="88", growth="0,4", epidemic=True, period="H1")
    small.report(a, insurance="92", period="Y")
    six_months, year_end = small.rows(Checkpoint.HALF_YEAR), small.rows(Checkpoint.YEAR_END)
    assert marks(six_months[a.code]) == [Mark.NOT_MET, Mark.MET, Mark.MET]
    assert marks(year_end[a.code]) == [Mark.MET, Mark.MISSING, Mark.MISSING]


def test_equal_shares_share_a_rank_and_are_listed_by_unit_code(small):
    c1, c2, c3, c4 = small.communes
    small.report(c1, "92", "1,5", True)  # 2 of 3
    small.report(c2, "80", "1,5", True)  # 1 of 3
    small.report(c3, "95", "0,5", False)  # 2 of 3
    small.report(c4, "95", "0,5", True)  # 3 of 3
    rows = standing(small.movement, Checkpoint.YEAR_END)
    assert [(r.unit.code, r.rank) for r in rows] == [
        (c4.code, 1),
        (c1.code, 2),
        (c3.code, 2),
        (c2.code, 4),
    ]


def test_only_a_unit_meeting_every_key_target_meets_100_percent(small):
    c1, c2, c3, c4 = small.communes
    small.report(c1, "92", "0,8", True)
    small.report(c2, "92", "0,8")  # the yes/no target not declared
    small.report(c3, "92", "đạt, dưới 1% theo ước tính", True)  # in words: not a target met
    small.report(c4, "92", "< 0,9", True)  # a bound that settles "< 1"
    rows = small.rows()
    assert [code for code, row in rows.items() if row.complete] == [c1.code, c4.code]
    assert rows[c1.code].share_display == "100"
    assert rows[c3.code].share_display == "66,7" and not rows[c3.code].complete


# ----------------------------------------------------------------------------- awards


def propose(small, commune, kind=AwardKind.COLLECTIVE, **extra):
    return propose_award(
        small.movement,
        kind=kind,
        unit=commune,
        reason=extra.pop("reason", "Hoàn thành xuất sắc."),
        user=user("syt"),
        **extra,
    )


def test_the_quota_of_collectives_is_enforced(small):
    small.complete_all()
    first, second, third, _fourth = small.communes
    propose(small, first)
    propose(small, second)
    with pytest.raises(ValidationError) as raised:
        propose(small, third)
    assert "kind" in raised.value.message_dict
    assert "2" in raised.value.message_dict["kind"][0]
    assert AwardProposal.objects.filter(movement=small.movement).count() == 2
    AwardProposal.objects.filter(movement=small.movement, unit=second).delete()
    propose(small, third)  # a place freed is a place to fill


def test_the_quota_of_individuals_is_enforced_and_a_name_is_needed(small):
    commune = small.communes[0]
    with pytest.raises(ValidationError) as raised:
        propose(small, commune, AwardKind.INDIVIDUAL, person_name="  ")
    assert set(raised.value.message_dict) == {"person_name"}
    propose(small, commune, AwardKind.INDIVIDUAL, person_name="Lê Văn A")
    with pytest.raises(ValidationError) as raised:
        propose(small, commune, AwardKind.INDIVIDUAL, person_name="Lê Văn B")
    assert set(raised.value.message_dict) == {"kind"}


def test_only_units_meeting_all_targets_are_proposed_as_collectives(small):
    c1, c2, c3, _c4 = small.communes
    small.report(c1, "92", "0,8", True)
    small.report(c2, "92", "0,8", False)
    with pytest.raises(ValidationError) as raised:
        propose(small, c2)
    message = raised.value.message_dict["unit"][0]
    assert c2.name in message and "2" in message and "3" in message
    with pytest.raises(ValidationError):
        propose(small, c3)  # nothing reported at all
    with pytest.raises(ValidationError):
        propose(small, small.district)  # not a participating unit
    propose(small, c1)
    with pytest.raises(ValidationError) as raised:
        propose(small, c1)  # once only
    assert "unit" in raised.value.message_dict
    # A person of a unit below 100% may still be rewarded for their own work.
    propose(small, c2, AwardKind.INDIVIDUAL, person_name="Lê Văn A")
    assert AwardProposal.objects.filter(movement=small.movement).count() == 2


def test_an_award_needs_a_reason(small):
    small.complete_all()
    with pytest.raises(ValidationError) as raised:
        propose(small, small.communes[0], reason=" ")
    assert set(raised.value.message_dict) == {"reason"}


def test_a_declaration_needs_evidence_and_is_not_rewritten_when_unchanged(small):
    commune = small.communes[0]
    with pytest.raises(ValidationError):
        declare(small.epidemic, commune, Checkpoint.YEAR_END, True, "   ")
    first = declare(small.epidemic, commune, Checkpoint.YEAR_END, True, "Không có ổ dịch.")
    again = declare(small.epidemic, commune, Checkpoint.YEAR_END, True, "Không có ổ dịch.")
    assert first.pk == again.pk and first.history.count() == 1
    declare(small.epidemic, commune, Checkpoint.YEAR_END, None, "")
    assert not Declaration.objects.filter(unit=commune).exists()


# --------------------------------------------------------------------- the demo movement


def standing_on_page(html):
    """unit code → (rank, share) as the standing table shows them."""
    found = {}
    for match in re.finditer(
        r'<tr data-unit="(\d+)" data-rank="(\d+)".*?<td class="num share">([\d,]+)%</td>',
        html,
        re.S,
    ):
        found[match.group(1)] = (int(match.group(2)), match.group(3))
    return found


@pytest.mark.parametrize("username", ["syt", "hongngu"])
@pytest.mark.parametrize(("checkpoint", "expected"), [("H1", SIX_MONTHS), ("Y", YEAR_END)])
def test_the_demo_movement_shows_the_communes_standing(
    as_user, hong_ngu, username, checkpoint, expected
):
    page = as_user(username).get(
        reverse("movement-detail", args=[hong_ngu.pk]), {"checkpoint": checkpoint}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert standing_on_page(html) == expected
    # Listed by rank, then by unit code.
    assert list(standing_on_page(html)) == sorted(expected, key=lambda c: (expected[c][0], c))
    assert html.count('data-complete="1"') == sum(1 for r, _s in expected.values() if r == 1)


def test_the_demo_shows_evidence_text_answers_and_colours(as_user, hong_ngu):
    html = as_user("syt").get(reverse("movement-detail", args=[hong_ngu.pk])).content.decode()
    row = re.search(r'<tr data-unit="29983".*?</tr>', html, re.S).group(0)
    assert "ngộ độc thực phẩm tại tiệc cưới" in row  # the evidence of a "no"
    assert "Chưa có số liệu chính thức" in row  # the text answer, shown
    assert re.findall(r'data-mark="(\w+)" class="(table-\w+)"', row) == [
        ("met", "table-success"),
        ("not_comparable", "table-secondary"),
        ("not_met", "table-danger"),
        ("met", "table-success"),
        ("not_met", "table-danger"),
        ("met", "table-success"),
    ]
    missing = re.search(r'<tr data-unit="29995".*?</tr>', html, re.S).group(0)
    assert missing.count('data-mark="missing" class="table-secondary"') == 1


def test_the_demo_opens_at_year_end_and_switches_to_six_months(as_user, hong_ngu):
    html = as_user("syt").get(reverse("movement-detail", args=[hong_ngu.pk])).content.decode()
    assert standing_on_page(html) == YEAR_END
    assert '?checkpoint=H1"' in html


def test_loading_the_demo_movement_twice_adds_nothing(hong_ngu):
    counts = {m._meta.label: m.objects.count() for m in apps.get_models()}
    demo_movements.load()
    assert {m._meta.label: m.objects.count() for m in apps.get_models()} == counts
    assert hong_ngu.key_targets.count() == 6 and hong_ngu.participations.count() == 10
    assert (hong_ngu.quota_collectives, hong_ngu.quota_individuals) == (5, 10)
    # tests/portal/test_demo.py counts the demo's figures with these 6-month ones.
    assert reports_demo.movement_value_rows_added() == 39


def test_the_admin_lists_movements_proposals_and_declarations(as_user, hong_ngu):
    client = as_user("admin")
    for model in ("movement", "awardproposal", "declaration"):
        assert client.get(f"/admin/movements/{model}/").status_code == 200
    assert client.get(f"/admin/movements/movement/{hong_ngu.pk}/change/").status_code == 200


# ------------------------------------------------------------------------- who sees what


def test_a_district_outside_the_movement_gets_404(as_user, hong_ngu):
    client = as_user("chauthanh")
    for name in ("movement-detail", "movement-awards", "movement-awards-pdf"):
        assert client.get(reverse(name, args=[hong_ngu.pk])).status_code == 404
    assert client.get(reverse("movement-awards-xlsx", args=[hong_ngu.pk])).status_code == 404
    assert not movements_for(user("chauthanh"))
    assert hong_ngu.title not in client.get(reverse("movement-list")).content.decode()


def test_a_reporter_cannot_propose_or_remove_awards(as_user, hong_ngu):
    client = as_user("hongngu")
    before = AwardProposal.objects.filter(movement=hong_ngu).count()
    page = client.get(reverse("movement-awards", args=[hong_ngu.pk])).content.decode()
    assert 'id="award-form"' not in page
    response = client.post(
        reverse("movement-awards", args=[hong_ngu.pk]),
        {"kind": "collective", "unit": unit("29971").pk, "reason": "Đạt 100%."},
    )
    assert response.status_code == 403
    proposal = AwardProposal.objects.filter(movement=hong_ngu).first()
    withdraw = reverse("movement-award-withdraw", args=[hong_ngu.pk, proposal.pk])
    assert client.post(withdraw).status_code == 403
    assert AwardProposal.objects.filter(movement=hong_ngu).count() == before


def test_the_reviewer_adds_a_collective_meeting_all_targets(as_user, hong_ngu):
    client = as_user("syt")
    response = client.post(
        reverse("movement-awards", args=[hong_ngu.pk]),
        {"kind": "collective", "unit": unit("29971").pk, "reason": "Đạt 100% chỉ tiêu."},
    )
    assert response.status_code == 302
    assert AwardProposal.objects.filter(
        movement=hong_ngu, kind=AwardKind.COLLECTIVE, unit=unit("29971"), proposed_by=user("syt")
    ).exists()


def test_a_refused_proposal_shows_its_error_beside_the_field_and_keeps_what_was_typed(
    as_user, hong_ngu
):
    response = as_user("syt").post(
        reverse("movement-awards", args=[hong_ngu.pk]),
        {"kind": "collective", "unit": unit("29962").pk, "reason": "Lý do đã gõ <b>"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    error = re.search(r'id="unit-errors">(.*?)</div>', html, re.S).group(1)
    assert "Xã Thường Thới Hậu A" in error and "5" in error and "6" in error
    assert "Lý do đã gõ &lt;b&gt;</textarea>" in html
    assert re.search(rf'<option value="{unit("29962").pk}" selected>', html)


def test_the_sixth_collective_is_refused_at_the_quota(as_user, hong_ngu):
    client = as_user("syt")
    url = reverse("movement-awards", args=[hong_ngu.pk])
    taken = AwardProposal.objects.filter(movement=hong_ngu, kind=AwardKind.COLLECTIVE)
    assert sorted(taken.values_list("unit__code", flat=True)) == ["29956", "29977", "29992"]
    for code in ("29971", "29980"):
        added = client.post(url, {"kind": "collective", "unit": unit(code).pk, "reason": "x"})
        assert added.status_code == 302
    refused = client.post(url, {"kind": "collective", "unit": unit("29998").pk, "reason": "x"})
    assert refused.status_code == 400
    assert 'id="kind-errors"' in refused.content.decode()
    assert taken.count() == 5


def test_a_commune_reporter_declares_with_evidence(client, hong_ngu):
    commune = unit("29995")
    reporter = get_user_model().objects.create_user("xa29995")
    Membership.objects.create(user=reporter, unit=commune, role=Role.REPORTER)
    client.force_login(reporter)
    epidemic = hong_ngu.key_targets.get(position=6)
    poisoning = hong_ngu.key_targets.get(position=3)
    url = reverse("movement-declare", args=[hong_ngu.pk, commune.pk]) + "?checkpoint=Y"
    detail = client.get(reverse("movement-detail", args=[hong_ngu.pk])).content.decode()
    assert url in detail
    refused = client.post(
        url,
        {
            f"answer_{epidemic.pk}": "yes",
            f"evidence_{epidemic.pk}": "",
            f"answer_{poisoning.pk}": "no",
            f"evidence_{poisoning.pk}": "Một vụ ngộ độc 40 người.",
        },
    )
    assert refused.status_code == 400
    assert "Một vụ ngộ độc 40 người." in refused.content.decode()  # nothing typed is lost
    assert Declaration.objects.get(key_target=poisoning, unit=commune, checkpoint="Y").holds
    saved = client.post(
        url,
        {
            f"answer_{epidemic.pk}": "yes",
            f"evidence_{epidemic.pk}": "Không có ổ dịch lớn (báo cáo năm).",
            f"answer_{poisoning.pk}": "yes",
            f"evidence_{poisoning.pk}": "Không có vụ ngộ độc lớn.",
        },
    )
    assert saved.status_code == 302
    assert next(r for r in standing(hong_ngu, "Y") if r.unit == commune).complete
    # The commune's home list shows its own rank and share.
    mine = [m for m in movements_for(reporter) if m.movement == hong_ngu]
    assert mine and mine[0].mine[0].unit == commune and mine[0].mine[0].rank == 1
    html = render_to_string("movements/_my_movements.html", {"my_movements": mine})
    assert "Xã Phú Thuận B" in html and "100%" in html


def test_the_district_reporter_cannot_declare_for_a_commune(as_user, hong_ngu):
    url = reverse("movement-declare", args=[hong_ngu.pk, unit("29995").pk])
    assert as_user("hongngu").get(url).status_code == 404


def test_the_home_list_shows_the_movement_to_its_units(hong_ngu):
    for username in ("syt", "hongngu"):
        found = [m for m in movements_for(user(username)) if m.movement == hong_ngu]
        assert len(found) == 1
        assert (found[0].checkpoint, found[0].complete, found[0].participants) == (
            Checkpoint.YEAR_END,
            6,
            10,
        )
        assert found[0].mine == []  # neither is a member of a commune


# ------------------------------------------------------------------------------ printing

INJECTED = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)"]


def test_the_award_list_in_excel_is_times_new_roman_and_keeps_formulas_as_text(as_user, hong_ngu):
    for payload in INJECTED:
        AwardProposal.objects.create(
            movement=hong_ngu,
            kind=AwardKind.INDIVIDUAL,
            unit=unit("29971"),
            person_name=payload,
            person_title=payload,
            reason=payload,
        )
    response = as_user("syt").get(reverse("movement-awards-xlsx", args=[hong_ngu.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'-2021-{hong_ngu.pk}.xlsx"')
    content = response.getvalue()
    ws = load_workbook(BytesIO(content)).active
    fonts = {c.font.name for row in ws.iter_rows() for c in row}
    assert fonts == {"Times New Roman"}
    values = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    # The issuer in full, under its superior body (issue 11), and the type as Decree 30 names it.
    for line in ("UBND TỈNH ĐỒNG THÁP", "ỦY BAN NHÂN DÂN", "HUYỆN HỒNG NGỰ", "DANH SÁCH"):
        assert line in values, line
    for name in ("Xã Thường Phước 1", "Xã Long Thuận", "Nguyễn Thị Thu Hà"):
        assert name in values
    for payload in INJECTED:
        cells = [c for row in ws.iter_rows() for c in row if c.value == payload]
        assert len(cells) == 2  # the name and the reason
        assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    with zipfile.ZipFile(BytesIO(content)) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if "worksheets/s" in n]
    assert not any("<f>" in xml for xml in sheets)


def pdf_text(content, tmp_path):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not found: install poppler-utils to check PDFs")
    path = tmp_path / "awards.pdf"
    path.write_bytes(content)
    done = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return unicodedata.normalize("NFC", done.stdout)


def test_the_award_list_prints_as_an_official_document(as_user, hong_ngu, tmp_path):
    response = as_user("hongngu").get(reverse("movement-awards-pdf", args=[hong_ngu.pk]))
    content = response.getvalue()
    assert response.status_code == 200 and content.startswith(b"%PDF-")
    text = pdf_text(content, tmp_path)
    for line in (
        "UBND TỈNH ĐỒNG THÁP",
        "ỦY BAN NHÂN DÂN",
        "HUYỆN HỒNG NGỰ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "DANH SÁCH",
        "Đề nghị khen thưởng tập thể, cá nhân",
        "I. TẬP THỂ",
        "II. CÁ NHÂN",
        "Xã Thường Phước 1",
        "Xã Thường Lạc",
        "Xã Long Thuận",
        "Nguyễn Thị Thu Hà",
        "Trần Văn Minh",
        "Tổng cộng: 03 tập thể, 02 cá nhân.",
    ):
        assert line in text, line
    assert "Hồng Ngự, ngày" in text
