"""The records room: SQLModel tables, sessions, Alembic migrations, content-addressed blob
files, and the append-only hash-chained audit log. Imports neither Temporal nor FastAPI.

Typical use::

    engine = make_engine()              # settings' DATABASE_URL, SQLite file by default
    migrate(engine)                     # Alembic upgrade head, safe to race
    factory = session_factory(engine)
    with transaction(factory) as s:     # commit whole or roll back whole
        s.add(row)
        audit.append(s, actor=..., action=..., entity_type=..., entity_id=..., data={...})
"""

from store import audit, registry  # noqa: F401 - registry: certificate status (store.registry)
from store.audit import ChainReport, append, canonical_json, verify_chain
from store.blobs import BlobStore, save_blob, sha256_hex
from store.db import (
    SessionFactory,
    is_sqlite,
    make_engine,
    migrate,
    normalise_url,
    session_factory,
    transaction,
)
from store.errors import (
    AuditDataNotCanonical,
    BlobCorrupted,
    BlobError,
    BlobNotFound,
    InvalidBlobAddress,
    InvalidRecord,
    InvalidUscc,
    MigrationError,
    NaiveDatetime,
    NotFound,
    StoreError,
)
from store.models import *  # noqa: F403
from store.models import __all__ as _models_all
from store.numbers import (
    format_certificate_number,
    next_certificate_number,
    peek_next_certificate_number,
)

__all__ = [
    "AuditDataNotCanonical",
    "BlobCorrupted",
    "BlobError",
    "BlobNotFound",
    "BlobStore",
    "ChainReport",
    "InvalidBlobAddress",
    "InvalidRecord",
    "InvalidUscc",
    "MigrationError",
    "NaiveDatetime",
    "NotFound",
    "SessionFactory",
    "StoreError",
    "append",
    "audit",
    "canonical_json",
    "format_certificate_number",
    "is_sqlite",
    "make_engine",
    "migrate",
    "next_certificate_number",
    "normalise_url",
    "peek_next_certificate_number",
    "save_blob",
    "session_factory",
    "sha256_hex",
    "transaction",
    "verify_chain",
    *_models_all,
]
