"""What-if: the rules evaluated under hypothetical parameters.

A hypothesis is a list of `KEY=VALUE` settings. The keys are the dated parameters' own names,
read from the parameter files (so a new dated entry brings its keys with it):

- a threshold: `PARAMETER.NAME=NUMBER`, for every number in a dated entry, e.g.
  `eccn_3a090_ab.a2_pd=4` (the `params` level is left out of the name) or `de_minimis.percent=10`;
  the ECCN paragraphs also answer to their CCL names: `3A090.a.tpp=4000`, `3A090.a.2.pd=4`;
- a Country Group: `groups.D:5+=AE` (add), `groups.D:5-=KH` (remove), `groups.D:5=CN,MO` (replace);
  `country_group.D:5` is the same key.

A setting rewrites the entry in force on the date evaluated (`params.overridden`), whichever entry
that is; a setting whose parameter the entry in force does not have changes nothing, and `whatif`
says so.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any

from longarm import params
from longarm.errors import InputError, Problem

Path = tuple[str, ...]
Setting = float | dict[str, list[str]]

# CCL paragraph names for the classification thresholds: each names the parameter of every
# version of the paragraph (the October 2022 text calls the 3A090.a TPP threshold `tpp`).
_CCL = "classification", "eccn_3a090_ab"
ALIASES: dict[str, tuple[tuple[str, str], tuple[Path, ...]]] = {
    "3A090.a.tpp": (_CCL, (("params", "a1_tpp"), ("params", "tpp"))),
    "3A090.a.1.tpp": (_CCL, (("params", "a1_tpp"), ("params", "tpp"))),
    "3A090.a.io_gbs": (_CCL, (("params", "io_gbs"),)),
    "3A090.a.2.tpp": (_CCL, (("params", "a2_tpp"),)),
    "3A090.a.pd": (_CCL, (("params", "a2_pd"),)),
    "3A090.a.2.pd": (_CCL, (("params", "a2_pd"),)),
    "3A090.b.1.tpp": (_CCL, (("params", "b1_tpp"),)),
    "3A090.b.1.pd": (_CCL, (("params", "b1_pd"),)),
    "3A090.b.2.tpp": (_CCL, (("params", "b2_tpp"),)),
    "3A090.b.2.pd": (_CCL, (("params", "b2_pd"),)),
    "3A090.note.tpp": (_CCL, (("params", "datacenter_note_tpp"),)),
    "3A090.c.mbd": (("classification", "eccn_3a090_c"), (("params", "memory_bandwidth_density_above"),)),
    "3A991.p.tops": (("classification", "eccn_3a991_p"), (("params", "tops"),)),
    "3A991.p.io_gbs": (("classification", "eccn_3a991_p"), (("params", "io_gbs"),)),
}
GROUP_PREFIXES = ("country_group",)
# Numbers in the parameter files that are not thresholds: identifiers and counts.
NOT_SETTABLE = frozenset({"count", "footnote"})


@dataclass(frozen=True)
class Key:
    """One settable parameter: where it lives and what it takes."""

    name: str
    file: str
    key: str
    paths: tuple[Path, ...] = ()  # numbers: the first path the entry in force has is set
    group: str | None = None  # Country Groups: the group whose members are set


def _dated(file: str) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    for key, entries in params.load(file).items():
        if isinstance(entries, list) and entries and all(isinstance(e, dict) and "from" in e for e in entries):
            yield key, entries


def _numbers(node: Any, path: Path = ()) -> Iterator[Path]:
    if isinstance(node, bool):
        return
    if isinstance(node, int | float):
        if path and path[-1] not in NOT_SETTABLE:
            yield path
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from _numbers(v, path + (str(k),))


@cache
def keys() -> dict[str, Key]:
    """Every valid key, by name."""
    found: dict[str, Key] = {}
    for file in params.FILES[1:]:
        for key, entries in _dated(file):
            for entry in entries:
                for path in _numbers(entry):
                    shown = path[1:] if path[0] == "params" and len(path) > 1 else path
                    name = ".".join((key, *shown))
                    found.setdefault(name, Key(name, file, key, (path,)))
                for group in entry.get("members") or {}:
                    for prefix in (key, *GROUP_PREFIXES):
                        name = f"{prefix}.{group}"
                        found.setdefault(name, Key(name, file, key, group=group))
    for name, ((file, key), paths) in ALIASES.items():
        entries = dict(_dated(file)).get(key, []) if file in params.FILES else []
        if any(_has(e, p) for e in entries for p in paths):
            found[name] = Key(name, file, key, paths)
    return found


def _has(entry: dict[str, Any], path: Path) -> bool:
    node: Any = entry
    for k in path:
        if not isinstance(node, dict) or k not in node:
            return False
        node = node[k]
    return True


def _split(text: str) -> tuple[str, str, str]:
    for op in ("+=", "-="):
        if op in text:
            key, value = text.split(op, 1)
            return key.strip(), op, value.strip()
    if "=" not in text:
        return text.strip(), "", ""
    key, value = text.split("=", 1)
    return key.strip(), "=", value.strip()


def _country(code: str) -> str:
    from longarm.model import country_code

    out = country_code(code)
    assert out is not None
    return out


def parse_sets(texts: list[str], field: str = "--set") -> dict[str, Setting]:
    """`KEY=VALUE` settings as a dict; every invalid one is reported (an unknown key with the
    list of valid keys)."""
    valid = keys()
    problems: list[Problem] = []
    out: dict[str, Setting] = {}
    for text in texts:
        key, op, value = _split(text)
        found = valid.get(key)
        if found is None:
            problems.append(Problem(field, f"unknown parameter {key!r}; valid keys: {', '.join(sorted(valid))}"))
            continue
        if not op:
            problems.append(Problem(field, f"{text!r}: expected KEY=VALUE (or KEY+=, KEY-= for a Country Group)"))
            continue
        if found.group is None:
            if op != "=":
                problems.append(Problem(field, f"{key}: a threshold takes KEY=NUMBER, not {op}"))
                continue
            try:
                number = float(value)
            except ValueError:
                problems.append(Problem(field, f"{key}: {value!r} is not a number"))
                continue
            if not math.isfinite(number) or number < 0:
                problems.append(Problem(field, f"{key}: must be a finite number >= 0"))
                continue
            if key in out:  # the last would win silently, like a key given twice in a file
                problems.append(Problem(field, f"{key}: given more than once"))
                continue
            out[key] = int(number) if number.is_integer() else number
            continue
        try:
            codes = [_country(c) for c in value.split(",") if c.strip()] if value else []
        except ValueError as e:
            problems.append(Problem(field, f"{key}: {e}"))
            continue
        if op != "=" and not codes:
            problems.append(Problem(field, f"{key}: name at least one country code after {op}"))
            continue
        current = out.get(key)
        setting: dict[str, list[str]] = dict(current) if isinstance(current, dict) else {}
        if op == "=":
            setting = {"members": codes}
        else:
            side, other = ("add", "remove") if op == "+=" else ("remove", "add")
            setting[side] = sorted(set(setting.get(side, [])) | set(codes))
            if other in setting:
                setting[other] = [c for c in setting[other] if c not in codes]
            if "members" in setting:
                members = set(setting["members"])
                setting["members"] = sorted(members | set(codes) if op == "+=" else members - set(codes))
        out[key] = setting
    if problems:
        raise InputError(problems)
    return out


def _rewrite(entry: dict[str, Any], found: Key, value: Setting) -> dict[str, Any]:
    new = copy.deepcopy(entry)
    if found.group is None:
        for path in found.paths:
            if _has(new, path):
                node = new
                for k in path[:-1]:
                    node = node[k]
                node[path[-1]] = value
                break
        return new
    assert isinstance(value, dict)
    members = new.setdefault("members", {})
    current = set(members.get(found.group, []))
    if "members" in value:
        current = set(value["members"])
    current = (current | set(value.get("add", []))) - set(value.get("remove", []))
    members[found.group] = sorted(current)
    # the countries the hypothesis names: their membership in this group is what it says,
    # whatever dated changes to it the parameter file records
    named = new.setdefault("overridden_members", {})
    named[found.group] = sorted(set(named.get(found.group, [])).union(*value.values()))
    return new


def overrides(sets: dict[str, Setting]) -> dict[tuple[str, str], Callable[[dict[str, Any]], dict[str, Any]]]:
    """The `params.overridden` changes that apply `sets` (as returned by `parse_sets`)."""
    valid = keys()
    by_param: dict[tuple[str, str], list[tuple[Key, Setting]]] = {}
    for name, value in sets.items():
        if name not in valid:
            raise InputError(Problem("--set", f"unknown parameter {name!r}; valid keys: {', '.join(sorted(valid))}"))
        found = valid[name]
        by_param.setdefault((found.file, found.key), []).append((found, value))

    def composed(todo: list[tuple[Key, Setting]]) -> Callable[[dict[str, Any]], dict[str, Any]]:
        def change(entry: dict[str, Any]) -> dict[str, Any]:
            for found, value in todo:
                entry = _rewrite(entry, found, value)
            return entry

        return change

    return {where: composed(todo) for where, todo in by_param.items()}


@contextmanager
def applied(sets: dict[str, Setting] | list[str]) -> Iterator[None]:
    """Evaluate the block under the hypothetical parameters `sets` (a `parse_sets` dict, or the
    `KEY=VALUE` strings). Classification results cached outside are not used inside, nor the
    reverse. Safe to wrap `assess` calls in; the settings are per thread/task (a ContextVar)."""
    from longarm import assess

    if isinstance(sets, list):
        sets = parse_sets(sets)
    changes = overrides(sets)
    assess._classified.cache_clear()
    try:
        with params.overridden(changes):
            yield
    finally:
        assess._classified.cache_clear()


def _value(entry: dict[str, Any] | None, found: Key) -> Any:
    if entry is None:
        return None
    if found.group is not None:
        return sorted((entry.get("members") or {}).get(found.group, []))
    for path in found.paths:
        if _has(entry, path):
            node: Any = entry
            for k in path:
                node = node[k]
            return node
    return None


def describe_keys(on: dt.date) -> list[dict[str, Any]]:
    """Every valid key with the value of the entry in force on `on` (None: no entry has it)."""
    out = []
    for name, found in sorted(keys().items()):
        entry = params.in_force(found.file, found.key, on)
        out.append(
            {
                "key": name,
                "file": found.file,
                "parameter": found.key,
                "entry": entry.get("id") if entry else None,
                "value": _value(entry, found),
            }
        )
    return out


def _members_on(group: str, on: dt.date, also: list[str]) -> list[str]:
    """The countries the rules see in `group` on `on` (the snapshot with the dated changes)."""
    from longarm import destinations

    entry = params.in_force("country_groups", "groups", on) or {}
    codes = {c for members in (entry.get("members") or {}).values() for c in members} | set(also)
    codes |= {c["country"] for c in params.load("country_groups").get("changes") or [] if isinstance(c, dict)}
    return sorted(c for c in codes if group in destinations.groups_of(c, on))


def _unapplied(name: str, group: str, value: dict[str, list[str]], on: dt.date) -> list[str]:
    """Countries whose membership the rules do not take from the hypothesis on `on` (a dated
    membership change recorded in the data decides it instead): said, never hidden."""
    from longarm import destinations

    wanted = {c: True for c in value.get("add", [])} | {c: False for c in value.get("remove", [])}
    if "members" in value:
        wanted |= {c: True for c in value["members"]}
    out = []
    with applied({name: value}):
        for country, member in sorted(wanted.items()):
            if (group in destinations.groups_of(country, on)) != member:
                out.append(
                    f"{name}: on {on.isoformat()} the rules do not see {country} "
                    f"{'in' if member else 'out of'} {group} (a dated membership change in the data decides it)"
                )
    return out


def whatif(sets: dict[str, Setting], on: dt.date, posture: str = "text") -> dict[str, Any]:
    """The catalogue re-classified on `on` under `sets`: every chip's ECCN before and after, and
    the representative destinations (plus every country a setting moves) whose status changes."""
    from longarm.policy import catalogue

    valid = keys()
    moved = sorted({c for v in sets.values() if isinstance(v, dict) for side in v.values() for c in side})
    destinations = tuple(dict.fromkeys((*catalogue.DESTINATIONS, *moved)))
    parameters, warnings = [], []
    for name, value in sets.items():
        found = valid[name]
        entry = params.in_force(found.file, found.key, on)
        before = _value(entry, found) if found.group is None else _members_on(found.group, on, moved)
        with applied({name: value}):
            after = (
                _value(params.in_force(found.file, found.key, on), found)
                if found.group is None
                else _members_on(found.group, on, moved)
            )
        parameters.append(
            {
                "key": name,
                "file": found.file,
                "parameter": found.key,
                "entry": entry.get("id") if entry else None,
                "before": before,
                "after": after,
                "source": params.cite(entry) if entry else None,
            }
        )
        if entry is None or (found.group is None and before is None):
            warnings.append(f"{name}: no entry in force on {on.isoformat()} has this parameter; it changes nothing")
        if found.group is not None and isinstance(value, dict):
            warnings += _unapplied(name, found.group, value, on)
    before_state = catalogue.snapshot(on, destinations, posture)
    with applied(sets):
        after_state = catalogue.snapshot(on, destinations, posture)
    changed = {c["id"]: c for c in catalogue.compare(before_state, after_state)}
    chips = [
        {
            "id": chip,
            "before": state["eccn"],
            "after": after_state[chip]["eccn"],
            "changed": chip in changed,
            "destinations": changed[chip]["destinations"] if chip in changed else [],
        }
        for chip, state in before_state.items()
    ]
    return {
        "as_of": on.isoformat(),
        "posture": posture,
        "set": sets,
        "parameters": parameters,
        "destinations": list(destinations),
        "chips": chips,
        "changed": sum(c["changed"] for c in chips),
        "warnings": warnings,
    }
