"""Backups that restore anywhere: every table as JSON lines, plus the evidence files, in one zip.

A logical backup does not depend on the database engine, so a backup of the embedded SQLite
database restores into PostgreSQL (and back), as long as both are at the same migration.
"""

from __future__ import annotations

import base64
import json
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from alembic.migration import MigrationContext
from sqlalchemy import func, select, text

from gplan.extensions import db
from gplan.tasks.evidence import upload_folder

FORMAT = 1


class BackupError(Exception):
    """A backup that cannot be restored here; the message says why."""


def _encode(value):
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$dec": str(value)}
    if isinstance(value, bytes):
        return {"$b64": base64.b64encode(value).decode()}
    return value


def _decode(value):
    if isinstance(value, dict) and len(value) == 1:
        ((key, raw),) = value.items()
        if key == "$dt":
            return datetime.fromisoformat(raw)
        if key == "$d":
            return date.fromisoformat(raw)
        if key == "$dec":
            return Decimal(raw)
        if key == "$b64":
            return base64.b64decode(raw)
    return value


def _revision() -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def write_backup(target: str | Path) -> dict[str, int]:
    """Write every table and every evidence file to the zip ``target``; return row counts."""
    counts: dict[str, int] = {}
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with db.engine.connect() as connection:
            for table in db.metadata.sorted_tables:
                rows = connection.execute(select(table).order_by(*table.primary_key.columns)).mappings()
                lines = [
                    json.dumps({k: _encode(v) for k, v in row.items()}, ensure_ascii=False) for row in rows
                ]
                archive.writestr(f"tables/{table.name}.jsonl", "\n".join(lines))
                counts[table.name] = len(lines)
        for path in sorted(upload_folder().iterdir()):
            if path.is_file():
                archive.write(path, f"uploads/{path.name}")
        manifest = {"format": FORMAT, "revision": _revision(), "counts": counts}
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
    return counts


def _tables_with_rows() -> list[str]:
    with db.engine.connect() as connection:
        return [
            table.name
            for table in db.metadata.sorted_tables
            if connection.execute(select(func.count()).select_from(table)).scalar()
        ]


def restore_backup(source: str | Path) -> dict[str, int]:
    """Load a backup into this (migrated, empty) database and put back the evidence files."""
    try:
        archive = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as error:
        raise BackupError(f"{source} is not a gplan backup ({error})") from None
    with archive:
        try:
            manifest = json.loads(archive.read("manifest.json"))
        except (KeyError, ValueError):
            raise BackupError(f"{source} has no valid manifest.json") from None
        if manifest.get("format") != FORMAT:
            raise BackupError(f"{source} is backup format {manifest.get('format')}, expected {FORMAT}")
        if manifest.get("revision") != _revision():
            raise BackupError(
                f"the backup is at migration {manifest.get('revision')}, this database at {_revision()}: "
                "run `flask db upgrade` (or use the matching gplan version) first"
            )
        if filled := _tables_with_rows():
            raise BackupError(
                f"the database is not empty ({', '.join(filled)} have rows): "
                "restore only into a freshly migrated database"
            )
        counts = _load_tables(archive)
        folder = upload_folder()
        for name in archive.namelist():
            if name.startswith("uploads/") and not name.endswith("/"):
                (folder / Path(name).name).write_bytes(archive.read(name))
    return counts


def _load_tables(archive: zipfile.ZipFile) -> dict[str, int]:
    counts = {}
    with db.engine.begin() as connection:
        for table in db.metadata.sorted_tables:
            try:
                raw = archive.read(f"tables/{table.name}.jsonl").decode()
            except KeyError:
                continue
            rows = [{k: _decode(v) for k, v in json.loads(line).items()} for line in raw.splitlines() if line]
            if rows:
                connection.execute(table.insert(), rows)
            counts[table.name] = len(rows)
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection)
    return counts


def _reset_sequences(connection) -> None:
    """Inserting explicit ids leaves PostgreSQL's sequences behind; move them past the data."""
    for table in db.metadata.sorted_tables:
        for column in table.primary_key.columns:
            sequence = connection.execute(
                text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column.name}
            ).scalar()
            if sequence:
                highest = connection.execute(select(func.max(column))).scalar() or 0
                connection.execute(text("SELECT setval(:s, :v, false)"), {"s": sequence, "v": highest + 1})
