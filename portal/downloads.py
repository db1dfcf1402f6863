"""How every file leaves the portal: one MIME table, one slug for file names,
one attachment response.

In portal (the bottom layer) so that reports (revisions, the offline template)
and documents (every export) answer downloads the same way without importing
each other."""

import io

from django.http import FileResponse
from django.utils.text import slugify

# The formats the portal serves, by file extension: the one place a MIME type is written.
MIME_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}


def slug(text):
    """ASCII for a file name: "Đồng Tháp" → "dong-thap". "đ" has no Unicode
    decomposition, so slugify alone would drop it ("ong-thap")."""
    return slugify(str(text or "").replace("đ", "d").replace("Đ", "D"))


def mime_type(filename):
    """The MIME type of a file name's extension, from MIME_TYPES."""
    return MIME_TYPES[filename.rsplit(".", 1)[-1].lower()]


def attachment(content, filename, content_type=None):
    """A download of `content` (bytes or an open binary file) as `filename`.

    Never cached: a report's files change with every save, and they are a
    unit's own (a shared cache must not keep them for the next user)."""
    if isinstance(content, bytes | bytearray | memoryview):
        content = io.BytesIO(bytes(content))
    response = FileResponse(
        content,
        as_attachment=True,
        filename=filename,
        content_type=content_type or mime_type(filename),
    )
    response["Cache-Control"] = "private, no-store"
    return response
