"""Files the pages hand out for saving (exports, workbooks)."""

from flask import Response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def download(content: bytes, content_type: str, name: str) -> Response:
    """``content`` as a file to save under ``name`` (an ASCII name: the browsers' common ground)."""
    response = Response(content, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
