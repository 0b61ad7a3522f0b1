"""The database refuses any token outside its vocabulary, on SQLite as on PostgreSQL."""

import re

import pytest
from sqlalchemy import Enum, inspect, text
from sqlalchemy.exc import IntegrityError

from commissioning.extensions import db


def token_columns():
    return [
        (table.name, column.name, column.type.enums)
        for table in db.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, Enum)
    ]


def test_every_token_column_has_a_check_listing_exactly_its_vocabulary(app_context):
    inspector = inspect(db.engine)
    for table, column, values in token_columns():
        checks = {c["name"]: c["sqltext"] for c in inspector.get_check_constraints(table)}
        condition = checks.get(f"ck_{table}_{column}")
        assert condition is not None, (table, column)
        listed = set(re.findall(r"'([^']*)'", condition))
        assert listed == set(values), (table, column)


def test_an_unknown_token_written_past_the_app_is_refused(app_context):
    with pytest.raises(IntegrityError), db.engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE home SET provision_type = 'castle' WHERE urn = (SELECT MIN(urn) FROM home)"
            )
        )
