"""Restoring a backup: all of it or nothing.

Every entry's name and size is checked before anything is written; the evidence files are
unpacked into a staging folder; the rows go in, table by table and a batch at a time (never a
whole table in memory), in one transaction; the files are moved into place just before it
commits. Any fault — a bad entry, a damaged line, a row the database refuses — leaves the
database empty and the upload folder as it was.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from alembic.migration import MigrationContext
from sqlalchemy import Connection, Table, func, select, text
from sqlalchemy.exc import SQLAlchemyError

from gplan.extensions import db
from gplan.models.tally import rebuild_tally
from gplan.ops.backup import BATCH, FORMAT, MANIFEST, BackupError, read_manifest, rows_of, table_entry
from gplan.tasks.evidence import upload_folder

STORED_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,199}")
FOLDERS = {"tables/", "uploads/"}


def restore_backup(source: str | Path) -> dict[str, int]:
    """Load a backup into this (migrated, empty) database and put back the evidence files."""
    try:
        archive = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as error:
        raise BackupError(f"{source} is not a gplan backup ({error})") from None
    with archive:
        manifest = read_manifest(archive)
        if manifest.get("format") != FORMAT:
            raise BackupError(f"{source} is backup format {manifest.get('format')}, expected {FORMAT}")
        uploads = _check_entries(archive, manifest)
        folder = upload_folder()
        staging = Path(tempfile.mkdtemp(dir=folder, prefix=".restore-"))
        try:
            _unpack(archive, uploads, staging)
            return _load(archive, manifest, staging, folder)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def _check_entries(archive: zipfile.ZipFile, manifest: dict[str, Any]) -> list[zipfile.ZipInfo]:
    """Refuse the backup before writing anything unless every entry is one gplan writes."""
    tables = {table_entry(t.name) for t in db.metadata.sorted_tables}
    seen: set[str] = set()
    uploads = []
    for info in archive.infolist():
        name = info.filename
        if name in seen:
            raise BackupError(f"the backup holds {name!r} twice")
        seen.add(name)
        if name == MANIFEST or name in tables or name in FOLDERS:
            continue
        folder, _, stored = name.partition("/")
        if folder != "uploads" or not STORED_NAME.fullmatch(stored):
            raise BackupError(f"the backup holds an entry gplan never writes: {name!r}")
        uploads.append(info)
    for name, count in manifest["counts"].items():
        if table_entry(name) not in tables:
            raise BackupError(f"the backup has a table this version does not know: {name}")
        if table_entry(name) not in seen or not isinstance(count, int):
            raise BackupError(f"the backup lacks {table_entry(name)}")
    needed = sum(info.file_size for info in uploads)
    free = shutil.disk_usage(upload_folder()).free
    if needed > free:
        raise BackupError(f"the evidence files need {needed} bytes; the upload folder has {free} free")
    return uploads


def _unpack(archive: zipfile.ZipFile, uploads: list[zipfile.ZipInfo], staging: Path) -> None:
    for info in uploads:
        try:
            with archive.open(info) as source, open(staging / Path(info.filename).name, "wb") as target:
                shutil.copyfileobj(source, target)
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            raise BackupError(f"{info.filename} is damaged ({error})") from None


def _load(archive: zipfile.ZipFile, manifest: dict[str, Any], staging: Path, folder: Path) -> dict[str, int]:
    moved: list[Path] = []
    try:
        with db.engine.begin() as connection:
            _check_target(connection, manifest)
            counts = {
                table.name: _insert_rows(connection, table, archive)
                for table in db.metadata.sorted_tables
                if table.name in manifest["counts"]
            }
            wrong = [name for name, count in counts.items() if manifest["counts"][name] != count]
            if wrong:
                raise BackupError(f"row counts differ from the manifest in {', '.join(wrong)}")
            rebuild_tally(connection=connection)  # the tasks' triggers counted them; recount anyway
            if connection.dialect.name == "postgresql":
                _reset_sequences(connection)
            for staged in staging.iterdir():
                os.replace(staged, folder / staged.name)
                moved.append(folder / staged.name)
    except SQLAlchemyError as error:
        _remove(moved)
        detail = str(getattr(error, "orig", None) or error).splitlines()[0]
        raise BackupError(f"the database refused the backup, nothing was restored ({detail})") from None
    except BaseException:
        _remove(moved)
        raise
    return counts


def _remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _check_target(connection: Connection, manifest: dict[str, Any]) -> None:
    revision = MigrationContext.configure(connection).get_current_revision()
    if manifest.get("revision") != revision:
        raise BackupError(
            f"the backup is at migration {manifest.get('revision')}, this database at {revision}: "
            "run `flask db upgrade` (or use the matching gplan version) first"
        )
    filled = [
        table.name
        for table in db.metadata.sorted_tables
        if connection.execute(select(func.count()).select_from(table)).scalar()
    ]
    if filled:
        raise BackupError(
            f"the database is not empty ({', '.join(filled)} have rows): "
            "restore only into a freshly migrated database"
        )


def _insert_rows(connection: Connection, table: Table, archive: zipfile.ZipFile) -> int:
    """Insert one table's rows a batch at a time. A row pointing at a later row of its own
    table (a body's parent) goes in without that link, which is set once the table is in."""
    columns = set(table.columns.keys())
    self_links = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
    (key,) = table.primary_key.columns.keys() if self_links else ("",)
    seen: set[Any] = set()
    relink: list[dict[str, Any]] = []
    batch: list[dict[str, Any]] = []
    count = 0
    for row in rows_of(archive, table.name):
        if unknown := set(row) - columns:
            raise BackupError(f"{table_entry(table.name)} has unknown columns: {', '.join(sorted(unknown))}")
        for column in self_links:
            if row.get(column) is not None and row[column] not in seen:
                relink.append({"k": row[key], "v": row[column], "c": column})
                row = {**row, column: None}
        if key:
            seen.add(row.get(key))
        batch.append(row)
        count += 1
        if len(batch) >= BATCH:
            _insert(connection, table, batch)
    _insert(connection, table, batch)
    for link in relink:
        column = table.c[link["c"]]
        connection.execute(table.update().where(table.c[key] == link["k"]).values({column: link["v"]}))
    return count


def _insert(connection: Connection, table: Table, batch: list[dict[str, Any]]) -> None:
    """Insert and empty ``batch``, in order; one statement per run of rows naming the same columns."""
    start = 0
    for end in range(1, len(batch) + 1):
        if end == len(batch) or batch[end].keys() != batch[start].keys():
            connection.execute(table.insert(), batch[start:end])
            start = end
    batch.clear()


def _reset_sequences(connection: Connection) -> None:
    """Inserting explicit ids leaves PostgreSQL's sequences behind; move them past the data."""
    for table in db.metadata.sorted_tables:
        for column in table.primary_key.columns:
            sequence = connection.execute(
                text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column.name}
            ).scalar()
            if sequence:
                highest = connection.execute(select(func.max(column))).scalar() or 0
                connection.execute(text("SELECT setval(:s, :v, false)"), {"s": sequence, "v": highest + 1})
