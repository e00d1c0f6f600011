"""Cursor pagination that stays stable while rows are inserted.

Lists are ordered by (sort column, id) and paged by keyset: the cursor carries the sort and the
last row's (value, id), and the next page starts strictly after it. A row inserted meanwhile
lands before or after the cursor but never shifts the rows still to come, so no row is skipped
or repeated. The cursor is opaque to clients (base64url of a small JSON document); a cursor for
another sort or a damaged one answers a 422 problem on ``query/cursor``.

The page is the JSON array the route returns; the next page's URL is in ``Link: <...>;
rel="next"`` (RFC 8288) and the bare cursor in ``X-Next-Cursor``. The last page has neither.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import Request, Response
from sqlalchemy import and_, or_
from sqlmodel import Session

from api.problems import Problem


@dataclass(frozen=True)
class Sort:
    """A sort key as clients name it (``created_at`` or ``-created_at``) and its column."""

    name: str
    column: Any
    id_column: Any
    kind: str = "datetime"  # datetime | str | int

    @property
    def descending(self) -> bool:
        return self.name.startswith("-")


def _encode_value(value: Any, kind: str) -> Any:
    if kind == "datetime" and isinstance(value, datetime):
        return value.isoformat()
    return value


def _decode_value(value: Any, kind: str) -> Any:
    if kind == "datetime":
        if not isinstance(value, str):
            raise ValueError("bad datetime")
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ValueError("naive datetime")
        return parsed
    if kind == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError("bad int")
        return value
    if not isinstance(value, str):
        raise ValueError("bad str")
    return value


def encode_cursor(sort: Sort, value: Any, row_id: Any) -> str:
    doc = {"s": sort.name, "v": _encode_value(value, sort.kind), "i": row_id}
    raw = json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _bad_cursor() -> Problem:
    return Problem("validation", "The cursor is not valid for this list and sort.",
                   "游标对此列表和排序无效。",
                   errors=[{"path": "query/cursor", "message": "invalid cursor", "code": "cursor"}])


def decode_cursor(sort: Sort, cursor: str, id_kind: str = "str") -> tuple[Any, Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        doc = json.loads(raw)
        if not isinstance(doc, dict) or doc.get("s") != sort.name:
            raise ValueError("another sort")
        return _decode_value(doc.get("v"), sort.kind), _decode_value(doc.get("i"), id_kind)
    except (ValueError, TypeError, UnicodeDecodeError) as exc:
        raise _bad_cursor() from exc


def _next_link(request: Request, cursor: str) -> str:
    url = request.url.include_query_params(cursor=cursor)
    return str(url)


def paginate(
    session: Session,
    query: Any,
    sort: Sort,
    *,
    limit: int,
    cursor: str | None,
    request: Request,
    response: Response,
    id_kind: str = "str",
) -> list[Any]:
    """One page of ``query`` (a select of one entity) in ``sort`` order; sets the headers."""
    col, idc = sort.column, sort.id_column
    if cursor:
        value, last_id = decode_cursor(sort, cursor, id_kind)
        if sort.descending:
            query = query.where(or_(col < value, and_(col == value, idc < last_id)))
        else:
            query = query.where(or_(col > value, and_(col == value, idc > last_id)))
    order = (col.desc(), idc.desc()) if sort.descending else (col.asc(), idc.asc())
    rows = list(session.exec(query.order_by(*order).limit(limit + 1)).all())
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        nxt = encode_cursor(sort, getattr(last, col.key), getattr(last, idc.key))
        response.headers["Link"] = f'<{_next_link(request, nxt)}>; rel="next"'
        response.headers["X-Next-Cursor"] = nxt
    return rows


def sorts(model: Any, *names: str, id_attr: str = "id", kinds: dict[str, str] | None = None
          ) -> dict[str, Sort]:
    """Sort options ``name`` and ``-name`` for each column name of ``model``."""
    kinds = kinds or {}
    out: dict[str, Sort] = {}
    idc = getattr(model, id_attr)
    for n in names:
        col = getattr(model, n)
        kind = kinds.get(n, "datetime" if n.endswith("_at") else "str")
        out[n] = Sort(n, col, idc, kind)
        out["-" + n] = Sort("-" + n, col, idc, kind)
    return out
