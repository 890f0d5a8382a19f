"""Classification of advanced-computing items: ECCN 3A090, 4A090, the .z paragraphs, 3A991.p, 4A994.l.

15 CFR 774 Supp. 1. Each paragraph is a function of the item's facts and the version of
its text in force (classification.yaml); each returns a `Check` that is met, not met or
unknown, with the words a reviewer reads.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

from longarm import params
from longarm.metrics import at_least, greater_than
from longarm.rules.logic import Tri, all_of, any_of, negate
from longarm.rules.registry import rule

CCL = "15 CFR 774 Supp. 1, ECCN "
FILE = "classification"
UNCLASSIFIED = "UNCLASSIFIED"
UNDETERMINED = "UNDETERMINED"


@dataclass(frozen=True)
class ICFacts:
    """What classification needs to know about one IC; None = unknown."""

    tpp: float | None
    performance_density: float | None
    datacenter: bool | None
    io_gbs: float | None
    max_tops: float | None
    io_gbs_at_least: float | None = None  # a lower bound (chip-to-chip links only, no host I/O)


@dataclass(frozen=True)
class Check:
    """The result of testing one paragraph."""

    paragraph: str
    value: Tri
    text: str
    missing: tuple[str, ...] = ()

    @property
    def citation(self) -> str:
        return CCL + self.paragraph


def _ge(value: float | None, threshold: float) -> Tri:
    return None if value is None else at_least(value, threshold)


def _lt(value: float | None, threshold: float) -> Tri:
    return None if value is None else not at_least(value, threshold)


def _io_ge(f: ICFacts, threshold: float) -> Tri:
    """The I/O test; a known lower bound settles it only when the bound already meets it."""
    if f.io_gbs is not None:
        return at_least(f.io_gbs, threshold)
    if f.io_gbs_at_least is not None and at_least(f.io_gbs_at_least, threshold):
        return True
    return None


def _io(f: ICFacts) -> str:
    if f.io_gbs is not None:
        return _num(f.io_gbs)
    return f"at least {_num(f.io_gbs_at_least)}" if f.io_gbs_at_least is not None else "unknown"


def _missing(f: ICFacts, *names: str) -> tuple[str, ...]:
    return tuple(n for n in names if getattr(f, n) is None)


def _num(v: float | None, digits: int = 1) -> str:
    return "unknown" if v is None else f"{v:,.{digits}f}"


# ---- October 2022 text ----------------------------------------------------------------


@rule(
    "3A090.a (2022)",
    CCL + "3A090.a (October 2022 text)",
    area="classification",
    reads=((FILE, "eccn_3a090_ab", "3A090-2022"),),
)
def a_2022(f: ICFacts, p: dict[str, Any]) -> Check:
    """ "Integrated circuits that have ... an aggregate bidirectional transfer rate over all
    inputs and outputs of 600 Gbyte/s or more ... and ... bit length per operation multiplied
    by processing performance measured in TOPS ... of 4800 or more" (both tests must be met)."""
    value = all_of([_ge(f.tpp, p["tpp"]), _io_ge(f, p["io_gbs"])])
    return Check(
        "3A090.a",
        value,
        f"October 2022 text: TPP {_num(f.tpp)} vs {p['tpp']:g} or more AND aggregate bidirectional "
        f"transfer rate {_io(f)} GB/s vs {p['io_gbs']:g} GB/s or more",
        _missing(f, "tpp", "io_gbs") if value is None else (),
    )


# ---- November 2023 text (current) -------------------------------------------------------


@rule("3A090.a.1", CCL + "3A090.a.1", area="classification", reads=((FILE, "eccn_3a090_ab", "3A090-2023"),))
def a1(f: ICFacts, p: dict[str, Any]) -> Check:
    """ "A 'total processing performance' of 4800 or more"."""
    value = _ge(f.tpp, p["a1_tpp"])
    return Check("3A090.a.1", value, f"TPP {_num(f.tpp)} vs {p['a1_tpp']:g} or more", _missing(f, "tpp"))


@rule("3A090.a.2", CCL + "3A090.a.2", area="classification", reads=((FILE, "eccn_3a090_ab", "3A090-2023"),))
def a2(f: ICFacts, p: dict[str, Any]) -> Check:
    """ "A 'total processing performance' of 1600 or more and a 'performance density' of 5.92 or more"."""
    value = all_of([_ge(f.tpp, p["a2_tpp"]), _ge(f.performance_density, p["a2_pd"])])
    return Check(
        "3A090.a.2",
        value,
        f"TPP {_num(f.tpp)} vs {p['a2_tpp']:g} or more and performance density "
        f"{_num(f.performance_density, 2)} vs {p['a2_pd']:g} or more",
        _missing(f, "tpp", "performance_density") if value is None else (),
    )


@rule("3A090.b.1", CCL + "3A090.b.1", area="classification", reads=((FILE, "eccn_3a090_ab", "3A090-2023"),))
def b1(f: ICFacts, p: dict[str, Any]) -> Check:
    """ "A 'total processing performance' of 2400 or more and less than 4800 and a 'performance
    density' of 1.6 or more and less than 5.92"."""
    value = all_of(
        [
            _ge(f.tpp, p["b1_tpp"]),
            _lt(f.tpp, p["b1_tpp_below"]),
            _ge(f.performance_density, p["b1_pd"]),
            _lt(f.performance_density, p["b1_pd_below"]),
        ]
    )
    return Check(
        "3A090.b.1",
        value,
        f"TPP {_num(f.tpp)} vs {p['b1_tpp']:g} or more and less than {p['b1_tpp_below']:g}, performance density "
        f"{_num(f.performance_density, 2)} vs {p['b1_pd']:g} or more and less than {p['b1_pd_below']:g}",
        _missing(f, "tpp", "performance_density") if value is None else (),
    )


@rule("3A090.b.2", CCL + "3A090.b.2", area="classification", reads=((FILE, "eccn_3a090_ab", "3A090-2023"),))
def b2(f: ICFacts, p: dict[str, Any]) -> Check:
    """ "A 'total processing performance' of 1600 or more and a 'performance density' of 3.2 or
    more and less than 5.92"."""
    value = all_of(
        [_ge(f.tpp, p["b2_tpp"]), _ge(f.performance_density, p["b2_pd"]), _lt(f.performance_density, p["b2_pd_below"])]
    )
    return Check(
        "3A090.b.2",
        value,
        f"TPP {_num(f.tpp)} vs {p['b2_tpp']:g} or more, performance density "
        f"{_num(f.performance_density, 2)} vs {p['b2_pd']:g} or more and less than {p['b2_pd_below']:g}",
        _missing(f, "tpp", "performance_density") if value is None else (),
    )


@rule(
    "3A090 datacenter note",
    CCL + "3A090, Note 2 to 3A090",
    area="classification",
    reads=((FILE, "eccn_3a090_ab", "3A090-2023"),),
)
def datacenter_note(f: ICFacts, p: dict[str, Any]) -> Check:
    """ "3A090.a and 3A090.b do not apply to items that are not designed or marketed for use in
    datacenters and do not have a 'total processing performance' of 4800 or more." Met = excluded."""
    value = all_of([negate(f.datacenter), _lt(f.tpp, p["datacenter_note_tpp"])])
    dc = {
        True: "designed or marketed for datacenters",
        False: "not designed or marketed for datacenters",
        None: "datacenter design or marketing unknown",
    }[f.datacenter]
    return Check(
        "3A090 Note 2",
        value,
        f"{dc}; TPP {_num(f.tpp)} vs {p['datacenter_note_tpp']:g} or more — "
        + {True: "excluded from 3A090.a/.b", False: "not excluded", None: "exclusion unknown"}[value],
        _missing(f, "datacenter", "tpp") if value is None else (),
    )


@rule("3A991.p", CCL + "3A991.p", area="classification", reads=((FILE, "eccn_3a991_p"),))
def p_3a991(f: ICFacts, p: dict[str, Any]) -> Check:
    """ "Integrated circuits, n.e.s., having any of the following: p.1. A processing performance
    of 8 TOPS or more; or p.2. An aggregate bidirectional transfer rate ... of 150 Gbyte/s or more"."""
    tops = f.max_tops
    if tops is None and f.tpp is not None:
        tops_floor = f.tpp / 64  # the TPP's own bit length is at most 64, so TOPS >= TPP / 64
        tops = tops_floor if at_least(tops_floor, p["tops"]) else None
    value = any_of([_ge(tops, p["tops"]), _io_ge(f, p["io_gbs"])])
    return Check(
        "3A991.p",
        value,
        f"processing performance {_num(tops)} TOPS vs {p['tops']:g} or more, or transfer rate "
        f"{_io(f)} GB/s vs {p['io_gbs']:g} or more",
        ("max_tops", "io_gbs") if value is None else (),
    )


@rule("3A090.c", CCL + "3A090.c", area="classification", reads=((FILE, "eccn_3a090_c"),))
def c_hbm(density: float | None, p: dict[str, Any]) -> Check:
    """ "High bandwidth memory (HBM) having a 'memory bandwidth density' greater than 2 gigabytes
    per second per square millimeter"."""
    value = None if density is None else greater_than(density, p["memory_bandwidth_density_above"])
    return Check(
        "3A090.c",
        value,
        f"memory bandwidth density {_num(density, 2)} GB/s/mm² vs greater than {p['memory_bandwidth_density_above']:g}",
        ("memory_bandwidth_density",) if value is None else (),
    )


@rule("4A090", CCL + "4A090.a/.b", area="classification", reads=((FILE, "eccn_4a090"),))
def computer_4a090(ic_levels: set[str], p: dict[str, Any]) -> Check:
    """ "Computers, “electronic assemblies,” and “components” containing integrated circuits, any of
    which meets or exceeds the limits in 3A090.a" (4A090.a) "... in 3A090.b" (4A090.b)."""
    levels = [lvl for lvl in p["levels"] if lvl in ic_levels]
    top = levels[0] if levels else None
    return Check(
        f"4A090.{top}" if top else "4A090",
        top is not None,
        "contains an IC meeting 3A090." + top if top else "contains no IC meeting 3A090.a or .b",
    )


@rule("4A994.l", CCL + "4A994.l", area="classification", reads=((FILE, "eccn_4a994_l"),))
def computer_4a994(ic_eccns: set[str], p: dict[str, Any]) -> Check:
    """ "Computers, “electronic assemblies,” and “components,” n.e.s., containing integrated
    circuits, any of which meets or exceeds the limit of ECCN 3A991.p"."""
    met = "3A991.p" in ic_eccns
    return Check("4A994.l", met, "contains an IC meeting 3A991.p" if met else "contains no IC meeting 3A991.p")


@rule(
    "foundry presumption",
    CCL + "3A090, Note 1 to 3A090.a",
    area="classification",
    reads=((FILE, "foundry_presumption"),),
)
def foundry_presumption(exporter_role: str | None, p: dict[str, Any]) -> Check:
    """ "When a “front-end fabricator” or “OSAT” company is seeking to export, reexport, or transfer
    (in-country) an “applicable advanced logic integrated circuit,” there is a presumption that the
    item is 3A090.a and designed or marketed for datacenters ... this presumption does not apply to
    any entity other than the “front-end fabricator” or “OSAT” company."""
    applies: Tri = None if exporter_role is None else exporter_role in ("front_end_fabricator", "osat")
    text = {
        True: "the exporter is a front-end fabricator or OSAT: the IC is presumed 3A090.a and "
        "datacenter unless the presumption is overcome (" + "; ".join(p["ways_to_overcome"]) + ")",
        False: "the exporter is not a front-end fabricator or OSAT: the presumption does not apply",
        None: "applies only if the exporter is a front-end fabricator or OSAT (exporter.role not given; not applied)",
    }[applies]
    return Check("3A090 Note 1 to 3A090.a", applies, text)


# ---- driving the paragraphs -------------------------------------------------------------


@dataclass
class ICResult:
    candidates: set[str]
    checks: list[Check]
    notes: list[str]


def classify_ic(f: ICFacts, on: dt.date) -> ICResult:
    """Every ECCN the IC may have on `on` given what is known (one candidate = determined)."""
    version = params.in_force(FILE, "eccn_3a090_ab", on)
    checks: list[Check] = []
    notes: list[str] = []
    if version is None:
        notes.append(f"ECCN 3A090 did not exist on {on} (first in force 2022-10-07, {_first_cite()})")
        return ICResult({UNCLASSIFIED}, checks, notes)
    p = version["params"]
    notes.append(f"{version['summary']} ({params.cite(version)})")
    if version["test"] == "io_and_tpp":
        is_a = a_2022(f, p)
        checks.append(is_a)
        notes.extend(version.get("gaps", []))
        a_status, b_status = is_a.value, False
    else:
        c_a1, c_a2, c_b1, c_b2, excl = a1(f, p), a2(f, p), b1(f, p), b2(f, p), datacenter_note(f, p)
        checks.extend([c_a1, c_a2, c_b1, c_b2, excl])
        is_a = any_of([c_a1.value, c_a2.value])
        is_b = any_of([c_b1.value, c_b2.value])
        a_status = all_of([is_a, negate(excl.value)])
        b_status = all_of([negate(is_a), is_b, negate(excl.value)])
    candidates: set[str] = set()
    if a_status is not False:
        candidates.add("3A090.a")
    if b_status is not False:
        candidates.add("3A090.b")
    if a_status is not True and b_status is not True:
        below = params.in_force(FILE, "eccn_3a991_p", on)
        if below is None:
            candidates.add(UNCLASSIFIED)
        else:
            check = p_3a991(f, below["params"])
            checks.append(check)
            if check.value is not False:
                candidates.add("3A991.p")
            if check.value is not True:
                candidates.add(UNCLASSIFIED)
    return ICResult(candidates, checks, notes)


def classify_hbm(density: float | None, on: dt.date) -> ICResult:
    version = params.in_force(FILE, "eccn_3a090_c", on)
    if version is None:
        return ICResult(
            {UNCLASSIFIED}, [], [f"ECCN 3A090.c (HBM) did not exist on {on} (first in force 2024-12-02, 89 FR 96790)"]
        )
    check = c_hbm(density, version["params"])
    notes = []
    if version.get("compliance") and on < version["compliance"]:
        notes.append(f"3A090.c is in force but its compliance date is {version['compliance']}")
    candidates = {"3A090.c"} if check.value else {UNCLASSIFIED} if check.value is False else {"3A090.c", UNCLASSIFIED}
    return ICResult(candidates, [check], notes)


LEVEL_ORDER = ("3A090.a", "3A090.b", "3A991.p", UNCLASSIFIED)


def classify_computer(ic_candidates: list[set[str]], on: dt.date) -> ICResult:
    """4A090 / 4A994.l by the ICs contained: every combination of the ICs' candidate ECCNs."""
    version = params.in_force(FILE, "eccn_4a090", on)
    if version is None:
        return ICResult({UNCLASSIFIED}, [], [f"ECCN 4A090 did not exist on {on}"])
    distinct = {frozenset(s) for s in ic_candidates}
    highest = {min(combo, key=LEVEL_ORDER.index) for combo in itertools.product(*distinct)}
    checks: list[Check] = []
    candidates: set[str] = set()
    for level in sorted(highest, key=LEVEL_ORDER.index):
        if level in ("3A090.a", "3A090.b"):
            check = computer_4a090({level[-1]}, version["params"])
        elif level == "3A991.p" and params.in_force(FILE, "eccn_4a994_l", on):
            check = computer_4a994({level}, {})
        else:
            candidates.add(UNCLASSIFIED)
            continue
        checks.append(check)
        candidates.add(check.paragraph if check.value else UNCLASSIFIED)
    return ICResult(candidates, checks, [])


def z_pointer(eccn: str, on: dt.date) -> Check | None:
    """The .z paragraphs: an item also described in another CCL entry takes that entry's .z paragraph."""
    version = params.in_force(FILE, "z_paragraphs", on)
    if version is None or eccn not in ("3A090.a", "3A090.b", "4A090.a", "4A090.b"):
        return None
    entries = ", ".join(version["params"]["entries"])
    return Check(
        "3A001.z (and 4A003.z, 4A004.z, 4A005.z, 5A002.z, 5A004.z, 5A992.z)",
        None,
        f"if the item is also described in {entries}, it is classified in that entry's .z "
        f"paragraph at level .{eccn[-1]} (e.g. 5A002.z.1.{eccn[-1]}), with the same RS scope as "
        f"{eccn}; the other reasons for control of that entry (NS, EI, ...) then also apply",
    )


def z_level(declared: str) -> str | None:
    """The 3A090 level (a/b) a declared .z ECCN asserts, e.g. 5A002.z.1.a -> a, 4A004.z.1 -> a."""
    d = declared.upper().replace(" ", "")
    if ".Z" not in d:
        return None
    tail = d.split(".Z", 1)[1].strip(".")
    if tail.endswith(".A") or tail in ("1",):
        return "a"
    if tail.endswith(".B") or tail in ("2",):
        return "b"
    return None


def _first_cite() -> str:
    return params.cite(params.versions(FILE, "eccn_3a090_ab")[0])
