"""Geography from the shipped ONS data, checked against facts anyone can see on a map."""

import pytest

from commissioning.reference.geography import (
    la_adjacency,
    la_code_for_name,
    load_local_authorities,
    load_regions,
    postcode_districts,
    postcode_sectors,
)


def code(name: str) -> str:
    return next(la.code for la in load_local_authorities() if la.name == name)


def neighbours_of(name: str) -> set[str]:
    names = {la.code: la.name for la in load_local_authorities()}
    return {names[c] for c in la_adjacency()[code(name)]}


def test_the_153_childrens_services_authorities_in_nine_regions():
    assert len(load_local_authorities()) == 153
    assert len(load_regions()) == 9
    assert sum(la.region_name == "North West" for la in load_local_authorities()) == 24


@pytest.mark.parametrize(
    "ofsted_name, ons_name",
    [
        ("Bristol", "Bristol, City of"),
        ("Durham", "County Durham"),
        ("Herefordshire", "Herefordshire, County of"),
        ("Kingston upon Hull", "Kingston upon Hull, City of"),
        ("Southend on Sea", "Southend-on-Sea"),
        ("St Helens", "St. Helens"),
        ("Bournemouth, Christchurch & Poole", "Bournemouth, Christchurch and Poole"),
        ("Manchester", "Manchester"),
    ],
)
def test_ofsted_spellings_of_authorities_match_ons_codes(ofsted_name, ons_name):
    assert la_code_for_name(ofsted_name) == code(ons_name)


def test_an_unknown_authority_has_no_code():
    assert la_code_for_name("Atlantis") is None


@pytest.mark.parametrize(
    "a, b",
    [
        ("Manchester", "Salford"),
        ("Manchester", "Trafford"),
        ("Cornwall", "Devon"),
        ("Kent", "Medway"),
        ("Kent", "East Sussex"),
        ("Leeds", "Bradford"),
        ("Northumberland", "Newcastle upon Tyne"),
        ("Lincolnshire", "Norfolk"),
        ("Camden", "Islington"),
    ],
)
def test_authorities_that_share_a_boundary_adjoin(a, b):
    assert b in neighbours_of(a)
    assert a in neighbours_of(b)


@pytest.mark.parametrize(
    "a, b",
    [
        ("Cornwall", "Kent"),
        ("Manchester", "Leeds"),
        ("Cornwall", "Somerset"),
        ("Liverpool", "Manchester"),
        ("Northumberland", "North Yorkshire"),
    ],
)
def test_authorities_apart_do_not_adjoin(a, b):
    assert b not in neighbours_of(a)


def test_islands_with_no_land_border_have_no_land_neighbours():
    assert neighbours_of("Isles of Scilly") == set()


def test_adjacency_is_symmetric_and_every_mainland_authority_has_a_neighbour():
    adjacency = la_adjacency()
    for la, neighbours in adjacency.items():
        for other in neighbours:
            assert la in adjacency[other]
    lonely = {la.name for la in load_local_authorities() if not adjacency[la.code]}
    assert lonely == {"Isles of Scilly"}


def test_postcode_centroids_cover_english_districts_and_sectors():
    assert postcode_districts()["M14"].la_code == code("Manchester")
    assert postcode_sectors()["M14 5"].la_code == code("Manchester")
    assert "AB10" not in postcode_districts()  # Aberdeen is in Scotland
