"""Backups that restore anywhere: every table as JSON lines, plus the evidence files, in one zip.

A logical backup does not depend on the database engine, so a backup of the embedded SQLite
database restores into PostgreSQL (and back), as long as both are at the same migration.
Every table is read in one snapshot (a read-only REPEATABLE READ transaction on PostgreSQL, one
read transaction on SQLite), so rows written meanwhile are either wholly in or wholly out; the
zip is read back and every foreign key checked before the backup counts as written.
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from alembic.migration import MigrationContext
from sqlalchemy import Connection, Select, select

from gplan.extensions import db
from gplan.models import Task, TaskSubmission
from gplan.tasks import evidence

FORMAT = 1
MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 1024 * 1024
MAX_LINE_BYTES = 16 * 1024 * 1024  # one row: far above any real one (texts are short)
BATCH = 1000
# Tables a restore recounts from the others (the task tallies) rather than reads back.
DERIVED = frozenset({"task_tally", "task_body_tally"})


class BackupError(Exception):
    """A backup that cannot be written or restored; the message says why."""


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$dec": str(value)}
    if isinstance(value, bytes):
        return {"$b64": base64.b64encode(value).decode()}
    return value


def decode(value: Any) -> Any:
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


def table_entry(name: str) -> str:
    return f"tables/{name}.jsonl"


def rows_of(archive: zipfile.ZipFile, name: str) -> Iterator[dict[str, Any]]:
    """The rows of one table entry, read line by line (never the whole entry at once)."""
    entry = table_entry(name)
    try:
        with archive.open(entry) as stream:
            number = 0
            while line := stream.readline(MAX_LINE_BYTES + 1):
                number += 1
                if len(line) > MAX_LINE_BYTES:
                    raise BackupError(f"{entry}, line {number}: longer than {MAX_LINE_BYTES} bytes")
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                    if not isinstance(row, dict):
                        raise ValueError("not an object")
                    yield {key: decode(value) for key, value in row.items()}
                except (ValueError, TypeError, AttributeError) as error:
                    raise BackupError(f"{entry}, line {number} is not a valid row ({error})") from None
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise BackupError(f"{entry} is damaged ({error})") from None


def read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        info = archive.getinfo(MANIFEST)
        if info.file_size > MAX_MANIFEST_BYTES:
            raise ValueError("too large")
        manifest = json.loads(archive.read(info))
        if not isinstance(manifest, dict) or not isinstance(manifest.get("counts"), dict):
            raise ValueError("no row counts")
    except (KeyError, ValueError, zipfile.BadZipFile, OSError):
        raise BackupError(f"the backup has no valid {MANIFEST}") from None
    return manifest


@contextmanager
def _snapshot() -> Iterator[Connection]:
    """One connection that sees the whole database as of one instant, and never writes."""
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        else:
            connection.execution_options(read_only=True)  # a deferred BEGIN: see gplan.sqlite
        with connection.begin():
            yield connection


def write_backup(target: str | Path) -> dict[str, int]:
    """Write every table and the evidence files they name to the zip ``target``.

    Returns the row counts, and under "missing files" how many evidence files tasks name but
    the upload folder lacked (lost before the backup ran; the manifest lists them). The file is
    created readable by its owner only (it holds password hashes and sign-in links) and
    appears under its name only once it has been verified.
    """
    target = Path(target)
    handle, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            counts = _write(stream)
        verify_backup(partial)
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return counts


def _write(stream: IO[bytes]) -> dict[str, int]:
    counts: dict[str, int] = {}
    with (
        evidence.files_kept() as folder,
        _snapshot() as connection,
        zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive,
    ):
        for table in db.metadata.sorted_tables:
            if table.name in DERIVED:
                continue
            query = select(table).order_by(*table.primary_key.columns)
            rows = connection.execute(query.execution_options(yield_per=BATCH)).mappings()
            counts[table.name] = 0
            with archive.open(table_entry(table.name), "w", force_zip64=True) as entry:
                for row in rows:
                    line = json.dumps({k: _encode(v) for k, v in row.items()}, ensure_ascii=False)
                    entry.write(line.encode() + b"\n")
                    counts[table.name] += 1
        missing = []
        for name in connection.scalars(_evidence_files()):
            if name is None:
                continue
            path = folder / Path(name).name
            if path.is_file():
                archive.write(path, f"uploads/{path.name}")
            else:
                missing.append(name)
        revision = MigrationContext.configure(connection).get_current_revision()
        manifest = {"format": FORMAT, "revision": revision, "counts": counts, "missing_files": missing}
        archive.writestr(MANIFEST, json.dumps(manifest, indent=2))
    return {**counts, "missing files": len(missing)}


def _evidence_files() -> Select[tuple[str | None]]:
    """The stored files tasks and their review submissions name."""
    submitted = select(TaskSubmission.evidence_file).where(TaskSubmission.evidence_file.is_not(None))
    named = select(Task.evidence_file).where(Task.evidence_file.is_not(None)).union(submitted).subquery()
    return select(named.c.evidence_file)


def verify_backup(source: str | Path) -> None:
    """Read the backup back: every row parses, the counts match and every foreign key
    resolves within the backup; raise :class:`BackupError` naming what does not."""
    try:
        archive = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as error:
        raise BackupError(f"{source} is not a gplan backup ({error})") from None
    with archive:
        manifest = read_manifest(archive)
        tables = [t for t in db.metadata.sorted_tables if t.name in manifest["counts"]]
        referenced = {(fk.column.table.name, fk.column.name) for t in tables for fk in t.foreign_keys}
        keys: dict[tuple[str, str], set[Any]] = {ref: set() for ref in referenced}
        counted: Counter[str] = Counter()
        for table in tables:
            for row in rows_of(archive, table.name):
                counted[table.name] += 1
                for ref in referenced:
                    if ref[0] == table.name and row.get(ref[1]) is not None:
                        keys[ref].add(row[ref[1]])
        wrong = [name for name, count in manifest["counts"].items() if counted[name] != count]
        if wrong:
            raise BackupError(f"row counts differ from the manifest in {', '.join(wrong)}")
        dangling: Counter[str] = Counter()
        for table in tables:
            links = [(fk.parent.name, (fk.column.table.name, fk.column.name)) for fk in table.foreign_keys]
            for row in rows_of(archive, table.name) if links else ():
                for column, ref in links:
                    if row.get(column) is not None and row[column] not in keys.get(ref, ()):
                        dangling[f"{table.name}.{column}"] += 1
        if dangling:
            found = ", ".join(f"{name} × {count}" for name, count in sorted(dangling.items()))
            raise BackupError(f"the backup is not consistent: rows point at rows it lacks ({found})")
        _verify_files(archive, manifest)


def _verify_files(archive: zipfile.ZipFile, manifest: dict[str, Any]) -> None:
    names = set(archive.namelist())
    missing = set(manifest.get("missing_files") or [])
    lacking = [
        name
        for row in rows_of(archive, Task.__tablename__)
        if (name := row.get("evidence_file")) and f"uploads/{name}" not in names and name not in missing
    ]
    if lacking:
        raise BackupError(f"evidence files named by tasks are not in the backup: {', '.join(lacking[:5])}")
