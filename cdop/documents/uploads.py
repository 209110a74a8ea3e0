"""An upload handler that stops counting a file's bytes into memory or disk past the limit.

Django streams a multipart upload through its handlers; this one sits first and skips the
rest of a file once it passes DOCUMENTS_MAX_BYTES, whatever Content-Length claimed, so an
oversized upload costs no disk and the view can say plainly what went wrong.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, SkipFile


class SizeLimitUploadHandler(FileUploadHandler):
    def __init__(self, *args: Any, max_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes
        self.too_big = False
        self._received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self._received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self._received += len(raw_data)
        if self._received > self.max_bytes:
            self.too_big = True
            raise SkipFile  # the other handlers' partial file is closed and removed
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler builds the file
