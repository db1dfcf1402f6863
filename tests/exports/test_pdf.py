"""The official PDF of a report (issue 5): Châu Thành's report of the demo, as
seed 000 prints it, in the layout of Decree 30/2020, read back with poppler."""

import datetime as dt
import re
import shutil
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from documents.names import issuer_in_text
from documents.pdf import BASE_URL, MissingStaticFile, html_to_pdf, pdf_filename, static_path
from documents.wording import date_line, is_party_document, number_line, vn_date
from reports.models import Report, ReportStatus
from tests.reports.test_demo_round import demo_round, seed_lines, squeeze

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "test_pdf"

MM = 72 / 25.4  # PDF points per millimetre
A4 = (210 * MM, 297 * MM)
TOP, RIGHT, BOTTOM, LEFT = 20 * MM, 15 * MM, 20 * MM, 30 * MM
TOLERANCE = 1.0  # points: rounding in the PDF and in pdftotext's word boxes


def poppler(tool, *args):
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} not found: install poppler-utils to check PDFs")
    done = subprocess.run([tool, *map(str, args)], capture_output=True, text=True, check=True)
    return done.stdout


def chau_thanh():
    return Report.objects.get(round=demo_round(), unit__code="877")


_downloaded = {}


@pytest.fixture
def chau_thanh_pdf(as_user, tmp_path_factory):
    """Châu Thành's PDF as the reviewer downloads it, on disk; rendered once per
    run (the demo does not change between tests)."""
    if "path" not in _downloaded:
        response = as_user("syt").get(reverse("report-pdf", args=[chau_thanh().pk]))
        assert response.status_code == 200
        path = tmp_path_factory.mktemp("pdf") / "chau-thanh.pdf"
        path.write_bytes(response.getvalue())
        _downloaded.update(path=path, response=response)
    return _downloaded["path"]


def pdf_text(path):
    """The text in drawing order (-raw: the default mode would join "59-" and
    "CTr/TU" across a line end), composed, without the page numbers, and with
    any hyphen added at a line end by hyphenation dropped."""
    text = poppler("pdftotext", "-raw", "-enc", "UTF-8", path, "-")
    pages = []
    for page in text.split("\f"):
        lines = page.strip("\n").split("\n")
        # The page number, drawn after the page's text.
        if lines and lines[-1].strip().isdigit():
            lines.pop()
        pages.append("\n".join(lines))
    text = re.sub("\u2010\\s*", "", "\n".join(pages).replace("\u00ad", ""))
    return unicodedata.normalize("NFC", text)


WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)
PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)


def pages_of(path):
    """[(width, height, [(x0, y0, x1, y1, word), …]), …] in points, origin top left."""
    html = poppler("pdftotext", "-bbox", "-enc", "UTF-8", path, "-")
    return [
        (
            float(width),
            float(height),
            [(*map(float, m.groups()[:4]), m.group(5)) for m in WORD.finditer(body)],
        )
        for width, height, body in PAGE.findall(html)
    ]


# ------------------------------------------------------------------------- download


def test_the_reviewer_downloads_the_pdf_as_an_attachment(chau_thanh_pdf):
    response = _downloaded["response"]
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="BC-877-huyen-chau-thanh-2020.pdf"'
    )
    assert chau_thanh_pdf.read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize("username", ["syt", "chauthanh", "hongngu"])
def test_the_pdf_is_refused_or_given_exactly_as_the_preview(as_user, username):
    client = as_user(username)
    pk = chau_thanh().pk
    preview = client.get(reverse("report-preview", args=[pk]))
    pdf = client.get(reverse("report-pdf", args=[pk]))
    assert pdf.status_code == preview.status_code
    assert pdf.status_code == (404 if username == "hongngu" else 200)


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, demo):
    url = reverse("report-pdf", args=[chau_thanh().pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_file_name_is_ascii(demo):
    report = chau_thanh()
    report.unit.name = "Thành phố Đồng Tháp / Ngự"
    assert pdf_filename(report) == "BC-877-thanh-pho-dong-thap-ngu-2020.pdf"


# ---------------------------------------------------------------------- the text


def test_the_pdf_reads_as_seed_000(chau_thanh_pdf):
    text = squeeze(pdf_text(chau_thanh_pdf))

    # The header grid, row by row: bodies | nation and motto, then number | date.
    header = [
        "UBND TỈNH ĐỒNG THÁP",
        "ỦY BAN NHÂN DÂN HUYỆN CHÂU THÀNH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: /BC-UBND",
        "Châu Thành, ngày 20 tháng 11 năm 2020",
        "BÁO CÁO",
    ]
    position = 0
    for line in header + seed_lines("Kết quả triển khai", "Hội nghị Trung ương 6 khóa XII"):
        found = text.find(squeeze(line), position)
        assert found >= 0, f"not in the header, or out of order: {line!r}"
        position = found + len(squeeze(line))

    for line in seed_lines("Tiếp nhận Công văn", "CT/TU của Ban Chấp hành Đảng bộ Tỉnh khóa X./."):
        found = text.find(squeeze(line), position)
        assert found >= 0, f"not in the PDF, or out of order: {line!r}"
        position = found + len(squeeze(line))

    # The signature block: the seed's extraction printed its two columns interleaved.
    for line in seed_lines("Nơi nhận:", "Đỗ Nhật Định"):
        for part in line.split("Nơi nhận:"):
            assert squeeze(part) in text[position:], part

    appendix = text[text.find(squeeze("PHỤ LỤC")) :]
    assert (
        squeeze(
            "(Kèm theo Báo cáo số /BC-UBND ngày 20 tháng 11 năm 2020 "
            "của Ủy ban nhân dân huyện Châu Thành)"
        )
        in appendix
    )
    for cell in ["Đã quán triệt", "Phương thức quán triệt", "Cấp hyện, thị, xã thành phố"]:
        assert squeeze(cell) in appendix, cell
    for actual in ["13,04", "< 17", "0,90", "84", "12/12", "9,8", "3,67", "90,08", "3,7"]:
        assert squeeze(actual) in appendix, actual


def test_only_the_bundled_liberation_serif_is_embedded(chau_thanh_pdf):
    listing = poppler("pdffonts", chau_thanh_pdf).splitlines()[2:]
    fonts = {line.split()[0]: line.split() for line in listing}
    styles = set()
    for name, columns in fonts.items():
        match = re.fullmatch(r"[A-Z]{6}\+(Portal-)?Liberation-?Serif(-Bold)?(-Italic)?", name)
        assert match, f"{name}: not Liberation Serif"
        assert columns[-5:-2] == ["yes", "yes", "yes"], f"{name}: not embedded as a subset"
        styles.add((bool(match.group(2)), bool(match.group(3))))
    # Body, headings, date line, "Nơi nhận:".
    assert styles == {(False, False), (True, False), (False, True), (True, True)}


# ---------------------------------------------------------------------- the layout


def test_page_numbers_from_page_2_centred_in_the_top_margin(chau_thanh_pdf):
    pages = pages_of(chau_thanh_pdf)
    assert len(pages) >= 3
    first = [w for w in pages[0][2] if w[1] < TOP - TOLERANCE]
    assert first == [], f"text in page 1's top margin: {first}"

    width, _height, words = pages[1]
    in_margin = [w for w in words if w[3] < TOP]
    assert [w[4] for w in in_margin] == ["2"]
    x0, _y0, x1, _y1, _word = in_margin[0]
    centre = (LEFT + width - RIGHT) / 2
    assert abs((x0 + x1) / 2 - centre) < 2, "the page number is not centred"
    # Body text follows the top margin at once (the 6 pt of a paragraph aside).
    body_top = min(w[1] for w in words if w not in in_margin)
    assert TOP - TOLERANCE <= body_top <= TOP + 6


def test_a4_portrait_with_the_decree_margins(chau_thanh_pdf):
    info = poppler("pdfinfo", "-f", 1, "-l", 99, chau_thanh_pdf)
    sizes = [tuple(map(float, s)) for s in re.findall(r"size:\s+([\d.]+) x ([\d.]+) pts", info)]
    pages = pages_of(chau_thanh_pdf)
    assert len(pages) == len(sizes)
    for (width, height, _words), size in zip(pages, sizes, strict=True):
        assert (width, height) == pytest.approx(size, abs=0.01)
    portrait = [(i, p[2]) for i, p in enumerate(pages) if sizes[i] == pytest.approx(A4, abs=0.1)]
    # The appendix may be landscape: the report before it is portrait.
    appendix = next(i for i, p in enumerate(pages) if any(w[4] == "PHỤ" for w in p[2]))
    assert [i for i, _words in portrait[:appendix]] == list(range(appendix)), sizes

    lefts, rights = [], []
    for i, words in portrait:
        for x0, y0, x1, y1, word in words:
            if y1 < TOP:
                continue  # the page number
            assert y0 >= TOP - TOLERANCE, f"page {i + 1}: {word!r} in the top margin"
            assert x0 >= LEFT - TOLERANCE, f"page {i + 1}: {word!r} in the left margin"
            assert x1 <= A4[0] - RIGHT + TOLERANCE, f"page {i + 1}: {word!r} in the right margin"
            assert y1 <= A4[1] - BOTTOM + TOLERANCE, f"page {i + 1}: {word!r} in the bottom margin"
            lefts.append(x0)
            rights.append(x1)
    # The margins are met, not merely respected: lines start at 30 mm and
    # justified lines end at 210 − 15 mm.
    assert sum(abs(x - LEFT) < TOLERANCE for x in lefts) > 100
    assert sum(abs(x - (A4[0] - RIGHT)) < TOLERANCE for x in rights) > 100

    # Page 1 opens with the header at the top margin; the number and the date
    # line stand on one line, the number in the left column.
    words = pages[0][2]
    assert min(w[1] for w in words) == pytest.approx(TOP, abs=4)
    number = next(w for w in words if w[4] == "Số:")
    place = next(w for w in words if w[4] == "Châu")
    assert number[2] < place[0] and abs(number[3] - place[3]) < 3


def test_signature_block_and_appendix_pages(chau_thanh_pdf):
    pages = pages_of(chau_thanh_pdf)
    texts = [" ".join(w[4] for w in words) for _w, _h, words in pages]
    signed = [i for i, text in enumerate(texts) if "Định" in text and "Nhật" in text]
    assert len(signed) == 1
    page = pages[signed[0]][2]
    label = next(w for w in page if w[4] == "Nơi")
    authority = next(w for w in page if w[4] == "TM.")
    # "Nơi nhận:" on the left, level with the authority words on the right.
    assert label[0] < authority[0] and abs(label[1] - authority[1]) < 4
    assert "Lưu" in texts[signed[0]] and "PHÓ" in texts[signed[0]]

    # The appendix starts a page of its own, landscape for its nine-column
    # matrix, unnumbered (appendices are numbered apart).
    appendix = next(i for i, text in enumerate(texts) if "PHỤ LỤC" in text)
    assert appendix == signed[0] + 1
    width, height, words = pages[appendix]
    assert (width, height) == pytest.approx((A4[1], A4[0]), abs=0.1)
    assert words[0][4] == "PHỤ" and words[0][1] >= 30 * MM - TOLERANCE
    assert all(w[0] >= 20 * MM - TOLERANCE and w[2] <= A4[1] - 20 * MM + TOLERANCE for w in words)


def test_a_png_of_page_1_for_people_to_look_at(chau_thanh_pdf):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(chau_thanh_pdf, ARTIFACTS / "chau-thanh-2020.pdf")
    prefix = ARTIFACTS / "chau-thanh-page"
    poppler("pdftoppm", "-png", "-r", 60, "-f", 1, "-l", 1, "-singlefile", chau_thanh_pdf, prefix)
    png = prefix.with_suffix(".png").read_bytes()
    assert png.startswith(b"\x89PNG")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == pytest.approx((496, 702), abs=1)  # A4 at 60 dpi


# ---------------------------------------------------------------------- commands


def test_export_report_writes_a_readable_pdf(demo, tmp_path):
    target = tmp_path / "bc.pdf"
    call_command("export_report", chau_thanh().pk, "--format", "pdf", "-o", str(target))
    info = poppler("pdfinfo", target)
    assert "A4" in info
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) >= 3


def test_export_report_refuses_an_unknown_format_or_report(demo, tmp_path):
    with pytest.raises(CommandError, match=r"Unknown format 'docx'.*pdf"):
        call_command("export_report", chau_thanh().pk, "--format", "docx", "-o", tmp_path / "x")
    with pytest.raises(CommandError, match="no report 999999"):
        call_command("export_report", 999999, "-o", str(tmp_path / "x"))
    assert not (tmp_path / "x").exists()


def test_export_round_zips_the_pdfs_of_the_reports_started(demo, tmp_path):
    round_ = demo_round()
    # Two reports started (one of them seed 000's), the others not: a short run.
    Report.objects.filter(round=round_).exclude(unit__code__in=["877", "867"]).update(
        status=ReportStatus.NOT_STARTED
    )
    target = tmp_path / "round.zip"
    call_command("export_round", round_.pk, "-o", str(target))
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        assert names == ["BC-867-thanh-pho-sa-dec-2020.pdf", "BC-877-huyen-chau-thanh-2020.pdf"]
        for name in names:
            (tmp_path / name).write_bytes(archive.read(name))
    for name in names:
        assert "A4" in poppler("pdfinfo", tmp_path / name)
    assert "Đỗ Nhật Định" in pdf_text(tmp_path / names[1])


# ------------------------------------------------------------------ the wording


@pytest.mark.parametrize(
    "day, expected",
    [
        (dt.date(2021, 2, 5), "ngày 05 tháng 02 năm 2021"),
        (dt.date(2020, 11, 20), "ngày 20 tháng 11 năm 2020"),
        (dt.date(2021, 3, 3), "ngày 03 tháng 3 năm 2021"),
        (dt.date(2020, 1, 31), "ngày 31 tháng 01 năm 2020"),
        (dt.date(2020, 12, 9), "ngày 09 tháng 12 năm 2020"),
    ],
)
def test_dates_have_a_leading_zero_below_10_and_for_months_1_and_2(day, expected):
    assert vn_date(day) == expected


def test_the_date_line():
    assert date_line("Châu Thành", dt.date(2020, 11, 20), 2020) == (
        "Châu Thành, ngày 20 tháng 11 năm 2020"
    )
    unsigned = date_line("Châu Thành", None, 2020)
    assert unsigned.startswith("Châu Thành, ngày") and unsigned.endswith("năm 2020")
    assert not re.search(r"\d", unsigned[: -len("2020")]), "a day or month printed unsigned"


@pytest.mark.parametrize(
    "number, body, party",
    [
        ("172-KH/TU", "", True),
        ("225-CTr/HU", "", True),
        ("12-BC/TU", "BAN TUYÊN GIÁO TỈNH ỦY", True),
        ("45-BC/HU", "ỦY BAN NHÂN DÂN HUYỆN CHÂU THÀNH", True),
        ("", "HUYỆN UỶ CHÂU THÀNH", True),
        ("/BC-UBND", "ỦY BAN NHÂN DÂN HUYỆN CHÂU THÀNH", False),
        ("158/KH-UBND", "ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP", False),
        ("104/QĐ-UBND-TL", "", False),
        ("", "SỞ Y TẾ", False),
    ],
)
def test_party_documents_are_told_by_their_number_or_body(number, body, party):
    assert is_party_document(number, body) is party


def test_number_lines():
    assert number_line("125/BC-UBND", party=False) == "Số: 125/BC-UBND"
    assert number_line("172-KH/TU", party=True) == "Số 172-KH/TU"
    blank = number_line("/BC-UBND", party=False)
    assert blank.startswith("Số: ") and blank.endswith("/BC-UBND") and "\u00a0" in blank


def test_the_issuing_body_in_a_running_text():
    # Decree 30, Appendix II: the administrative word in lower case inside a
    # sentence, the place's capitals kept.
    assert (
        issuer_in_text("ỦY BAN NHÂN DÂN HUYỆN CHÂU THÀNH", "Huyện Châu Thành")
        == "Ủy ban nhân dân huyện Châu Thành"
    )
    assert issuer_in_text("ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP") == "Ủy ban nhân dân tỉnh Đồng Tháp"
    assert issuer_in_text("SỞ Y TẾ") == "Sở Y tế"


def test_a_party_report_gets_the_party_header(as_user):
    report = chau_thanh()
    report.number_symbol = "12-BC/HU"
    report.superior_body = "ĐẢNG BỘ TỈNH ĐỒNG THÁP"
    report.issuing_body = "HUYỆN ỦY CHÂU THÀNH"
    report.save()
    # The preview shows what the PDF prints: same template, same context.
    html = as_user("syt").get(reverse("report-preview", args=[report.pk])).content.decode()
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in html and "Số 12-BC/HU" in html
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in html
    assert "Độc lập - Tự do - Hạnh phúc" not in html


# ------------------------------------------------------------- static files only


def test_the_fetcher_serves_static_files_and_nothing_else():
    assert Path(static_path(BASE_URL + "static/css/document.css")).is_file()
    font = static_path(BASE_URL + "static/fonts/liberation-serif/LiberationSerif-Bold.ttf")
    assert Path(font).read_bytes()[:4] == b"\x00\x01\x00\x00"  # a TrueType font
    for url in [
        "https://example.com/static/css/document.css",
        "file:///etc/passwd",
        BASE_URL + "media/x.css",
        BASE_URL + "static/../portal/settings.py",
        BASE_URL + "static/css/missing.css",
    ]:
        with pytest.raises(ValueError):
            static_path(url)


def test_a_missing_stylesheet_or_font_stops_the_rendering():
    page = '<html><head><link rel="stylesheet" href="{}"></head><body>x</body></html>'
    assert html_to_pdf(page.format("/static/css/document.css")).startswith(b"%PDF-")
    with pytest.raises(MissingStaticFile, match="missing.css"):
        html_to_pdf(page.format("/static/css/missing.css"))
    with pytest.raises(MissingStaticFile, match="example.com"):
        html_to_pdf(page.format("https://example.com/document.css"))
