"""What a file really is, from its bytes, and whether we accept it.

The type comes from the content (libmagic through python-magic), never from the name or the
browser's Content-Type. The name's extension must then agree with the content, so that what
a person downloads opens in the program its name promises. Anything that could run in a
browser or on a desktop (HTML, SVG, scripts, executables) and archives are refused.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import IO

import magic

from cdop.core.errors import DomainError

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"


@dataclass(frozen=True)
class AcceptedType:
    mime: str
    name: str  # as people call it, with its article: "a PDF", "an image"
    extensions: tuple[str, ...]  # the first is the one we suggest


ACCEPTED: dict[str, AcceptedType] = {
    t.mime: t
    for t in (
        AcceptedType("application/pdf", "a PDF", (".pdf",)),
        AcceptedType("application/msword", "a Word document (DOC)", (".doc",)),
        AcceptedType(DOCX, "a Word document (DOCX)", (".docx",)),
        AcceptedType(ODT, "an OpenDocument text file (ODT)", (".odt",)),
        AcceptedType("image/png", "a PNG image", (".png",)),
        AcceptedType("image/jpeg", "a JPEG image", (".jpg", ".jpeg")),
        AcceptedType("image/tiff", "a TIFF image", (".tif", ".tiff")),
        AcceptedType("text/plain", "a plain text file", (".txt",)),
    )
}
ACCEPTED_LIST = (
    "a PDF, a Word document (DOC or DOCX), an ODT, an image (JPG, PNG or TIFF) or a plain text file"
)
# libmagic reads the start of a file; OOXML is recognised from its first zip entries.
SNIFF_BYTES = 64 * 1024


def _zip_names(file: IO[bytes]) -> list[str]:
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return []
    finally:
        file.seek(0)


def detect_mime(file: IO[bytes]) -> str:
    """The type of the file's content. A zip is looked into: Word documents written by some
    programs put their parts in an order libmagic does not recognise."""
    file.seek(0)
    head = file.read(SNIFF_BYTES)
    file.seek(0)
    mime = str(magic.from_buffer(head, mime=True))
    if mime in ("application/zip", "application/octet-stream", DOCX):
        names = _zip_names(file)
        if names:
            if "word/vbaProject.bin" in names:
                return "application/vnd.ms-word.document.macroenabled.12"
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return DOCX
            if mime == DOCX:  # libmagic said Word, but the parts are not there
                return "application/zip"
    return mime


def _extension(filename: str) -> str:
    dot = filename.rfind(".")
    return filename[dot:].lower() if dot > 0 else ""


def check_file_type(*, file: IO[bytes], filename: str) -> AcceptedType:
    """The accepted type of the file, or a DomainError saying what to do about it."""
    mime = detect_mime(file)
    accepted = ACCEPTED.get(mime)
    if accepted is None:
        if mime == "application/vnd.ms-word.document.macroenabled.12":
            raise DomainError(
                "The selected file is a Word document with macros, which could run code. "
                "Save it as a PDF or as a Word document without macros (DOCX) and upload that",
                field="file",
            )
        raise DomainError(f"The selected file must be {ACCEPTED_LIST}", field="file")
    extension = _extension(filename)
    if extension not in accepted.extensions:
        shown = extension or "nothing (no extension)"
        raise DomainError(
            f"The selected file is {accepted.name}, but its name ends in {shown}. "
            f"Rename it to end in {accepted.extensions[0]} and upload it again",
            field="file",
        )
    return accepted
