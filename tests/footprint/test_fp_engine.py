"""The columnar engine: the same figures as before and as a plain per-line loop; the tree held
as columns reads, dumps and validates as the TreeNode tree; caches follow the dossier."""

from __future__ import annotations

import hashlib
import pickle
import random
from typing import Any

import pytest

from bench.bench_footprint import baseline_loop, check_agree, make_dossier
from footprint import (
    Dossier,
    FootprintResult,
    MissingFactorError,
    TreeNode,
    calculate,
    demo_dossier,
    to_tables,
)
from footprint.examples import citrus, locomotive, roller_shutter_controller, switchgear
from footprint.result import LineTable
from footprint.tree import ProductTree
from tests.footprint.conftest import dossier

approx = pytest.approx

# SHA-256 of calculate(...).model_dump_json() with tanpass-cn@2025.1, as computed by the engine
# before the columnar rewrite (flatten per source, tree as columns): the rewrite changed no bit.
# A change here breaks the promise that a dossier and a factor set give the same result forever.
_GOLDEN = {
    "demo": "da46753797a6691b8f10c01e860d9152b9a38f192f5ec63604ff59b17b32e040",
    "citrus": "91128d06ecf340bd6295aad4752fa3a2f39ee67231949a1d98a584cb5c2ba09b",
    "roller_shutter_controller": "596565115c595845a84133b9c54536824db2b093f65169753d2d46b4a1e679a2",
    "switchgear": "dc7906d1074eeb50004642c4e08d21622f8e9f3754f8c4123480dff1cd901952",
    "locomotive": "d0d1a1bdc2203d46c341a6211ae2bcd03271c84f9526f8e4c03d46aad57d97b5",
    "demo_tables": "2ecf1cf7008bf94a4a36a335cff339ade9150edd9787f55539a8f6f03dc91677",
    "switchgear_tables": "0b70c4c7fed0db090db73722589573c2b1cc85a91a0d4eb3fd99326f2a6b6ca2",
    "bench": "6f9a24d29c538b2569d2271ae4c404dcec70a48e764440886dc528a19efdb30a",
}
_CASES = {
    "demo": demo_dossier, "citrus": citrus, "roller_shutter_controller": roller_shutter_controller,
    "switchgear": switchgear,
    "locomotive": lambda: locomotive(parts_per_module=3, lines_per_part=20, modules=2),
    "demo_tables": lambda: to_tables(demo_dossier()),
    "switchgear_tables": lambda: to_tables(switchgear()),
    "bench": lambda: make_dossier(modules=2, parts=3, lines=20),
}


@pytest.mark.parametrize("name", sorted(_CASES))
def test_results_bit_for_bit_as_before(cn, name):
    r = calculate(_CASES[name](), cn, monte_carlo_draws=500 if name == "demo" else 0, seed=7)
    assert hashlib.sha256(r.model_dump_json().encode()).hexdigest() == _GOLDEN[name]


# -- random dossiers against the plain per-line loop of the benchmark -----------------------

_MATS = ["material.steel.bof", "material.plastic.pp", "material.copper.cathode"]
_GRIDS = ["elec.cn.lca.2023.national", "elec.cn.grid.2022.province.sichuan"]
_MODES = ["transport.road.hgv.average", "transport.air.freight.longhaul"]
_STAGES = ["raw_material", "production", "distribution", "use", "end_of_life"]


def _line(r: random.Random, i: int) -> dict[str, Any]:
    k = r.choice(["material", "electricity", "fuel", "transport", "gas", "pcf"])
    d: dict[str, Any] = {"id": f"l{i}"}
    if r.random() < 0.4:
        d["dqr"] = {"ter": r.randint(1, 5), "ger": 2, "tir": 3, "p": r.choice([1, 4])}
    if r.random() < 0.2:
        d["stage"] = r.choice(_STAGES)
    if k == "material":
        d |= {"kind": "material", "material": r.choice(_MATS), "quantity": r.uniform(0, 9),
              "unit": r.choice(["kg", "g"])}
    elif k == "pcf":
        d |= {"kind": "material", "quantity": r.uniform(0, 9),
              "supplier_pcf": {"value": r.uniform(-1, 4), "supplier": "S"}}
    elif k == "electricity":
        d |= {"kind": "electricity", "grid": r.choice(_GRIDS), "quantity": r.uniform(0, 99)}
    elif k == "fuel":
        d |= {"kind": "fuel", "fuel": "fuel.diesel", "quantity": r.uniform(0, 9)}
    elif k == "transport":
        d |= {"kind": "transport", "mode": r.choice(_MODES), "mass": r.uniform(0, 900),
              "distance": r.uniform(0, 900), "mass_unit": r.choice(["kg", "t"])}
    else:
        d |= {"kind": "process_emission", "gas": r.choice(["CH4", "N2O"]),
              "quantity": r.uniform(0, 1)}
    return d


def _table(r: random.Random, t: int) -> dict[str, Any]:
    n = r.randint(1, 6)
    ids = [f"t{t}r{i}" for i in range(n)]
    k = r.choice(["material", "electricity", "transport"])
    d: dict[str, Any] = {"kind": k, "id": ids}
    if k == "material":
        d |= {"factor": [r.choice(_MATS) for _ in ids], "quantity": [r.uniform(0, 9) for _ in ids],
              "unit": [r.choice(["kg", "g"]) for _ in ids]}
        if r.random() < 0.4:
            d["pcf"] = [r.choice([None, r.uniform(0, 3)]) for _ in ids]
    elif k == "electricity":
        d |= {"factor": [r.choice(_GRIDS) for _ in ids], "quantity": [r.uniform(0, 9) for _ in ids]}
    else:
        d |= {"factor": [r.choice(_MODES) for _ in ids], "mass": [r.uniform(0, 9) for _ in ids],
              "distance": [r.uniform(0, 900) for _ in ids]}
    if r.random() < 0.3:
        d["stage"] = [r.choice(_STAGES) for _ in ids]
    if r.random() < 0.3:
        for c in ("dqr_ter", "dqr_ger", "dqr_tir", "dqr_p"):
            d[c] = [None if i % 3 == 0 else 2.0 for i in range(n)]
    return d


def _alloc(r: random.Random) -> dict[str, Any]:
    return {"method": "mass", "main_product": {"name": "a", "mass": 3},
            "co_products": [{"name": "b", "mass": 1}], "stages": r.sample(_STAGES, 2)}


def _owner(r: random.Random, depth: int, outer: list[str], tables_only: bool) -> dict[str, Any]:
    o: dict[str, Any] = {"lines": [] if tables_only else
                         [_line(r, i) for i in range(r.randint(0, 4))]}
    if r.random() < 0.7:
        o["line_tables"] = [_table(r, t) for t in range(r.randint(1, 2))]
    subs: dict[str, Any] = {}
    for j in range(r.randint(0, 3) if depth < 3 else 0):
        name = f"S{depth}{j}"
        subs[name] = {"name": name, **_owner(r, depth + 1, [*outer, *subs], tables_only)}
        if r.random() < 0.3:
            subs[name]["reference_flow"] = r.choice([2, 0.5])
        if r.random() < 0.3:
            subs[name]["allocation"] = _alloc(r)
    o["subassemblies"] = subs
    refs = [*subs, *outer]  # a definition may be used several times, here or deeper
    for j in range(r.randint(0, 4) if refs else 0):
        use: dict[str, Any] = {"kind": "subassembly", "id": f"u{j}", "ref": r.choice(refs),
                               "quantity": r.choice([1, 2, 0.5])}
        if r.random() < 0.3:
            use["stage"] = r.choice(["production", "use"])
        o["lines"].insert(r.randint(0, len(o["lines"])), use)
    return o


def _random(seed: int, tables_only: bool) -> Dossier:
    r = random.Random(seed)
    extra: dict[str, Any] = {"reference_flow": r.choice([1, 4])}
    if r.random() < 0.3:
        extra["allocation"] = _alloc(r)
    owner = _owner(r, 0, [], tables_only)
    return dossier(owner.pop("lines"), **owner, **extra)


@pytest.mark.parametrize("tables_only", [True, False])
def test_random_dossiers_agree_with_a_plain_loop(cn, tables_only):
    seen_lines = 0
    for seed in range(40):
        d = _random(seed, tables_only)
        r = calculate(d, cn)
        check_agree(r, baseline_loop(d, cn))  # raises on any difference (rel 1e-9)
        seen_lines += len(r.lines)
    assert seen_lines > 500


def test_the_benchmark_loop_notices_a_wrong_figure(cn):
    d = make_dossier(modules=1, parts=2, lines=10)
    r = calculate(d, cn)
    base = baseline_loop(d, cn)
    base["tree"][1] = (base["tree"][1][0], base["tree"][1][1] * 1.001)
    with pytest.raises(RuntimeError, match="tree node totals"):
        check_agree(r, base)


# -- the tree as columns ---------------------------------------------------------------------

def _walk(t: TreeNode) -> list[TreeNode]:
    out = [t]
    for c in t.children:
        out += _walk(c)
    return out


def _shared(cn: Any) -> FootprintResult:
    d = dossier(
        [{"kind": "subassembly", "id": "u1", "ref": "S", "quantity": 2},
         {"kind": "material", "id": "own", "material": "material.steel.bof", "quantity": 1},
         {"kind": "subassembly", "id": "u2", "ref": "S", "quantity": 5, "stage": "use"}],
        line_tables=[{"kind": "electricity", "id": ["e1", "e2"],
                      "factor": ["elec.cn.lca.2023.national"] * 2, "quantity": [3, 4]}],
        subassemblies={"S": {"name": "Shared", "reference_flow": 2, "lines": [
            {"kind": "material", "id": "m", "material": "material.plastic.pp", "quantity": 1},
            {"kind": "subassembly", "id": "leaf", "ref": "L"}],
            "line_tables": [{"kind": "material", "id": ["x"], "factor": ["material.steel.bof"],
                             "quantity": [2]}],
            "subassemblies": {"L": {"name": "Leaf", "line_tables": [
                {"kind": "transport", "id": ["t"], "factor": ["transport.road.hgv.average"],
                 "mass": [10], "distance": [100]}]}}}})
    return calculate(d, cn)


def test_tree_nodes_follow_from_the_lines(cn):
    r = _shared(cn)
    assert isinstance(r.tree, ProductTree) and r.tree.columns is not None
    nodes = _walk(r.tree.root)
    assert [n.path for n in nodes] == ["", "u1", "u1/leaf", "u2", "u2/leaf"]
    assert len(r.tree) == 5 and r.tree.children[1].ref == "S"
    lines = list(r.lines)
    for n in nodes:  # own lines, totals per stage, share: all from the line list
        own = [i for i, ln in enumerate(lines) if ln.path.rpartition("/")[0] == n.path]
        assert n.lines == own
        under = [ln for ln in lines if n.path == "" or ln.path.startswith(n.path + "/")]
        assert n.total == approx(sum(ln.kg_co2e for ln in under), rel=1e-12)
        for stage, v in n.per_stage.items():
            assert v == approx(sum(ln.kg_co2e for ln in under if ln.stage == stage),
                               rel=1e-12, abs=1e-15)
        assert n.share == approx(n.total / r.total, rel=1e-12)
    assert r.tree.children[1].quantity == 5.0 and r.tree.children[1].per_stage["use"] > 0
    assert r.tree.total == approx(r.total, rel=1e-12) and r.tree.lines == [3, 7, 8]


def test_tree_columns_dump_as_the_nodes_and_round_trip(cn):
    r = _shared(cn)
    fresh = _shared(cn)
    # written from the columns without building nodes, and from the nodes: the same
    assert fresh.tree.to_dict() == r.tree.root.model_dump()
    assert r.tree.to_dict() == r.tree.root.model_dump()
    text = r.model_dump_json()
    back = FootprintResult.model_validate_json(text)
    assert isinstance(back.tree, ProductTree) and back.tree.columns is None
    assert back.model_dump_json() == text and back == r and back.tree == r.tree
    assert r.tree == r.tree.root and back.model_dump(mode="json") == r.model_dump(mode="json")
    assert r.model_copy(deep=True).tree == r.tree
    assert pickle.loads(pickle.dumps(r)) == r  # lazy columns are made for the pickle
    # a TreeNode may still be given
    built = FootprintResult(**{**r.model_dump(), "tree": r.tree.root})
    assert built.tree == r.tree and repr(built.tree).startswith("ProductTree(5 nodes")
    with pytest.raises(TypeError):
        ProductTree()


def test_lazy_columns_equal_what_they_stand_for(cn):
    r = _shared(cn)
    cols = r.lines._cols
    assert cols is not None
    objs = [ln.model_dump() for ln in r.lines]  # built one by one
    assert r.lines.to_dicts() == objs
    assert [ln["primary"] for ln in objs] == cols.primary.tolist()
    assert cols.node.tolist() == [1, 2, 1, 0, 3, 4, 3, 0, 0]
    assert [ln["path"] for ln in objs] == ["u1/m", "u1/leaf/t", "u1/x", "own", "u2/m",
                                           "u2/leaf/t", "u2/x", "e1", "e2"]
    assert isinstance(r.lines, LineTable) and len(r.lines) == 9


# -- caches: the joined table rows follow the dossier -----------------------------------------

def test_replaced_table_after_validation_is_used(cn):
    d = make_dossier(modules=2, parts=3, lines=20)
    before = calculate(d, cn)
    part = d.subassemblies["M1"].subassemblies["P2"]
    old = part.line_tables[0]
    part.line_tables = [old.model_copy(update={"quantity": tuple(q * 2 for q in old.quantity)}),
                        *part.line_tables[1:]]
    after = calculate(d, cn)
    fresh = calculate(Dossier.model_validate(d.model_dump()), cn)
    assert after.model_dump_json() == fresh.model_dump_json()
    assert after.total > before.total
    joined = d._joined.rows  # joined again for the new rows
    assert joined is not None and part._rows.rows in joined.owners


def test_dropped_caches_give_the_same_result(cn):
    d = make_dossier(modules=2, parts=3, lines=20)
    warm = calculate(d, cn).model_dump_json()
    owners: list[Any] = [d]
    for o in owners:
        owners.extend(o.subassemblies.values())
    for o in owners:
        o._rows.rows = None
    d._joined.rows = None
    assert calculate(d, cn).model_dump_json() == warm


# -- errors: the first one in line order, tables or objects -----------------------------------

def _errs(first_table: bool) -> Dossier:
    use = {"kind": "subassembly", "id": "s", "ref": "S"}
    obj = {"kind": "material", "id": "a", "material": "mat.nope", "quantity": 1}
    return dossier([use, obj] if first_table else [obj, use], subassemblies={"S": {
        "name": "S", "line_tables": [{"kind": "material", "name": "BOM", "id": ["r0", "r1"],
                                      "factor": ["mat.a", "mat.gone"], "quantity": [1, 2]}]}})


def test_the_first_failing_line_in_line_order_is_named(tiny):
    with pytest.raises(MissingFactorError) as e:
        calculate(_errs(first_table=True), tiny)
    assert e.value.path == "s/r1" and e.value.detail["table"] == "BOM"
    with pytest.raises(MissingFactorError) as e:
        calculate(_errs(first_table=False), tiny)
    assert e.value.path == "a"
    tables_only = dossier([{"kind": "subassembly", "id": "s", "ref": "S"}], subassemblies={
        "S": {"name": "S", "line_tables": [{"kind": "material", "id": ["r0"],
                                            "factor": ["mat.gone"], "quantity": [1]}]}},
        line_tables=[{"kind": "material", "id": ["q"], "factor": ["mat.none"], "quantity": [1]}])
    with pytest.raises(MissingFactorError) as e:  # the sub-assembly's rows come first
        calculate(tables_only, tiny)
    assert e.value.path == "s/r0"
