"""The schema comes only from migrations: they match the models (as `flask db check`)."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from commissioning.extensions import db


def test_migrations_leave_nothing_for_autogenerate_to_add(app_context):
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []
