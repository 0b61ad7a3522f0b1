"""Reading Ofsted's register files: the published totals, and bad files refused."""

import csv

import pytest

from commissioning.reference.register import (
    REGISTER_FILES,
    RegisterFileError,
    load_register_homes,
    read_register,
)


def test_the_2024_register_holds_ofsteds_published_totals():
    homes = load_register_homes(2024)
    assert len(homes) == 3491
    assert sum(home.places for home in homes) == 14486
    secure = [home for home in homes if home.provision_type == "secure_childrens_home"]
    assert len(secure) == 13
    assert sum(home.places for home in secure) == 214


def test_every_home_is_located_at_its_host_authority():
    homes = load_register_homes(2024)
    assert all(home.la_code.startswith("E") and home.lat and home.lon for home in homes)
    assert len({home.owner for home in homes}) > 1000


def test_the_2023_register_is_read_too():
    homes = load_register_homes(2023)
    assert len(homes) == 3290
    assert sum(home.places == 1 for home in homes) < sum(
        home.places == 1 for home in load_register_homes(2024)
    )


def test_grades_come_from_the_latest_full_inspection():
    homes = {home.urn: home for home in load_register_homes(2024)}
    # Sheffield's secure children's home, SC046524, in the 2024 grades file.
    assert homes["SC046524"].provision_type == "secure_childrens_home"
    assert homes["SC046524"].la_name == "Sheffield"
    assert homes["SC046524"].inspection_date is not None


def copy_with_cell(tmp_path, source, column, value):
    """A copy of a register file with one cell of its first children's home changed;
    returns the copy and the changed row's line number."""
    with source.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    index = next(i for i, row in enumerate(rows) if row[3] == "Children's home")
    rows[index][header.index(column)] = value
    path = tmp_path / source.name
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path, index + 1


def test_a_malformed_row_is_reported_with_its_line_number(tmp_path):
    places, grades = REGISTER_FILES[2024]
    bad, line = copy_with_cell(tmp_path, places, "Registration status", "Dormant")
    with pytest.raises(RegisterFileError) as raised:
        read_register(bad, grades)
    assert [(e.line, e.file) for e in raised.value.errors] == [(line, places.name)]
    assert "'Dormant' is not one of" in str(raised.value)


@pytest.mark.parametrize("places_value", ["-1", "six", "", "²", "2147483648", "9" * 5000, "١٢"])
def test_places_that_are_not_a_whole_number_are_refused(tmp_path, places_value):
    places, grades = REGISTER_FILES[2024]
    bad, line = copy_with_cell(tmp_path, places, "Places", places_value)
    with pytest.raises(RegisterFileError) as raised:
        read_register(bad, grades)
    assert raised.value.errors[0].line == line
    assert "Places" in raised.value.errors[0].reason


@pytest.mark.parametrize(
    "column, value, reason",
    [
        ("URN", "SC1234567890X", "is not 1 to 12 letters and digits"),
        ("URN", "SC12 34", "is not 1 to 12 letters and digits"),
        ("Registration date", "01/01/2999", "is not between 1900 and today"),
        ("Registration date", "31/02/2020", "is not in the form DD/MM/YYYY"),
    ],
)
def test_what_no_column_could_hold_is_a_row_error_not_a_traceback(tmp_path, column, value, reason):
    places, grades = REGISTER_FILES[2024]
    bad, line = copy_with_cell(tmp_path, places, column, value)
    with pytest.raises(RegisterFileError) as raised:
        read_register(bad, grades)
    assert raised.value.errors[0].line == line
    assert reason in raised.value.errors[0].reason


def test_an_unknown_authority_is_refused(tmp_path):
    places, grades = REGISTER_FILES[2024]
    bad, line = copy_with_cell(tmp_path, places, "Local authority", "Atlantis")
    with pytest.raises(RegisterFileError) as raised:
        read_register(bad, grades)
    assert str(raised.value.errors[0]) == (
        f"{places.name}, line {line}: unknown local authority 'Atlantis'"
    )


def test_a_file_without_the_register_columns_is_refused(tmp_path):
    _, grades = REGISTER_FILES[2024]
    bad = tmp_path / "places.csv"
    bad.write_text("URN,Name\nSC1,REDACTED\n", encoding="utf-8")
    with pytest.raises(RegisterFileError) as raised:
        read_register(bad, grades)
    assert raised.value.errors[0].line == 1
    assert "missing column" in raised.value.errors[0].reason


def test_an_unknown_grade_is_refused(tmp_path):
    places, grades = REGISTER_FILES[2024]
    column = "Overall experiences and progress of children and young people"
    bad, line = copy_with_cell(tmp_path, grades, column, "Superb")
    with pytest.raises(RegisterFileError) as raised:
        read_register(places, bad)
    assert [e.line for e in raised.value.errors] == [line]
    assert "Superb" in raised.value.errors[0].reason
