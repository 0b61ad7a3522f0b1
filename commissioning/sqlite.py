"""The embedded SQLite default, made to keep PostgreSQL's promises where it matters here."""

from sqlalchemy import Engine, event


def keep_postgresql_promises(engine: Engine) -> None:
    """SQLite checks foreign keys only when asked, per connection: ask, so a row pointing
    nowhere is refused on the embedded default as on PostgreSQL."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA foreign_keys = ON")
