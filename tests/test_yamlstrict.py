import pytest

from kb.report.yamlstrict import YamlProblem, dump, load


def test_plain_scalars_are_not_coerced():
    located = load("a: NO\nb: 10:00\nc: 0123\nd: 1.10\ne: on\nf: YES\ng:\nh: ~\n")
    assert located.value == {
        "a": "NO",
        "b": "10:00",
        "c": "0123",
        "d": "1.10",
        "e": "on",
        "f": "YES",
        "g": None,
        "h": None,
    }


def test_positions_are_file_lines_with_offset():
    located = load("title: x\nlist:\n  - one\n  - two\n", line_offset=1)
    assert located.value_pos[("list", 1)] == (5, 5)
    assert located.key_pos[("list",)] == (3, 1)


@pytest.mark.parametrize(
    "text, code, line",
    [
        ("a: &x [1, 2]\nb: *x\n", "yaml-alias", 1),
        ("a: !!python/object/apply:os.system [ls]\n", "yaml-tag", 1),
        ("a:\n\t- b\n", "yaml-tab", 2),
        ("a: [1,\n", "yaml-syntax", 2),
    ],
)
def test_refused_constructs(text, code, line):
    with pytest.raises(YamlProblem) as info:
        load(text)
    assert info.value.code == code
    assert info.value.line == line


def test_billion_laughs_is_refused_before_expansion():
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    text += "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n" for i in range(8)
    )
    with pytest.raises(YamlProblem) as info:
        load(text)
    assert info.value.code == "yaml-alias"


def test_duplicate_and_merge_keys_are_reported_and_first_value_kept():
    located = load("a: 1\nb: {x: 1}\na: 2\n<<: {c: 3}\n")
    assert located.value == {"a": "1", "b": {"x": "1"}}
    assert [(p.code, p.line) for p in located.problems] == [("duplicate-key", 3), ("yaml-merge", 4)]


def test_size_cap():
    with pytest.raises(YamlProblem) as info:
        load("a: " + "x" * 300_000)
    assert info.value.code == "too-large"


def test_dump_round_trips_awkward_strings():
    data = {"countries": ["NO", "GB"], "time": "10:00", "code": "0123", "version": "1.10", "flag": "yes"}
    assert load(dump(data)).value == data
