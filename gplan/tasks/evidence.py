"""Evidence files: stored under the upload folder with a random name, served only via the task."""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote, urlsplit

from flask import current_app
from flask_babel import lazy_gettext
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

try:
    import fcntl
except ImportError:  # Windows (the embedded mode): no backup runs beside the server there
    fcntl = None  # type: ignore[assignment]  # mypy cannot type a module that may be missing

ALLOWED_EXTENSIONS = {
    "pdf",
    "doc",
    "docx",
    "xls",
    "xlsx",
    "ppt",
    "pptx",
    "odt",
    "ods",
    "odp",
    "txt",
    "csv",
    "jpg",
    "jpeg",
    "png",
    "zip",
}


WEB_SCHEMES = ("http", "https")
MAX_LINK_LENGTH = 1000
LINK_MESSAGE = lazy_gettext("Enter a full web address, starting with http:// or https://")


def is_web_link(link: str | None) -> bool:
    """Whether ``link`` is a web address (http or https, with a host) and nothing else.

    Anything else — javascript:, data:, vbscript:, file: — could run code or open local files
    when clicked, so it is neither accepted nor shown as a link.
    """
    if not link or len(link) > MAX_LINK_LENGTH or any(ch.isspace() or ord(ch) < 32 for ch in link):
        return False
    try:
        parts = urlsplit(link)
        host = parts.hostname
    except ValueError:  # e.g. a malformed IPv6 address or port
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(host)


def check_evidence_link(link: str | None) -> str | None:
    """The link to store (None when empty); ValueError with the user's message when it is not
    a web address. The one rule for the task page and the API."""
    link = (link or "").strip()
    if not link:
        return None
    if not is_web_link(link):
        raise ValueError(str(LINK_MESSAGE))
    return link


def extension_of(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def display_name(filename: str) -> str:
    """Keep the Vietnamese name the user gave, minus path parts and control characters."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    return name[:200] or "evidence"


def upload_folder() -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def store(upload: FileStorage) -> tuple[str, str]:
    """Save ``upload``; return (stored name, display name). Callers validate size and type first."""
    stored = f"{secrets.token_hex(16)}.{extension_of(upload.filename or '')}"
    upload.save(upload_folder() / stored)
    _pending(_NEW).append(stored)
    return stored, display_name(upload.filename or "")


def path_of(stored: str) -> Path:
    return upload_folder() / Path(stored).name


# A stored file becomes real when the row naming it is committed: files stored by a transaction
# that rolls back are removed, and files a committed change replaced are deleted.
_NEW, _REPLACED = "gplan_evidence_new", "gplan_evidence_replaced"
_LOCK, _DELETING, _DEFERRED = ".backup-lock", ".delete-lock", ".replaced"


def _pending(kind: str, session: Session | None = None) -> list[str]:
    from gplan.extensions import db

    pending: list[str] = (session or db.session).info.setdefault(kind, [])
    return pending


def discard_after_commit(stored: str | None) -> None:
    """Delete the file ``stored`` once the change that stopped referring to it is committed."""
    if stored:
        _pending(_REPLACED).append(stored)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop(_NEW, None)
    if replaced := session.info.pop(_REPLACED, None):
        delete_files(replaced)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_REPLACED, None)
    if new := session.info.pop(_NEW, None):
        delete_files(new)


def _lock_file(folder: Path, name: str = _LOCK) -> BinaryIO:
    return open(folder / name, "a+b")


@contextmanager
def files_kept() -> Iterator[Path]:
    """While a backup copies the files its snapshot names, no replaced file is deleted: the
    deletion is put off (to the next one) instead, so the snapshot's files are all there."""
    folder = upload_folder()
    if fcntl is None:
        yield folder
        return
    with _lock_file(folder) as lock:
        fcntl.flock(lock, fcntl.LOCK_SH)
        yield folder
    delete_files([])


def delete_files(names: list[str]) -> None:
    """Delete these stored files now, or as soon as no backup is copying files."""
    folder = upload_folder()
    deferred = folder / _DEFERRED
    if fcntl is None:
        for name in names:
            path_of(name).unlink(missing_ok=True)
        return
    with _lock_file(folder, _DELETING) as deleting, _lock_file(folder) as lock:
        fcntl.flock(deleting, fcntl.LOCK_EX)  # one deleter at a time, so only a backup can block
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # a backup is running: leave a note for later
            deferred.mkdir(exist_ok=True)
            for name in names:
                (deferred / Path(name).name).touch()
            return
        waiting = [note.name for note in deferred.iterdir()] if deferred.is_dir() else []
        for name in [*names, *waiting]:
            path_of(name).unlink(missing_ok=True)
            (deferred / Path(name).name).unlink(missing_ok=True)


def ascii_name(name: str) -> str:
    """The name without diacritics for browsers that ignore ``filename*``: "Tháng hành động"
    becomes "Thang hanh dong" (đ and Đ have no decomposition, so they are mapped by hand)."""
    plain = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    plain = plain.encode("ascii", "ignore").decode()
    plain = re.sub(r'["\\\x00-\x1f\x7f]', "", plain).strip()
    return plain if plain.strip(". ") else "evidence"


def content_disposition(name: str) -> str:
    """An attachment header naming the file in ASCII and, per RFC 5987, in UTF-8."""
    return f"attachment; filename=\"{ascii_name(name)}\"; filename*=UTF-8''{quote(name, safe='')}"
