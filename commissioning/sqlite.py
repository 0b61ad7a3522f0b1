"""The embedded SQLite default, made to keep PostgreSQL's promises where it matters here."""

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session


def keep_postgresql_promises(engine: Engine) -> None:
    """SQLite checks foreign keys only when asked, per connection: ask, so a row pointing
    nowhere is refused on the embedded default as on PostgreSQL; and refuse, before any
    flush, the lengths, NULs and integers PostgreSQL would refuse."""
    # On every database, so a value is refused the same way (before it is sent) everywhere.
    if not event.contains(Session, "before_flush", refuse_what_postgresql_refuses):
        event.listen(Session, "before_flush", refuse_what_postgresql_refuses)
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA foreign_keys = ON")


class RefusedValue(ValueError):
    """A value PostgreSQL would refuse: refused on every database, before it is written."""


INT4 = range(-(2**31), 2**31)


def refuse_what_postgresql_refuses(session, _context, _instances) -> None:
    """before_flush: strings past their column's length or holding a NUL, and integers past
    32 bits. PostgreSQL refuses these itself; SQLite would store them. Forms say so on the
    field first: this is the last line, so the embedded default never keeps what production
    could not."""
    for record in (*session.new, *session.dirty):
        for column in record.__table__.columns:
            if column.key in record.__dict__:
                _check(column, record.__dict__[column.key])


def _check(column, value) -> None:
    if isinstance(value, str):
        length = getattr(column.type, "length", None)
        if length is not None and len(value) > length:
            raise RefusedValue(f"{column} is longer than {length} characters")
        if "\x00" in value:
            raise RefusedValue(f"{column} holds a NUL character")
    elif isinstance(value, int) and not isinstance(value, bool) and value not in INT4:
        raise RefusedValue(f"{column} is past a 32-bit integer")
