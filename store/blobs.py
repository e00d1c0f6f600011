"""Content-addressed files: the name of a blob is the SHA-256 of its bytes.

Layout: ``<root>/ab/cd/abcd...`` (two levels of fan-out). A write goes to a temporary file in
the target directory, is fsynced, then renamed into place (atomic on POSIX), and the directory
is fsynced: a crash leaves either no file or the whole file, never half of one.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from pathlib import Path

from sqlmodel import Session

from config import get_settings
from store.errors import BlobCorrupted, BlobNotFound, InvalidBlobAddress
from store.models import BlobRecord

_SHA256 = re.compile(r"[0-9a-f]{64}")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class BlobStore:
    """Blob files under ``root``; see the module docstring."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @classmethod
    def from_settings(cls) -> BlobStore:
        blob_dir = get_settings().blob_dir
        assert blob_dir is not None  # derived by Settings
        return cls(blob_dir)

    def path(self, sha256: str) -> Path:
        """Where the blob ``sha256`` lives (whether or not it exists)."""
        if not _SHA256.fullmatch(sha256):
            raise InvalidBlobAddress(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def put(self, data: bytes) -> str:
        """Store ``data``; return its SHA-256 hex. Idempotent: storing the same bytes again
        writes nothing (a damaged existing copy is replaced)."""
        sha = sha256_hex(data)
        target = self.path(sha)
        if target.is_file() and self._file_sha(target) == sha:
            return sha
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o444)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        _fsync_dir(target.parent)
        return sha

    def get(self, sha256: str) -> bytes:
        """The bytes of blob ``sha256``, re-hashed on every read."""
        target = self.path(sha256)
        try:
            data = target.read_bytes()
        except FileNotFoundError:
            raise BlobNotFound(sha256) from None
        actual = sha256_hex(data)
        if actual != sha256:
            raise BlobCorrupted(sha256, actual)
        return data

    @staticmethod
    def _file_sha(path: Path) -> str:
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def save_blob(session: Session, blobs: BlobStore, data: bytes, media_type: str) -> BlobRecord:
    """Write the file and its ``BlobRecord`` row (needed before an ``Evidence`` or
    ``Certificate`` row can point at it). The file is written first: if the transaction then
    rolls back, an unreferenced file remains, which is harmless (same bytes, same name)."""
    sha = blobs.put(data)
    record = session.get(BlobRecord, sha)
    if record is None:
        record = BlobRecord(sha256=sha, size=len(data), media_type=media_type)
        session.add(record)
        session.flush()
    return record
