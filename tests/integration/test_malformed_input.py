"""Malformed input (issue 16): a field message or a 400, never a 500 and never a write, and
the embedded SQLite default refuses what PostgreSQL refuses rather than store it."""

import pytest
from sqlalchemy import func, select

from commissioning.extensions import db
from commissioning.models import Provider
from commissioning.sqlite import RefusedValue
from tests.integration.journeys import post_section, start


@pytest.mark.parametrize(
    "value",
    ["x" * 201, "Care\x00Ltd"],
    ids=["past the column's length", "a NUL character"],
)
def test_the_database_layer_refuses_what_postgresql_would(app_context, value):
    providers = db.session.scalar(select(func.count()).select_from(Provider))
    db.session.add(Provider(name=value))
    with pytest.raises(RefusedValue):
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Provider)) == providers


@pytest.mark.parametrize(
    "section, field, value, message",
    [
        ("child", "age", "2147483648", "Age in years must be between 0 and 17"),
        ("child", "age", "1" * 4301, "Age in years must be a whole number, like 14"),
        ("child", "needed_by", "today\r\nX-Injected: 1", "Select when the placement is needed"),
        ("needs", "home_adaptation", "\x00", "must not contain hidden control characters"),
        ("needs", "additional_support", "y" * 100_000, "must be 300 characters or fewer"),
        ("location", "family_sector", "M14\x005", "must not contain hidden control characters"),
    ],
)
def test_malformed_answers_get_a_field_message(commissioner, section, field, value, message):
    reference = start(commissioner)
    response = post_section(commissioner, reference, section, **{field: value})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
