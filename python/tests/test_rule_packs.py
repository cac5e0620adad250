"""A rule pack that cannot be used is a ValueError naming file, line and rule."""

from __future__ import annotations

import pytest

import puffery

GOOD_RULE = """
[pack]
name = "house"

[[rule]]
id = "cta.house-special"
category = "cta"
severity = "warning"
weight = 2.0
summary = "The house special call to action"
why = "Tests a user pack."
phrases = ["grab the house special"]
examples.flag = ["Grab the house special today", "grab the house special now"]
examples.ok = ["The house was special", "A special house"]
"""


def test_a_user_pack_adds_its_rule(tmp_path):
    pack = tmp_path / "house.toml"
    pack.write_text(GOOD_RULE)
    scanner = puffery.Scanner(rules=[pack], builtin=False)
    assert scanner.rule_ids == ["cta.house-special"]
    doc = scanner.scan(text="Grab the house special today!")
    assert [f["rule"] for f in doc["findings"]] == ["cta.house-special"]


def test_an_unknown_field_names_file_line_and_rule(tmp_path):
    pack = tmp_path / "typo.toml"
    pack.write_text(GOOD_RULE.replace('weight = 2.0', 'weight = 2.0\nwieght = 3.0'))
    with pytest.raises(ValueError) as e:
        puffery.Scanner(rules=str(pack))
    message = str(e.value)
    assert message.startswith(f"{pack}:10: ")
    assert "wieght" in message and "cta.house-special" in message
    assert isinstance(e.value, puffery.RulePackError)
    assert (e.value.file, e.value.line) == (str(pack), 10)


def test_a_bad_regex_names_file_line_and_rule(tmp_path):
    pack = tmp_path / "regex.toml"
    text = GOOD_RULE.replace('phrases = ["grab the house special"]', "regex = ['(unclosed']")
    pack.write_text(text)
    # A bad regex is reported at its own line, not the rule's id line.
    line = 1 + text.splitlines().index("regex = ['(unclosed']")
    assert line != 6
    with pytest.raises(ValueError, match=rf"^{pack}:{line}: rule cta.house-special: ") as e:
        puffery.Scanner(rules=[pack])
    assert e.value.line == line


def test_a_duplicate_id_names_both_places(tmp_path):
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text(GOOD_RULE)
    b.write_text(GOOD_RULE)
    with pytest.raises(ValueError, match=rf"{b}:6: rule cta.house-special: duplicate id, first defined at {a}:6"):
        puffery.Scanner(rules=[a, b])


def test_a_missing_pack_is_an_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        puffery.Scanner(rules=[tmp_path / "nope.toml"])
