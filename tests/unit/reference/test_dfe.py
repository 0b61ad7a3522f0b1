"""DfE's published new placements, read as DfE published them."""

from commissioning.reference.dfe import (
    ENGLAND_CODE,
    load_new_placements,
    new_placements_of,
    new_placements_summed,
)

MANCHESTER, BLACKBURN = "E08000003", "E06000008"


def test_every_area_has_its_six_figures_each_year():
    rows = load_new_placements()
    assert len(rows) == 5040 // 6
    assert {row.year for row in rows} == {2018, 2019, 2020, 2021, 2022}


def test_dfes_own_suppression_is_kept():
    """Manchester 2022 hides both "more than 20 miles" cells: DfE's secondary suppression."""
    (manchester_2022,) = [row for row in new_placements_of(MANCHESTER) if row.year == 2022]
    assert manchester_2022.figures == {
        "not_known": 205,
        "inside_under_20": 587,
        "inside_over_20": "c",
        "outside_under_20": 396,
        "outside_over_20": "c",
        "total": 1291,
    }


def test_england_and_regions_have_their_own_rows():
    england = new_placements_of(ENGLAND_CODE)
    assert [row.figures["total"] for row in england if row.year == 2022] == [85660]
    assert new_placements_of("E12000002")[-1].name == "North West"


def test_an_authority_made_in_2023_has_its_predecessors_figures():
    cumberland = new_placements_of("E06000063")
    assert {row.name for row in cumberland} == {"Cumbria"} and len(cumberland) == 5


def test_a_group_is_summed_and_a_cell_hidden_for_any_member_stays_hidden():
    (summed,) = [
        row for row in new_placements_summed(frozenset({MANCHESTER, BLACKBURN})) if row.year == 2022
    ]
    assert summed.figures["total"] == 1291 + 383
    assert summed.figures["inside_over_20"] == "c"
