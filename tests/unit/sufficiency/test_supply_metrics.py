"""Supply figures on the real registers: Ofsted's published totals and the change since 2023."""

from functools import cache

from commissioning.reference.geography import la_adjacency, load_local_authorities
from commissioning.reference.register import load_register_homes
from sufficiency.metrics import supply
from sufficiency.metrics.geography import Geography
from sufficiency.metrics.tables import ENGLAND, Area


@cache
def registers() -> tuple[supply.Register, supply.Register]:
    return (
        supply.from_register("31 Aug 2023", load_register_homes(2023)),
        supply.from_register("31 Mar 2024", load_register_homes(2024)),
    )


@cache
def places() -> Geography:
    return Geography.of(load_local_authorities())


def test_england_has_ofsteds_3491_homes_with_14486_places():
    previous, current = registers()
    total = supply.by_area(previous, current, ENGLAND, places()).total
    assert total == ("Total", 3290, 13951, 3491, 14486, 14486 - 13951)


def test_the_13_secure_childrens_homes_have_214_places_on_both_registers():
    previous, current = registers()
    secure = supply.by_area(
        previous.within(ENGLAND, supply.is_secure),
        current.within(ENGLAND, supply.is_secure),
        ENGLAND,
        places(),
    )
    assert secure.total == ("Total", 13, 214, 13, 214, 0)


def test_one_place_homes_grew_from_232_to_251():
    previous, current = registers()
    table = supply.one_place_homes(previous, current, ENGLAND, places())
    assert table.total == ("Total", 232, 251, 19, 8.2)


def test_homes_opened_less_homes_closed_is_the_change_in_homes():
    previous, current = registers()
    total = supply.openings_and_closures(previous, current, ENGLAND, places()).total
    _, opened, _, closed, _, net = total
    assert opened - closed == net == 3491 - 3290


def test_size_bands_count_every_home_once():
    previous, current = registers()
    table = supply.by_size(previous, current, ENGLAND)
    assert sum(table.column("Homes 31 Mar 2024")) == 3491
    assert table.rows[0][0] == "1 place"
    assert table.rows[0][3] == 251


def test_england_breaks_down_by_region_and_a_region_by_authority():
    previous, current = registers()
    regions = supply.by_area(previous, current, ENGLAND, places())
    assert regions.headings[0] == "Region"
    assert len(regions.rows) == 9
    north_west = Area("North West", places().region_unit("E12000002"))
    authorities = supply.by_area(previous, current, north_west, places())
    assert authorities.headings[0] == "Local authority"
    assert "Manchester" in authorities.column("Local authority")


def test_near_an_authority_means_it_and_the_authorities_sharing_its_boundary():
    geography = Geography.of(load_local_authorities(), la_adjacency())
    manchester = Area("Manchester", frozenset({"E08000003"}))
    near = geography.near(manchester)
    names = {geography.la_names[code] for code in near.la_codes}
    assert {"Manchester", "Salford", "Trafford", "Stockport", "Tameside", "Oldham"} <= names
    assert "Liverpool" not in names
    assert near.name == "Manchester and the authorities next to it"
    consortium = Area("Ours", frozenset({"E08000003", "E08000006"}))
    assert geography.near(consortium) is consortium


def test_vacancies_count_only_confirmed_ones_as_confirmed():
    homes = (
        supply.SupplyHome("1", "childrens_home", "private", 4, "E08000003", None, 2, True),
        supply.SupplyHome("2", "childrens_home", "private", 3, "E08000003", None, 1, False),
    )
    table = supply.vacancies(
        supply.Register("now", homes), Area("Manchester", frozenset({"E08000003"})), places()
    )
    assert table.total == ("Total", 7, 3, 2)
