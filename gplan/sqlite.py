"""SQLite settings for the embedded default: concurrent readers, patient writers."""

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine


def enable_sqlite_pragmas(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, open transactions, so SAVEPOINTs work (SQLAlchemy's
        # documented pysqlite recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _will_write(connection) else "BEGIN")


def _will_write(connection) -> bool:
    """Whether the transaction about to start may write.

    A deferred transaction that reads and then writes fails at once with "database is locked"
    when another connection committed in between (SQLite cannot upgrade a stale snapshot), so
    writers take the write lock up front and wait their turn (busy_timeout) instead. Page
    views (GET) only read and keep the cheaper deferred BEGIN; form posts, CLI commands and
    background jobs write. A connection opened with ``read_only=True`` (the backup's snapshot)
    only reads, and must not hold the write lock for as long as it reads.
    """
    if connection.get_execution_options().get("read_only"):
        return False
    if has_request_context():
        return request.method not in ("GET", "HEAD", "OPTIONS")
    return True
