from datetime import date

import pytest

from compliance_rules import (
    PackNotInForceError,
    RuleDataError,
    UnknownPackError,
    get_pack,
    pack_names,
    run_packs,
)
from compliance_rules import data as rule_data


def test_unknown_pack_named() -> None:
    with pytest.raises(UnknownPackError) as info:
        get_pack("cbma")
    assert info.value.name == "cbma" and "cn_label" in info.value.known


def test_pack_not_in_force_before_gbt_24067_2024() -> None:
    with pytest.raises(PackNotInForceError) as info:
        get_pack("cn_label", date(2025, 2, 28))
    assert info.value.earliest == date(2025, 3, 1)
    assert get_pack("cn_label", date(2025, 3, 1)).version == "2025.1"


def test_bad_request_runs_nothing() -> None:
    with pytest.raises(UnknownPackError):
        run_packs(["cn_label", "nope"], None, None, date(2026, 1, 1))


def test_every_data_file_states_source(tmp_path) -> None:
    for path in sorted(rule_data.DATA_DIR.glob("*.json")):
        loaded = rule_data.load(path.stem)
        assert loaded["source"] and loaded["retrieved"]


def test_missing_data_file_is_a_named_error() -> None:
    with pytest.raises(RuleDataError) as info:
        rule_data.load("no_such_table")
    assert info.value.file == "no_such_table.json"


def test_rule_ids_unique_and_prefixed() -> None:
    for name in pack_names():
        for version in (get_pack(name),):
            ids = [r.id for r in version.rules]
            assert len(ids) == len(set(ids))
            assert all(i.startswith(name + ".") for i in ids)
