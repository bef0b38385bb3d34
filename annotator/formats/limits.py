"""Size limits for what an import accepts, in one place so that the README and the messages agree.

Files beyond a limit are refused with a message that states it, instead of filling memory or the disk.
"""

from __future__ import annotations

MB = 2**20

MAX_TEXT_BYTES = 50 * MB  # one .txt, .md or .html article
MAX_DOCUMENT_BYTES = 200 * MB  # one .docx or .pdf file
MAX_BATCH_BYTES = 500 * MB  # one CSV, TSV, JSON or JSONL file of articles
MAX_CELL_CHARS = 50 * MB  # one article inside a batch

# Zip archives (and .docx files, which are zip archives): refused whole when any of these is exceeded.
MAX_ZIP_ENTRIES = 10_000
MAX_ZIP_TOTAL_BYTES = 2048 * MB  # everything in the archive, uncompressed
MAX_ZIP_RATIO = 100  # uncompressed / compressed, for the archive and for any entry larger than 1 MB
ZIP_RATIO_FLOOR_BYTES = 1 * MB  # small entries may compress well (a page of spaces) without being a bomb
MAX_ZIP_DEPTH = 3  # a zip inside a zip inside a zip, no deeper


def describe(size: int) -> str:
    return f"{size / MB:.0f} MB" if size >= MB else f"{size} bytes"
