"""Both catalogues carry the same keys, and every key the portal uses exists in both."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from portal.i18n import DYNAMIC, ENUMS, LANGS, catalogue, translate

PORTAL = Path(__file__).resolve().parents[2] / "portal"
KEYISH = re.compile(r"^[a-z_]+(\.[a-z0-9_\-]+)+$")


def _sources() -> list[Path]:
    return sorted(p for p in PORTAL.rglob("*.py") if p.parent.name != "i18n")


def _literal_keys() -> set[str]:
    """String constants in portal code that look like catalogue keys of a known prefix."""
    prefixes = {k.split(".", 1)[0] for k in catalogue("en")}
    found: set[str] = set()
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        in_fstrings = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr)
                       for v in n.values}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and id(node) not in in_fstrings:
                value = node.value
                if KEYISH.match(value) and value.split(".", 1)[0] in prefixes \
                        and not value.endswith((".py", ".json", ".csv", ".pdf", ".xlsx")):
                    found.add(value)
    return found


def _fstring_prefixes() -> set[str]:
    """Literal heads of f-strings passed to t(): ``t(f"wizard.col.{c}")`` -> ``wizard.col.``."""
    heads: set[str] = set()
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            func = node.func if isinstance(node, ast.Call) else None
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if (isinstance(node, ast.Call) and name == "t" and node.args
                    and isinstance(node.args[0], ast.JoinedStr)):
                head = node.args[0].values[0]
                assert isinstance(head, ast.Constant), f"{path}: t(f...) must start with text"
                heads.add(str(head.value))
    return heads


def test_catalogues_have_the_same_keys() -> None:
    zh, en = set(catalogue("zh")), set(catalogue("en"))
    assert zh - en == set(), f"only in zh: {sorted(zh - en)}"
    assert en - zh == set(), f"only in en: {sorted(en - zh)}"


@pytest.mark.parametrize("lang", LANGS)
def test_no_empty_or_untranslated_texts(lang: str) -> None:
    for key, text in catalogue(lang).items():
        assert text.strip(), key
    # Chinese texts must contain Chinese, except a few that are the same in both (units, codes)
    if lang == "zh":
        latin_only = [k for k, v in catalogue("zh").items()
                      if not re.search(r"[\u4e00-\u9fff]", v) and v != catalogue("en")[k]]
        assert latin_only == [], latin_only


def test_placeholders_match_between_languages() -> None:
    fmt = string.Formatter()
    for key, en_text in catalogue("en").items():
        en_fields = {f for _, f, _, _ in fmt.parse(en_text) if f}
        zh_fields = {f for _, f, _, _ in fmt.parse(catalogue("zh")[key]) if f}
        assert en_fields == zh_fields, key


def test_every_literal_key_used_exists() -> None:
    used = _literal_keys()
    assert len(used) > 150  # the scan itself works
    missing = sorted(k for k in used if k not in catalogue("en"))
    assert missing == []


def test_every_dynamic_key_is_declared_and_exists() -> None:
    heads = _fstring_prefixes()
    assert heads, "the scan found no t(f...) calls"
    undeclared = sorted(h for h in heads if h not in DYNAMIC)
    assert undeclared == [], f"declare these prefixes in portal.i18n.DYNAMIC: {undeclared}"
    for prefix, suffixes in DYNAMIC.items():
        for suffix in suffixes:
            assert prefix + suffix in catalogue("en"), prefix + suffix


def test_every_enum_value_has_a_label() -> None:
    for prefix, values in ENUMS.items():
        for value in values:
            assert f"{prefix}.{value}" in catalogue("en"), f"{prefix}.{value}"


def test_missing_key_is_visible_not_silent() -> None:
    assert translate("en", "no.such.key") == "[no.such.key]"
    assert translate("zh", "verify.answer_valid") == "证书有效"
    assert translate("en", "dash.subtitle", org="ACME").startswith("ACME")
