"""Small synthetic files of each kind, built in memory."""

from __future__ import annotations

import io
import zipfile

PDF = (
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00"
    b"\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
TIFF = b"II*\x00\x08\x00\x00\x00\x00\x00"
TEXT = b"Letter from the coroner's officer.\nDear team,\nThe inquest is listed for June.\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>'
SHELL = b"#!/bin/sh\necho hello\n"


def _zip(parts: list[tuple[str, str]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts:
            archive.writestr(name, content)
    return buffer.getvalue()


CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
DOCX = _zip(
    [("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", "<r/>"), ("word/document.xml", "<w/>")]
)
# Parts in another order: libmagic sees only a zip, we look inside.
DOCX_UNUSUAL_ORDER = _zip(
    [
        ("_rels/.rels", "<r/>"),
        ("docProps/app.xml", "<a/>"),
        ("word/document.xml", "<w/>"),
        ("[Content_Types].xml", CONTENT_TYPES),
    ]
)
DOCM = _zip(
    [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("word/document.xml", "<w/>"),
        ("word/vbaProject.bin", "macro"),
    ]
)
ZIP = _zip([("notes.txt", "hello"), ("more.txt", "again")])


def odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED
        )
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


ODT = odt()
