"""The screening index restored from its cache answers exactly as the index it was built as,
and a transaction's country codes are checked against the same set pycountry lists."""

import dataclasses
import marshal

import pycountry
import pytest

from longarm.model import ISO_3166_ALPHA_2, country_code
from longarm.screening import match
from longarm.screening.lists import current


@pytest.fixture(scope="module")
def small_list():
    """A slice of the bundled list (Entity List rows included), quick to index from scratch."""
    lst = current()
    records = lst.records[:2500] + [r for r in lst.records if "HUAWEI" in r["n"].upper()][:40]
    return dataclasses.replace(lst, records=records, digest="cachetest" + lst.digest[:7], _built={})


QUERIES = [
    "Huawei Technologies Co., Ltd.",
    "Hua Wei",
    "Huawie",
    "HUAWEI",
    "Technologies",
    "University of Science and Technology",
    "Ali Mohammed",
    "Moshe Cohen",
    "Beijing",
    "CORP",
]


def _answers(index: match.Index, queries: list[str]) -> list[str]:
    return [repr(index.screen(q, c)) for q in queries for c in (None, "CN")]


def test_restored_index_answers_like_the_built_one(small_list, tmp_path, monkeypatch):
    queries = QUERIES + [r["n"] for r in small_list.records[::97]] + [r["n"][:-2] for r in small_list.records[::89]]
    built = match.Index(small_list)
    expected = _answers(built, queries)
    assert any("Huawei" in a or "HUAWEI" in a for a in expected)
    restored = match.Index(small_list, marshal.loads(marshal.dumps(built.state())))
    assert _answers(restored, queries) == expected
    # through the cache file: the first call builds and writes it, the second restores it
    monkeypatch.setenv("LONGARM_CACHE", str(tmp_path))
    first = match.load_index(small_list)
    assert list(tmp_path.glob("index-*.marshal"))
    second = match.load_index(small_list)
    assert isinstance(second.postings, match._Postings)
    assert _answers(second, queries) == _answers(first, queries) == expected
    # a restored index saves the same state it was restored from (marshal's bytes may differ in flags)
    a, b = second.state(), built.state()
    assert [marshal.loads(x) for x in a[0]] == [marshal.loads(x) for x in b[0]] and a[1:] == b[1:]


def test_restored_postings_behave_as_a_mapping(small_list):
    built = match.Index(small_list)
    restored = match.Index(small_list, marshal.loads(marshal.dumps(built.state())))
    p, q = built.postings, restored.postings
    assert len(q) == len(p) and list(q) == sorted(p)
    for term in list(p)[:500] + ["", "no-such-term", "\x00", "zzzzzzzz"]:
        assert (term in q) == (term in p)
        assert q.get(term) == p.get(term)
        assert q.get(term, []) == p.get(term, [])
    some = set(list(p)[:50]) | {"no-such-term"}
    assert some & q.keys() == some & p.keys()
    term = next(iter(p))
    assert q[term] is q[term]  # one list per term: the index caches by identity
    with pytest.raises(KeyError):
        q["no-such-term"]
    assert [restored._plain[i] for i in range(len(built._plain))] == built._plain


def test_typo_table_restored_from_the_cache_is_the_built_one(small_list, tmp_path, monkeypatch):
    monkeypatch.setenv("LONGARM_CACHE", str(tmp_path))
    built = match.load_index(small_list).deletes  # built, then written packed
    assert isinstance(built, dict) and list(tmp_path.glob("*.deletes.marshal"))
    restored = match.load_index(small_list).deletes
    assert isinstance(restored, match._Deletes)
    for key in built:
        assert restored.get(key, ()) == built[key]
    assert restored.get("no-such-deletion", ()) == () and restored.get("", ()) == built.get("", ())
    assert match.load_index(small_list).screen("Huawie Technologies") == match.Index(small_list).screen(
        "Huawie Technologies"
    )


def test_damaged_cache_file_is_rebuilt(small_list, tmp_path, monkeypatch):
    monkeypatch.setenv("LONGARM_CACHE", str(tmp_path))
    match.load_index(small_list)
    (path,) = tmp_path.glob("index-*[0-9a-f].marshal")
    path.write_bytes(marshal.dumps(([b"x"], [0], ["x"], [None], ("a", b"\x01\x02\x03", b""))))
    index = match.load_index(small_list)
    assert index.screen("Huawei Technologies Co., Ltd.")


def test_country_codes_are_the_ones_pycountry_lists():
    assert ISO_3166_ALPHA_2 == {c.alpha_2 for c in pycountry.countries}
    assert country_code(" cn ") == "CN"
    with pytest.raises(ValueError, match="'XX' is not an ISO 3166-1 alpha-2 country code"):
        country_code("XX")
    with pytest.raises(ValueError, match="'CHN' is not an ISO 3166-1 alpha-2 country code"):
        country_code("CHN")


def test_two_edit_table_restored_from_the_cache_is_the_built_one(small_list, tmp_path, monkeypatch):
    monkeypatch.setenv("LONGARM_CACHE", str(tmp_path))
    built = match.load_index(small_list)
    near = built._two_edits("huaewii")  # built, then written packed
    assert near == ("huawei",) and list(tmp_path.glob("*.deletes2.marshal"))
    restored = match.load_index(small_list)
    assert restored._two_edits("huaewii") == near and isinstance(restored.deletes2, match._Deletes)
    assert restored.screen("Huaewii Technologies") == match.Index(small_list).screen("Huaewii Technologies")
