"""Errors raised by the store.

::

    StoreError
    ├── NotFound                     a record looked up by key does not exist
    ├── InvalidRecord                a field value is refused before it reaches the database
    │   ├── InvalidUscc              an organisation's USCC fails GB 32100-2015
    │   └── NaiveDatetime            a datetime without a time zone was given
    ├── AuditDataNotCanonical        audit data cannot be written as canonical JSON
    ├── BlobError
    │   ├── BlobNotFound             no file for that SHA-256
    │   ├── BlobCorrupted            the file's content no longer hashes to its name
    │   └── InvalidBlobAddress       the address is not 64 lower-case hex characters
    └── MigrationError               Alembic could not bring the schema to head

Every error carries structured attributes (never parse the message) plus bilingual text where a
person may read it. Errors are turned into ``ApplicationError`` or problem+json only at the edges.
"""

from __future__ import annotations


class StoreError(Exception):
    """Base of every store error."""

    message_en: str = "Store error."
    message_zh: str = "存储错误。"

    def __init__(self, message_en: str | None = None, message_zh: str | None = None) -> None:
        if message_en is not None:
            self.message_en = message_en
        if message_zh is not None:
            self.message_zh = message_zh
        super().__init__(self.message_en)


class NotFound(StoreError):
    """A record looked up by key does not exist."""

    def __init__(self, entity_type: str, key: str) -> None:
        self.entity_type = entity_type
        self.key = key
        super().__init__(f"No {entity_type} with key {key!r}.", f"未找到{entity_type}（{key}）。")


class InvalidRecord(StoreError, ValueError):
    """A field value is refused before it reaches the database.

    Also a ``ValueError``, so when raised inside a pydantic validator (the Create models) it
    surfaces as a ``ValidationError`` (HTTP 422 at the API) with this error in its context.
    """

    def __init__(
        self, field: str, message_en: str, message_zh: str, value: object = None
    ) -> None:
        self.field = field
        self.value = value
        super().__init__(message_en, message_zh)


class InvalidUscc(InvalidRecord):
    """An organisation's Unified Social Credit Code fails GB 32100-2015."""

    def __init__(self, value: str, code: str, position: int | None, message_en: str,
                 message_zh: str) -> None:
        self.code = code
        self.position = position
        super().__init__("uscc", message_en, message_zh, value)


class NaiveDatetime(InvalidRecord):
    """A datetime without a time zone was given; the store keeps aware UTC times only."""

    def __init__(self, value: object) -> None:
        super().__init__(
            "datetime",
            f"Datetime {value!r} has no time zone; give an aware datetime.",
            f"时间 {value!r} 缺少时区，请使用带时区的时间。",
            value,
        )


class AuditDataNotCanonical(StoreError):
    """Audit data holds something canonical JSON cannot represent (NaN, a set, an object...)."""

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(
            f"Audit data cannot be written as canonical JSON: {detail}",
            f"审计数据无法转换为规范 JSON：{detail}",
        )


class BlobError(StoreError):
    """Base of blob store errors; ``sha256`` names the blob."""

    def __init__(self, sha256: str, message_en: str, message_zh: str) -> None:
        self.sha256 = sha256
        super().__init__(message_en, message_zh)


class BlobNotFound(BlobError):
    """No file for that SHA-256."""

    def __init__(self, sha256: str) -> None:
        super().__init__(sha256, f"No blob {sha256}.", f"文件 {sha256} 不存在。")


class BlobCorrupted(BlobError):
    """The file's content no longer hashes to its name."""

    def __init__(self, sha256: str, actual_sha256: str) -> None:
        self.actual_sha256 = actual_sha256
        super().__init__(
            sha256,
            f"Blob {sha256} is corrupted: its content hashes to {actual_sha256}.",
            f"文件 {sha256} 已损坏：内容哈希为 {actual_sha256}。",
        )


class InvalidBlobAddress(BlobError):
    """The address is not 64 lower-case hexadecimal characters."""

    def __init__(self, sha256: str) -> None:
        super().__init__(
            sha256,
            f"{sha256!r} is not a SHA-256 address (64 lower-case hex characters).",
            f"{sha256!r} 不是 SHA-256 地址（64 位小写十六进制）。",
        )


class MigrationError(StoreError):
    """Alembic could not bring the schema to head."""

    def __init__(self, url: str, detail: str) -> None:
        self.url = url
        self.detail = detail
        super().__init__(
            f"Migrating {url} failed: {detail}", f"数据库 {url} 迁移失败：{detail}"
        )
