"""Content-addressed blob files: put/get, idempotence, corruption, addresses."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from store import BlobCorrupted, BlobNotFound, BlobStore, InvalidBlobAddress


def test_put_then_get_round_trips_and_names_by_sha256(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path)
    data = b"%PDF-1.7 electricity bill \xe7\x94\xb5\xe8\xb4\xb9"
    sha = blobs.put(data)
    assert sha == hashlib.sha256(data).hexdigest()
    assert blobs.get(sha) == data
    assert blobs.exists(sha)
    assert blobs.path(sha) == tmp_path / sha[:2] / sha[2:4] / sha


def test_put_is_idempotent_and_leaves_no_temp_files(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path)
    first = blobs.put(b"same bytes")
    mtime = blobs.path(first).stat().st_mtime_ns
    assert blobs.put(b"same bytes") == first
    assert blobs.path(first).stat().st_mtime_ns == mtime
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert files == [blobs.path(first)]


def test_corrupted_file_is_reported_with_both_hashes(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path)
    sha = blobs.put(b"original evidence")
    path = blobs.path(sha)
    os.chmod(path, 0o644)
    path.write_bytes(b"tampered evidence")
    with pytest.raises(BlobCorrupted) as info:
        blobs.get(sha)
    assert info.value.sha256 == sha
    assert info.value.actual_sha256 == hashlib.sha256(b"tampered evidence").hexdigest()
    # Putting the true bytes again repairs the damaged copy.
    assert blobs.put(b"original evidence") == sha
    assert blobs.get(sha) == b"original evidence"


def test_missing_and_malformed_addresses(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path)
    absent = hashlib.sha256(b"never stored").hexdigest()
    assert not blobs.exists(absent)
    with pytest.raises(BlobNotFound):
        blobs.get(absent)
    for bad in ("../../etc/passwd", "ABC", absent.upper(), absent + "0"):
        with pytest.raises(InvalidBlobAddress):
            blobs.path(bad)


def test_failed_write_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blobs = BlobStore(tmp_path)

    def broken_fsync(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        blobs.put(b"half written")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
