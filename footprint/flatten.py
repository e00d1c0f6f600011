"""Flatten a dossier tree into columns: one entry per expanded line, one row per factor used.

The work is per *source* and per *tree node*, never per line in Python:

- a **source** is a run of lines held once in the dossier: the object lines of one line list
  (a :class:`~footprint.pairs.Block`, read in bulk by :func:`~footprint.pairs.read_block`) or
  the line-table rows of one dossier / sub-assembly (:class:`~footprint.tables.OwnerRows`,
  numpy columns built and checked when the dossier was validated). Each source gives every
  line a *code* into its own small key list; a key is resolved to a **pair** (factor row, unit
  conversion, primary: :class:`~footprint.pairs.Pairs`) once per distinct key per
  calculation. A definition used in many places is one source.
- :meth:`_Builder.walk` visits the tree of sub-assembly *uses* depth first in dossier order,
  recording one node per use (path, multiplier, stage override, allocation chain) and one
  *chunk* (source, line range, node) per run of lines, both as column lists. Sibling
  sub-assembly lines are handled together (:meth:`_Builder._uses`), and definitions that hold
  only tables (the parts of a bill of materials) without a walk of their own
  (:meth:`_Builder._leaves`);
- :meth:`_Builder.finish` takes the sources' columns - when every source is an owner's table
  rows, the dossier's join made at validation (:func:`~footprint.tables.join_rows`: one key
  list for the whole dossier, so a calculation resolves a few dozen keys, not one list per
  owner) - maps every line to its pair with one gather and spreads node figures to lines with
  ``np.repeat``. When every source is used once, whole and in order (bulk data: one table set
  per part), the sources already are in dossier order and no gather index is built.

Factor rows are renumbered in first use along the expanded lines (what a line-by-line walk
yields); per-line text columns (id, kind, description, unit), node, primary flags and the
Monte Carlo parameters are made only when read.

Errors keep their meaning and order: a source notes its first line whose factor or unit fails;
after the walk the error of the first run (in line order) holding a failing line is raised,
with the path of its source's first use - the same line the plain depth-first walk would stop
at.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import repeat
from operator import attrgetter, is_, itemgetter
from typing import Any

import numpy as np

from footprint.errors import FootprintError
from footprint.factors import FactorSet
from footprint.model import Dossier
from footprint.pairs import STAGE_INDEX, Block, Pairs, read_block
from footprint.rows import FactorRows
from footprint.tables import DossierRows, OwnerRows, join_rows, joined_cache, owner_rows
from footprint.validation import Chain, resolve

_KIND = attrgetter("kind")
Alloc = tuple[tuple[float, frozenset[int]], ...]
"""allocation chain: (factor, stage indexes) of every enclosing allocation, outermost first"""
Group = tuple[int, list[Any]]
"""sub-assembly lines side by side, with the number of own object lines before them"""
_REF, _ID, _QUANTITY, _STAGE = map(attrgetter, ("ref", "id", "quantity", "stage"))
_REFERENCE_FLOW, _NAME, _ALLOCATION, _LINES, _LINE_TABLES, _PRIVATE = map(attrgetter, (
    "reference_flow", "name", "allocation", "lines", "line_tables", "__pydantic_private__"))
_CACHE, _ROWS = itemgetter("_rows"), attrgetter("rows")  # an owner's cached table rows
_TABLE_LIST, _LINE_ID = attrgetter("table_list"), attrgetter("line_id")


@dataclass
class Nodes:
    """The tree of sub-assembly uses as columns, depth first in dossier order (0 = product)."""

    path: list[str]
    name: list[str]
    ref: list[str | None]
    quantity: list[float]
    """units of the sub-assembly per reference flow of its parent (1.0 for the product)"""
    parent: np.ndarray
    """index of the parent node, -1 for the product"""
    depth: np.ndarray

    def __len__(self) -> int:
        return len(self.path)


Source = Block | OwnerRows


@dataclass
class Flat:
    """Columns of the expanded lines, in dossier order (sub-assemblies expanded in place)."""

    rows: FactorRows
    nodes: Nodes
    row: np.ndarray
    w: np.ndarray
    """activity in the factor's unit per functional unit: amount x mult"""
    mult: np.ndarray
    """occurrences per functional unit (multipliers, reference flows, allocation)"""
    stage: np.ndarray
    pid: np.ndarray
    """pair per line (factor row, conversion, primary)"""
    pair_primary: np.ndarray
    """per pair: the line's figure is primary data (supplier PCF, instrument, own gas)"""
    pair_conv: np.ndarray
    """per pair: unit conversion to the factor's unit"""
    dqr: np.ndarray
    """line DQR, NaN where the line has none"""
    dqr_at: np.ndarray | None
    """lines that have a DQR and their DQR, when known beforehand (the dossier's joined rows,
    in order); None: found from ``dqr``"""
    dqr_val: np.ndarray | None
    chunk_src: list[int]
    """runs of consecutive lines of one node, in dossier order: source, first line in the
    source, end in the source"""
    chunk_from: list[int]
    chunk_end: list[int]
    chunk_node: np.ndarray
    chunk_start: np.ndarray
    """first line of each run in the expanded lines"""
    chunk_len: np.ndarray
    sources: list[Source]
    gather: np.ndarray | None
    """line -> position in the concatenated sources; None when they already are in order"""
    aq: np.ndarray
    """amount basis (see :class:`Block`)"""
    tables_only: bool
    """every line is a table row (no block of object lines)"""
    _lazy: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.row)

    def _cat(self, name: str) -> np.ndarray:
        hit = self._lazy.get(name)
        if hit is None:
            parts = [getattr(s, name) for s in self.sources]
            hit = (np.concatenate(parts) if parts
                   else np.zeros(0, dtype=np.int8 if name == "dist" else np.float64))
            if self.gather is not None:
                hit = hit[self.gather]
            self._lazy[name] = hit
        return hit  # type: ignore[no-any-return]

    @property
    def amount(self) -> np.ndarray:
        """activity in the factor's unit (made on first use)"""
        return self.pair_conv[self.pid] * self.aq  # type: ignore[no-any-return]

    @property
    def primary(self) -> np.ndarray:
        """per line: primary data (made on first use)"""
        hit = self._lazy.get("primary")
        if hit is None:
            hit = self._lazy["primary"] = _take(self.pair_primary, self.pid)
        return hit  # type: ignore[no-any-return]

    @property
    def node(self) -> np.ndarray:
        """tree node per line (made on first use)"""
        hit = self._lazy.get("node")
        if hit is None:
            hit = self._lazy["node"] = np.repeat(self.chunk_node, self.chunk_len)
        return hit  # type: ignore[no-any-return]

    @property
    def quantity(self) -> np.ndarray:
        """activity as submitted (for table rows: the amount basis itself)"""
        return self.aq if self.tables_only else self._cat("quantity")

    @property
    def dist(self) -> np.ndarray:
        return self._cat("dist").astype(np.int8, copy=False)

    @property
    def p1(self) -> np.ndarray:
        return self._cat("p1")

    @property
    def p2(self) -> np.ndarray:
        return self._cat("p2")

    def texts(self) -> tuple[list[str], list[str], list[str], list[str]]:
        """(line id, kind, description, unit) per line: the sources' lists joined once."""
        hit: tuple[list[str], list[str], list[str], list[str]] | None = self._lazy.get("texts")
        if hit is None:
            cols: tuple[list[str], list[str], list[str], list[str]] = ([], [], [], [])
            srcs = self.sources
            for sid, start, end in zip(self.chunk_src, self.chunk_from, self.chunk_end,
                                       strict=True):
                src = srcs[sid]
                whole = start == 0 and end == src.n
                for out, col in zip(cols, (src.line_id, src.kind, src.description, src.unit),
                                    strict=True):
                    out += col if whole else col[start:end]
            hit = self._lazy["texts"] = cols
        return hit

    @property
    def line_id(self) -> list[str]:
        return self.texts()[0]

    @property
    def path(self) -> list[str]:
        prefix = [p + "/" if p else "" for p in self.nodes.path]
        return [prefix[n] + i for n, i in zip(self.node.tolist(), self.line_id, strict=True)]

    def arrays(self) -> dict[str, np.ndarray]:
        return {"amount": self.amount, "row": self.row, "mult": self.mult, "stage": self.stage,
                "node": self.node, "primary": self.primary, "dqr": self.dqr, "dist": self.dist,
                "p1": self.p1, "p2": self.p2}


def _cat(parts: list[np.ndarray]) -> np.ndarray:
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _take(table: np.ndarray, index: np.ndarray) -> np.ndarray:
    """``table[index]`` for indexes known to be in range (numpy's unchecked, faster gather)"""
    return np.take(table, index, mode="clip") if len(table) else table[index]


def _cat2(parts: list[np.ndarray]) -> np.ndarray:
    """(k, n) column blocks joined along the lines"""
    return parts[0] if len(parts) == 1 else np.concatenate(parts, axis=1)


class _Builder:
    def __init__(self, d: Dossier, fs: FactorSet) -> None:
        self.d = d
        self.rows = FactorRows(fs, d.gwp_set)
        self.pairs = Pairs(fs, self.rows)
        # per node: (path, name, ref, parent, quantity, depth, multiplier, stage override,
        # allocation chain index), depth first
        # per node (depth first), as columns: no object per node, none for the GC to visit
        self.n_path: list[str] = []
        self.n_name: list[str] = []
        self.n_ref: list[str | None] = []
        self.n_parent: list[int] = []
        self.n_qty: list[float] = []
        self.n_depth: list[int] = []
        self.n_mult: list[float] = []
        self.n_ov: list[int] = []
        """stage index all lines below report in, -1: their own"""
        self.n_alloc: list[int] = []
        """index into allocs"""
        # per chunk, as columns
        self.c_src: list[int] = []
        self.c_start: list[int] = []
        self.c_end: list[int] = []
        self.c_node: list[int] = []
        """runs of lines of one source in one node: source, start and end in it, node"""
        self.sources: list[Source] = []
        """every run of lines held once in the dossier, in order of first chunk"""
        self.src_of: dict[int, int] = {}
        """id(source) -> index in sources"""
        self.src_node: list[int] = []
        """node of each source's first use (errors name that use's path)"""
        self.src_n: list[int] = []
        """lines per source"""
        self.blocks = 0
        """how many sources are blocks of object lines"""
        self.own: dict[int, tuple[Any, Block | None, list[Group]]] = {}
        """id(owner) -> (owner kept alive, block of its own object lines, sub-assembly lines)"""
        self.allocs: list[Alloc] = [()]
        self.alloc_index: dict[Alloc, int] = {(): 0}

    def _node(self, path: str, name: str, ref: str | None, parent: int, qty: float, depth: int,
              mult: float, ov: int, alloc: int) -> int:
        self.n_path.append(path)
        self.n_name.append(name)
        self.n_ref.append(ref)
        self.n_parent.append(parent)
        self.n_qty.append(qty)
        self.n_depth.append(depth)
        self.n_mult.append(mult)
        self.n_ov.append(ov)
        self.n_alloc.append(alloc)
        return len(self.n_path) - 1

    def _chunk_of(self, sid: int, start: int, end: int, node: int) -> None:
        self.c_src.append(sid)
        self.c_start.append(start)
        self.c_end.append(end)
        self.c_node.append(node)

    # -- sources ----------------------------------------------------------------------------

    def _prefix(self, node: int) -> str:
        path = self.n_path[node]
        return path + "/" if path else ""

    def _add_source(self, src: Source, node: int) -> int:
        sid = self.src_of[id(src)] = len(self.sources)
        self.sources.append(src)
        self.src_node.append(node)
        self.src_n.append(len(src.line_id))
        return sid

    def _source_pairs(self) -> tuple[np.ndarray, list[int]]:
        """Per source, the pair of each of its codes (tables: per key; blocks: per line), all
        sources' lists joined, with each source's start. Raises the error the depth-first walk
        meets first (errors are noted per source and raised in line order)."""
        kid: list[int] = []
        start: list[int] = []
        errors: list[tuple[int, FootprintError] | None] = []
        for src, node in zip(self.sources, self.src_node, strict=True):
            start.append(len(kid))
            if isinstance(src, OwnerRows):
                k, err = self.pairs.table(src, self._prefix(node))
                kid += k
                errors.append(None if err is None else (0, err))
            else:
                kid += src.pid.tolist()
                errors.append(src.error)
        if any(e is not None for e in errors):
            for sid, lo, hi in zip(self.c_src, self.c_start, self.c_end, strict=True):
                e = errors[sid]
                if e is not None and lo <= e[0] < hi:
                    raise e[1]
        return np.asarray(kid, dtype=np.intp), start

    def _joined(self) -> DossierRows | None:
        """The dossier's joined table rows when every source is an owner's table rows: the
        cached join when it is of exactly these rows (validation joins them in this order),
        else joined now (and cached). None when some source is a block of object lines."""
        srcs = self.sources
        if self.blocks or not srcs:
            return None
        cache = joined_cache(self.d)
        hit: DossierRows | None = cache.rows
        if hit is None or len(hit.owners) != len(srcs) or not all(map(is_, hit.owners, srcs)):
            hit = cache.rows = join_rows(srcs)  # type: ignore[arg-type]
        return hit

    def _own(self, lines: list[Any], prefix: str) -> tuple[Block | None, list[Group]]:
        """Split a line list into its runs of sub-assembly lines (each with the number of own
        lines before it) and a block of its own object lines (None when it has none)."""
        kinds = list(map(_KIND, lines))
        groups: list[Group] = []
        if "subassembly" not in kinds:
            own = lines
        elif "subassembly" in kinds and len(set(kinds)) == 1:
            own, groups = [], [(0, lines)]
        else:
            own = []
            for line, k in zip(lines, kinds, strict=True):
                if k != "subassembly":
                    own.append(line)
                elif groups and groups[-1][0] == len(own):
                    groups[-1][1].append(line)
                else:
                    groups.append((len(own), [line]))
            kinds = list(map(_KIND, own))
        return (read_block(self.pairs, own, kinds, prefix) if own else None), groups

    # -- the walk over uses -----------------------------------------------------------------

    def _chunk(self, blk: Block, start: int, end: int, node: int) -> None:
        sid = self.src_of.get(id(blk))
        if sid is None:
            sid = self._add_source(blk, node)
            self.blocks += 1
        self._chunk_of(sid, start, end, node)

    def walk(self, owner: Any, chain: Chain, prefix: str, node: int, depth: int, mult: float,
             ov: int, allocs: Alloc, alloc: int) -> None:
        """Record the uses below ``owner`` (node ``node``) and its runs of lines, in order.

        ``ov``: stage index that every line below reports in (a sub-assembly line's stage),
        -1: lines keep their own stages."""
        lines = owner.lines
        if lines:
            hit = self.own.get(id(owner))
            if hit is None:
                blk, groups = self._own(lines, prefix)
                self.own[id(owner)] = (owner, blk, groups)  # kept alive: its id stays unique
            else:
                _, blk, groups = hit
            start = 0
            for pos, group in groups:
                if pos > start:
                    assert blk is not None
                    self._chunk(blk, start, pos, node)
                    start = pos
                self._uses(group, chain, prefix, node, depth, mult, ov, allocs, alloc)
            if blk is not None and blk.n > start:
                self._chunk(blk, start, blk.n, node)
        if owner.line_tables:
            self._tables(owner, node)

    def _uses(self, group: list[Any], chain: Chain, prefix: str, node: int, depth: int,
              mult: float, ov: int, allocs: Alloc, alloc: int) -> None:
        """Sub-assembly lines side by side: their nodes in bulk, then each one's lines (a leaf's
        tables directly, a definition with lines of its own by a walk)."""
        refs = list(map(_REF, group))
        subs: list[Any] = list(map(chain[-1].get, refs))  # innermost registry first: usual
        chains: list[Chain | None] = [None] * len(subs)
        if not all(subs):  # (not "None in": that calls each model's __eq__)
            for j, sub in enumerate(subs):
                if sub is None:
                    found = resolve(refs[j], chain)
                    assert found is not None  # validated with the dossier
                    subs[j], chains[j] = found
        qs = list(map(_QUANTITY, group))
        ms = [mult * q / rf for q, rf in zip(qs, map(_REFERENCE_FLOW, subs), strict=True)]
        paths = [prefix + i for i in map(_ID, group)]
        if ov >= 0:
            sts = [ov] * len(subs)
        else:
            given = list(map(_STAGE, group))
            sts = [-1] * len(subs) if given.count(None) == len(given) else [
                -1 if s is None else STAGE_INDEX[s] for s in given]
        sub_allocs, sas = [allocs] * len(subs), [alloc] * len(subs)
        if any(map(_ALLOCATION, subs)):
            for j, sub in enumerate(subs):
                if sub.allocation is not None:
                    stages = frozenset(STAGE_INDEX[s] for s in sub.allocation.stages)
                    sub_allocs[j] = chain_j = (*allocs, (sub.allocation.factor, stages))
                    sa = self.alloc_index.get(chain_j, -1)
                    if sa < 0:
                        sa = self.alloc_index[chain_j] = len(self.allocs)
                        self.allocs.append(chain_j)
                    sas[j] = sa
        first, down = len(self.n_path), depth + 1
        if not any(map(_LINES, subs)):  # leaves: no node of theirs below
            k = len(subs)
            self.n_path += paths
            self.n_name += map(_NAME, subs)
            self.n_ref += refs
            self.n_parent += repeat(node, k)
            self.n_qty += qs
            self.n_depth += repeat(down, k)
            self.n_mult += ms
            self.n_ov += sts
            self.n_alloc += sas
            self._leaves(subs, first)
            return
        for j, sub in enumerate(subs):
            child = self._node(paths[j], sub.name, refs[j], node, qs[j], down, ms[j], sts[j],
                               sas[j])
            if sub.lines:
                self.walk(sub, chains[j] or (*chain, sub.subassemblies), paths[j] + "/", child,
                          down, ms[j], sts[j], sub_allocs[j], sas[j])
            elif sub.line_tables:
                self._tables(sub, child)

    def _leaves(self, subs: list[Any], first: int) -> None:
        """The table rows of leaf uses side by side (nodes ``first`` ..): the usual bulk case -
        each with its cached rows, none met before, none empty - in a few C loops."""
        tables = list(map(_LINE_TABLES, subs))
        rows = list(map(_ROWS, map(_CACHE, map(_PRIVATE, subs))))
        ids = list(map(id, rows))
        src_of = self.src_of
        if not all(rows) or list(map(_TABLE_LIST, rows)) != tables \
                or any(map(src_of.__contains__, ids)) or len(set(ids)) < len(ids) \
                or not all(ns := list(map(len, map(_LINE_ID, rows)))):
            for j, sub in enumerate(subs):  # one by one
                if tables[j]:
                    self._tables(sub, first + j)
            return
        base = len(self.sources)
        sids = range(base, base + len(rows))
        src_of.update(zip(ids, sids, strict=True))
        self.sources += rows
        self.src_node += range(first, first + len(rows))
        self.src_n += ns
        self.c_src += sids
        self.c_start += repeat(0, len(rows))
        self.c_end += ns
        self.c_node += range(first, first + len(rows))

    def _tables(self, owner: Any, node: int) -> None:
        """The owner's table rows: one source (cached arrays), one run of lines."""
        rows: OwnerRows | None = owner.__pydantic_private__["_rows"].rows
        if rows is None or rows.table_list != owner.line_tables:  # the same table objects
            rows = owner_rows(owner, self._prefix(node))
            assert rows is not None
        n = len(rows.line_id)
        if n:
            sid = self.src_of.get(id(rows))
            if sid is None:
                sid = self._add_source(rows, node)
            self._chunk_of(sid, 0, n, node)

    # -- gather -----------------------------------------------------------------------------

    def finish(self) -> Flat:
        srcs = self.sources
        nodes = Nodes(path=self.n_path, name=self.n_name, ref=self.n_ref, quantity=self.n_qty,
                      parent=np.array(self.n_parent, dtype=np.intp),
                      depth=np.array(self.n_depth, dtype=np.intp))
        n_mult, n_ov, n_alloc = self.n_mult, self.n_ov, self.n_alloc
        src_n = self.src_n
        c_src, c_from, c_end, c_nodes = self.c_src, self.c_start, self.c_end, self.c_node
        c_node = np.array(c_nodes, dtype=np.intp)
        c_len = np.array(c_end, dtype=np.intp) - np.array(c_from, dtype=np.intp)
        c_first = np.cumsum(c_len) - c_len
        total = int(c_len.sum())
        # in order: each source used once, whole, in the order of the sources
        in_order = len(c_src) == len(srcs) and c_end == src_n and not any(c_from)
        src_off = np.cumsum([0, *src_n])
        gather: np.ndarray | None = None
        if not in_order:
            gather = (np.repeat(src_off[c_src] + c_from - c_first, c_len)
                      + np.arange(total, dtype=np.intp))
        joined = self._joined()
        pairs = self.pairs
        jkid = None if joined is None else pairs.joined(joined)
        if joined is not None and jkid is not None:  # one key list for the dossier
            kid, f, ic, code = jkid, joined.fcols, joined.icols, joined.icols[1]
        else:
            joined = None
            kid, kid_start = self._source_pairs()
            if srcs:
                f = _cat2([s.fcols for s in srcs])
                ic = _cat2([s.icols for s in srcs])
            else:
                f, ic = np.zeros((2, 0)), np.zeros((2, 0), dtype=np.intp)
            code = ic[1] + np.repeat(np.asarray(kid_start, dtype=np.intp), src_n)
        pair_row = np.asarray(pairs.row, dtype=np.intp)
        # the dossier's keys were the calculation's first pairs, in order: code = pair
        same = joined is not None and np.array_equal(kid, np.arange(len(kid)))
        if gather is None:
            pid = code if same else _take(kid, code)
            aq, dqr, stage = f[0], f[1], ic[0]
        else:
            pid = _take(code, gather) if same else _take(kid, _take(code, gather))
            f = f[:, gather]
            aq, dqr, stage = f[0], f[1], ic[0][gather]
        # factor rows in first use along the expanded lines (what a line-by-line walk yields)
        nrows = len(self.rows.value)
        first_use = np.full(nrows, total, dtype=np.intp)
        if gather is not None:
            np.minimum.at(first_use, pair_row[pid], np.arange(total, dtype=np.intp))
        elif joined is not None:  # first row of each key
            np.minimum.at(first_use, pair_row[kid], joined.first_line)
        elif srcs:  # first line of each (source, code): from the sources' key lists
            firsts = [s.first_line if isinstance(s, OwnerRows) else s.icols[1] for s in srcs]
            pos = _cat(firsts) + np.repeat(src_off[:-1], [len(x) for x in firsts])
            np.minimum.at(first_use, pair_row[kid], pos)
        used = np.flatnonzero(first_use < total)
        order = used[np.argsort(first_use[used], kind="stable")]
        remap = np.zeros(max(nrows, 1), dtype=np.intp)
        remap[order] = np.arange(len(order), dtype=np.intp)
        self.rows.reorder(order.tolist())
        pair_row = remap[pair_row] if len(pair_row) else pair_row
        ovn = np.asarray(n_ov, dtype=np.intp)
        if (ovn >= 0).any():  # a sub-assembly line's stage: all lines below report in it
            ovr = np.repeat(ovn[c_node], c_len)
            stage = np.where(ovr >= 0, ovr, stage)
        mult = np.repeat(np.asarray(n_mult, dtype=np.float64)[c_node], c_len)
        if len(self.allocs) > 1:
            alloc = np.repeat(np.asarray(n_alloc, dtype=np.intp)[c_node], c_len)
            for ai, chain in enumerate(self.allocs):
                if not chain:
                    continue
                mine = alloc == ai
                for factor, stages in chain:  # in chain order, as the allocations nest
                    sel = mine & np.isin(stage, np.fromiter(stages, dtype=np.intp))
                    mult[sel] *= factor
        conv = np.asarray(pairs.conv, dtype=np.float64)
        w = _take(conv, pid)
        w *= aq  # amount: aq x conversion
        w *= mult
        return Flat(
            rows=self.rows, nodes=nodes, row=_take(pair_row, pid), w=w, mult=mult, pair_conv=conv,
            stage=stage, pid=pid, pair_primary=np.asarray(pairs.primary, dtype=bool),
            dqr=dqr, chunk_src=c_src,
            dqr_at=joined.dqr_at if joined is not None and gather is None else None,
            dqr_val=joined.dqr_val if joined is not None and gather is None else None, chunk_from=c_from, chunk_end=c_end,
            chunk_node=c_node, chunk_start=c_first, chunk_len=c_len, sources=srcs,
            gather=gather, aq=aq, tables_only=not self.blocks,
        )


def flatten(d: Dossier, fs: FactorSet) -> Flat:
    b = _Builder(d, fs)
    root: Alloc = ()
    if d.allocation is not None:
        root = ((d.allocation.factor, frozenset(STAGE_INDEX[s] for s in d.allocation.stages)),)
    a = 0
    if root:
        a = b.alloc_index[root] = len(b.allocs)
        b.allocs.append(root)
    mult = 1.0 / d.reference_flow
    b._node("", d.product.name, None, -1, 1.0, 0, mult, -1, a)
    b.walk(d, (d.subassemblies,), "", 0, 0, mult, -1, root, a)
    return b.finish()


__all__ = ["STAGE_INDEX", "Block", "Flat", "Nodes", "flatten"]
