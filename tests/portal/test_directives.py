import pytest

from portal.models import Directive

pytestmark = pytest.mark.django_db


def test_the_chain_of_seed_000_walks_from_the_district_plan_up_to_resolution_20(demo):
    plan = Directive.objects.get(number_symbol="155/KH-UBND")
    chain = [d.number_symbol for d in plan.chain_up()]
    assert chain == ["155/KH-UBND", "158/KH-UBND", "59-CTr/TU", "139/NQ-CP", "20-NQ/TW"]
    population = Directive.objects.get(number_symbol="226-CTr/HU")
    assert population.chain_up()[-1].number_symbol == "21-NQ/TW"


def test_the_request_letter_is_kept_as_written(demo):
    letter = Directive.objects.get(number_symbol="3899/SYT-KHTC")
    assert letter.issued_on.isoformat() == "2020-11-13"
    assert not letter.is_party_document
    assert Directive.objects.get(number_symbol="59-CTr/TU").is_party_document


def test_the_directive_page_lists_them_as_a_tree(as_user):
    client = as_user("chauthanh")
    page = client.get("/directives/").content.decode()
    assert page.index("20-NQ/TW") < page.index("139/NQ-CP") < page.index("59-CTr/TU")
    assert page.index("59-CTr/TU") < page.index("158/KH-UBND") < page.index("225-CTr/HU")
    assert 'class="tree-level-4' in page  # 225-CTr/HU sits four levels under 20-NQ/TW


def test_a_directive_shows_what_implements_it(as_user):
    client = as_user("chauthanh")
    plan = Directive.objects.get(number_symbol="158/KH-UBND")
    page = client.get(f"/directives/{plan.pk}/").content.decode()
    implementers = page[page.index('id="implemented-by"') :]
    for symbol in ["225-CTr/HU", "155/KH-UBND", "3899/SYT-KHTC"]:
        assert symbol in implementers
    assert "226-CTr/HU" not in implementers
    chain = page[page.index('id="chain"') : page.index('id="implemented-by"')]
    assert "59-CTr/TU" in chain and "20-NQ/TW" in chain
