"""`screen --foreign`: China's lists searched beside the US lists, kept apart from `matches`."""

import json

from tests.conftest import run_cli


def test_screen_foreign_reports_chinas_lists_apart_from_the_us_lists():
    plain = json.loads(run_cli("screen", "Skydio Inc", "--json").stdout)
    assert "foreign_matches" not in plain
    proc = run_cli("screen", "Skydio Inc", "--foreign", "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["matches"] == plain["matches"]
    lists = {m["list"] for m in out["foreign_matches"]}
    assert "Unreliable Entity List" in lists
    assert all(m["jurisdiction"] == "CN" and m["source_quality"] == "secondary" for m in out["foreign_matches"])


def test_screen_foreign_finds_nothing_for_an_unlisted_name():
    out = json.loads(run_cli("screen", "Zyxwv Quantum Bakery", "--foreign", "--json").stdout)
    assert out["foreign_matches"] == []
