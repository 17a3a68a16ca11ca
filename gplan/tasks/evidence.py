"""Evidence files: stored under the upload folder with a random name, served only via the task."""

from __future__ import annotations

import secrets
import unicodedata
from pathlib import Path

from flask import current_app
from werkzeug.datastructures import FileStorage

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
    return stored, display_name(upload.filename or "")


def path_of(stored: str) -> Path:
    return upload_folder() / Path(stored).name
