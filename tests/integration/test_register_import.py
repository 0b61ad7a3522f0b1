"""Importing Ofsted's register: totals, updates between registers, idempotence, bad files."""

import csv

from sqlalchemy import func, select

from commissioning.cli import import_ofsted_command
from commissioning.extensions import db
from commissioning.models import Home, Provider
from commissioning.reference.register import REGISTER_FILES, read_register
from commissioning.registry.loading import import_register
from tests.integration.conftest import REGISTERS


def open_homes():
    return select(Home).where(Home.registration_status != "closed")


def test_the_2024_register_is_loaded_with_ofsteds_totals(app_context):
    homes = db.session.scalars(open_homes()).all()
    assert len(homes) == 3491
    assert sum(home.places for home in homes) == 14486
    secure = [h for h in homes if h.provision_type == "secure_childrens_home"]
    assert (len(secure), sum(h.places for h in secure)) == (13, 214)
    assert db.session.scalar(select(func.count()).select_from(Provider)) > 1000


def test_homes_are_located_at_their_authority_until_a_provider_says_more(app_context):
    home = db.session.scalars(open_homes().limit(1)).one()
    assert home.location_precision == "local_authority"
    assert (home.lat, home.lon) == (home.local_authority.lat, home.local_authority.lon)


def test_the_newer_register_updates_homes_and_closes_those_it_omits(app):
    summaries = app.config["TEST_IMPORT_SUMMARIES"]
    assert summaries[2023].added == 3290
    assert summaries[2024].added == 280
    assert summaries[2024].closed == 79
    assert summaries[2024].updated > 3000  # every home seen again is re-dated
    with app.app_context():
        closed = db.session.scalars(select(Home).where(Home.registration_status == "closed")).all()
        assert len(closed) == 79
        assert {h.closed_as_at for h in closed} == {REGISTERS[2024]}


def test_grades_and_places_follow_the_newer_register(app_context):
    register_2024 = {h.urn: h for h in read_register(*REGISTER_FILES[2024])}
    register_2023 = {h.urn: h for h in read_register(*REGISTER_FILES[2023])}
    regraded = next(
        urn
        for urn, home in register_2024.items()
        if urn in register_2023 and register_2023[urn].overall_grade != home.overall_grade
    )
    assert db.session.get(Home, regraded).overall_grade == register_2024[regraded].overall_grade


def row_state():
    return sorted(
        (
            h.urn,
            h.registration_status,
            h.places,
            h.overall_grade,
            h.last_registered_as_at,
            h.version,
        )
        for h in db.session.scalars(select(Home))
    )


def test_importing_the_same_register_again_changes_nothing(app_context):
    before = row_state()
    summary = import_register(read_register(*REGISTER_FILES[2024]), REGISTERS[2024])
    db.session.flush()
    assert (summary.added, summary.updated, summary.closed) == (0, 0, 0)
    assert summary.unchanged == 3491
    assert row_state() == before


def test_an_older_register_never_undoes_a_newer_one(app_context):
    before = row_state()
    summary = import_register(read_register(*REGISTER_FILES[2023]), REGISTERS[2023])
    db.session.flush()
    assert (summary.added, summary.updated, summary.closed) == (0, 0, 0)
    assert row_state() == before


def test_a_bad_file_is_reported_by_line_and_nothing_is_written(app, tmp_path):
    places, grades = REGISTER_FILES[2024]
    with places.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    homes = [i for i, row in enumerate(rows) if row[3] == "Children's home"]
    rows[homes[0]][rows[0].index("Places")] = "many"
    rows[homes[1]][rows[0].index("URN")] = ""
    bad = tmp_path / "places.csv"
    with bad.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    with app.app_context():
        before = row_state()
    result = app.test_cli_runner().invoke(
        import_ofsted_command, [str(bad), str(grades), "--as-at", "2025-03-31"]
    )
    assert result.exit_code == 1
    assert f"places.csv, line {homes[0] + 1}: Places 'many' is not a whole" in result.output
    assert f"places.csv, line {homes[1] + 1}: URN is empty" in result.output
    assert "nothing was imported" in result.output
    with app.app_context():
        assert row_state() == before
