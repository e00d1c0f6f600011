"""The product tree of a result: product -> sub-assembly instance -> its own lines.

The engine keeps the tree as columns (:class:`TreeColumns`: one entry per node, depth first in
dossier order, with the per-stage totals as a nodes x stages array), so a 1,000-node tree costs
no objects until someone reads it. :class:`ProductTree` is what ``FootprintResult.tree`` holds:
it reads as the root :class:`TreeNode` (``tree.total``, ``tree.children[0].lines`` ...), the
``TreeNode`` objects being built once, on first such read; ``model_dump`` /
``model_dump_json`` write the same nested objects as a ``TreeNode`` would, straight from the
columns; ``model_validate`` reads them back (a tree backed by a ``TreeNode``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel, Field, GetCoreSchemaHandler
from pydantic_core import core_schema


class TreeNode(BaseModel):
    """Product or sub-assembly instance: totals per functional unit of the product."""

    path: str
    name: str
    ref: str | None = None
    quantity: float = 1.0
    """units of this sub-assembly per reference flow of its parent"""
    total: float
    per_stage: dict[str, float]
    share: float
    """share of the product total (0 when the total is 0)"""
    lines: list[int] = Field(default_factory=list)
    """indexes into FootprintResult.lines of this node's own lines"""
    children: list[TreeNode] = Field(default_factory=list)


_NODE_FIELDS = tuple(TreeNode.model_fields)
_NODE_SET = frozenset(_NODE_FIELDS)


def _node(values: tuple[Any, ...]) -> TreeNode:
    """A TreeNode from values already of the field types, in field order (as model_construct
    with every field given, without its per-field default handling)."""
    obj = TreeNode.__new__(TreeNode)
    object.__setattr__(obj, "__dict__", dict(zip(_NODE_FIELDS, values, strict=True)))
    object.__setattr__(obj, "__pydantic_fields_set__", set(_NODE_SET))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


@dataclass
class TreeColumns:
    """The tree as the engine computes it. Node ``i``: ``path[i]``, ``parent[i]`` (-1 for the
    product, parents before children), ``node_stage[i]`` (kg CO2e per stage, descendants
    included); its own lines are the runs ``chunk_start[c] .. + chunk_len[c]`` of the chunks
    ``c`` with ``chunk_node[c] == i`` (runs in line order)."""

    path: list[str]
    name: list[str]
    ref: list[str | None]
    quantity: list[float]
    parent: np.ndarray
    node_stage: np.ndarray
    stage_names: list[str]
    total: float
    """the product total (shares are of this)"""
    chunk_node: np.ndarray
    chunk_start: np.ndarray
    chunk_len: np.ndarray

    def __len__(self) -> int:
        return len(self.path)

    def rows(self) -> list[tuple[Any, ...]]:
        """Per node, the TreeNode field values in field order (of the field types: the dicts
        are serialised as they are), children left empty."""
        n = len(self.path)
        total = float(self.total)
        ns = self.node_stage.astype(np.float64, copy=False)
        totals = ns.sum(axis=1).tolist()
        stages = ns.tolist()
        names = self.stage_names
        own: list[list[int]] = [[] for _ in range(n)]
        for nd, s, ln in zip(self.chunk_node.tolist(), self.chunk_start.tolist(),
                             self.chunk_len.tolist(), strict=True):
            own[nd] += range(s, s + ln)
        return [(self.path[i], self.name[i], self.ref[i], float(self.quantity[i]), totals[i],
                 dict(zip(names, stages[i], strict=True)), totals[i] / total if total else 0.0,
                 own[i]) for i in range(n)]

    def build(self, make: Callable[[tuple[Any, ...], list[Any]], Any]) -> Any:
        """The root of the tree made by ``make(field values, children)`` bottom up."""
        rows = self.rows()
        parent = self.parent.tolist()
        children: list[list[Any]] = [[] for _ in rows]
        out: Any = None
        for i in range(len(rows) - 1, -1, -1):  # children (later indexes) before parents
            kids = children[i]
            kids.reverse()
            out = make(rows[i], kids)
            if parent[i] >= 0:
                children[parent[i]].append(out)
        return out


def _as_dict(values: tuple[Any, ...], children: list[Any]) -> dict[str, Any]:
    return dict(zip(_NODE_FIELDS, (*values, children), strict=True))


def _as_node(values: tuple[Any, ...], children: list[Any]) -> TreeNode:
    return _node((*values, children))


class ProductTree:
    """``FootprintResult.tree``: reads as the root :class:`TreeNode`, backed by columns (from
    the engine) or by a ``TreeNode`` (validated from JSON)."""

    __slots__ = ("_cols", "_root")

    def __init__(self, root: TreeNode | None = None, *,
                 columns: TreeColumns | None = None) -> None:
        if (root is None) == (columns is None):
            raise TypeError("give either root or columns")
        self._cols = columns
        self._root = root

    @property
    def root(self) -> TreeNode:
        """The root TreeNode (built from the columns on first use, then kept)."""
        if self._root is None:
            assert self._cols is not None
            self._root = self._cols.build(_as_node)
        return self._root

    @property
    def columns(self) -> TreeColumns | None:
        return self._cols

    def __len__(self) -> int:
        """number of nodes (product and every sub-assembly instance)"""
        if self._cols is not None:
            return len(self._cols)
        count, todo = 0, [self.root]
        while todo:
            t = todo.pop()
            count += 1
            todo += t.children
        return count

    # the root node's fields
    @property
    def path(self) -> str:
        return self.root.path

    @property
    def name(self) -> str:
        return self.root.name

    @property
    def ref(self) -> str | None:
        return self.root.ref

    @property
    def quantity(self) -> float:
        return self.root.quantity

    @property
    def total(self) -> float:
        return self.root.total

    @property
    def per_stage(self) -> dict[str, float]:
        return self.root.per_stage

    @property
    def share(self) -> float:
        return self.root.share

    @property
    def lines(self) -> list[int]:
        return self.root.lines

    @property
    def children(self) -> list[TreeNode]:
        return self.root.children

    def to_dict(self) -> dict[str, Any]:
        """The tree as nested dicts with TreeNode's fields (what ``TreeNode.model_dump`` gives)."""
        if self._root is not None or self._cols is None:
            return self.root.model_dump()
        out: dict[str, Any] = self._cols.build(_as_dict)
        return out

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ProductTree):
            return self.to_dict() == other.to_dict()
        if isinstance(other, TreeNode):
            return self.root == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ProductTree({len(self)} nodes, total={self.total!r})"

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any,
                                     handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        def validate(value: Any, inner: core_schema.ValidatorFunctionWrapHandler) -> ProductTree:
            if isinstance(value, ProductTree):
                return value
            return cls(inner(value))

        node = handler.generate_schema(TreeNode)
        # written by TreeNode's own serializer (the nodes are built for it): the same JSON and
        # the same JSON schema as a TreeNode field
        return core_schema.no_info_wrap_validator_function(
            validate, node, serialization=core_schema.plain_serializer_function_ser_schema(
                lambda t: t.root, return_schema=node))


__all__ = ["ProductTree", "TreeColumns", "TreeNode"]
