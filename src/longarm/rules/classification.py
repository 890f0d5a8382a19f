"""Classification of advanced-computing items: ECCN 3A090, 4A090, the .z paragraphs, 3A991.p, 4A994.l.

15 CFR 774 Supp. 1. Each paragraph is a function of the item's facts and the version of
its text in force (classification.yaml); each returns a `Check` that is met, not met or
unknown, with the words a reviewer reads.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from dataclasses import dataclass, replace
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
    # [lo, hi] when the die area is known only as a range (performance_density is then None)
    performance_density_range: tuple[float, float] | None = None


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


@dataclass(frozen=True)
class FoundryFacts:
    """Facts for Note 1 to 3A090.a (foundry / OSAT due diligence); None = unknown."""

    exporter_role: str | None
    process_node_nm: float | None
    nonplanar_transistors: bool | None
    transistor_count: int | None
    includes_hbm: bool | None
    designer_approved: bool | None
    meets_3a090a: Tri  # the classification on the figures given, without the presumption


def transistor_threshold(on: dt.date, p: dict[str, Any]) -> tuple[float, float | None]:
    """The count below which the presumption is overcome: (with HBM or in any year, without HBM in `on`'s year).

    Note 1 b./c.: below 30 billion; or, without HBM, below 35 billion for transfers completed in 2027 and
    40 billion in 2029 or thereafter. The text names no higher figure for 2028 (or 2025-2026).
    """
    base = float(p["transistor_count_billion"]) * 1e9
    year = on.year
    higher = None
    if year >= 2029:
        higher = float(p["no_hbm_transistor_count_billion_2029"]) * 1e9
    elif year == 2027:
        higher = float(p["no_hbm_transistor_count_billion_2027"]) * 1e9
    return base, higher


def authorized_designer(on: dt.date) -> tuple[str, str | None]:
    """Who is an "authorized" IC designer on `on` (Note 1 a.(2)-(3) to 3A090.a), and a warning for the
    day the Note does not name: it speaks of dates "prior to" and "after" its date, not of the date itself."""
    entry = params.in_force(FILE, "authorized_designer", on)
    if entry is None:
        return "", None
    until: dt.date = entry["params"]["until"]
    cite = params.cite(entry)
    if on < until:
        return (
            f"'authorized' before {until}: a designer headquartered in Taiwan or A:1/A:5, neither located in nor "
            f"with an ultimate parent headquartered in Macau or D:5, that agreed to report under 743.9(b) "
            f"(Note 1 a.(2), {cite})",
            None,
        )
    if on > until:
        return (
            f"'authorized' after {until}: only such a designer that has also applied to become an approved "
            f"designer, and for 180 days from its application (Note 1 a.(3), {cite})",
            None,
        )
    return (
        f"'authorized' on {until}: not stated (Note 1 a.(2) covers dates prior to it, a.(3) dates after it; {cite})",
        f"Note 1 to 3A090.a defines 'authorized' IC designers prior to {until} and after {until}, not on {until} "
        "itself: item.designer.approved_or_authorized is taken as given, but a designer that is authorized and "
        "not approved (Supp. No. 6 to part 740) has no stated standing on this date",
    )


@rule(
    "foundry presumption",
    CCL + "3A090, Note 1 to 3A090.a",
    area="classification",
    reads=((FILE, "foundry_presumption"), (FILE, "authorized_designer")),
)
def foundry_presumption(f: FoundryFacts, on: dt.date, p: dict[str, Any]) -> Check:
    """ "When a “front-end fabricator” or “OSAT” company is seeking to export, reexport, or transfer
    (in-country) an “applicable advanced logic integrated circuit,” there is a presumption that the
    item is 3A090.a and designed or marketed for datacenters ... this presumption does not apply to
    any entity other than the “front-end fabricator” or “OSAT” company."

    Met = the presumption stands (the IC is 3A090.a for this exporter). The IC is "applicable" if
    produced using the "16/14 nanometer node" or below, or with non-planar transistors (Note 1 d.).
    """
    para = "3A090 Note 1 to 3A090.a"
    if f.exporter_role is not None and f.exporter_role not in ("front_end_fabricator", "osat"):
        return Check(
            para,
            False,
            f"the exporter is a {f.exporter_role}, not a front-end fabricator or OSAT: "
            "the presumption does not apply to it",
        )
    node = p["node_nm_at_most"]
    by_node = None if f.process_node_nm is None else f.process_node_nm <= node
    applicable = any_of([by_node, f.nonplanar_transistors])
    node_text = "unknown" if f.process_node_nm is None else f"{f.process_node_nm:g} nm"
    planar_text = {True: "non-planar", False: "planar", None: "unknown"}[f.nonplanar_transistors]
    what = f"node {node_text} vs {node} nm ('16/14 nanometer node') or below; transistors {planar_text}"
    if applicable is False:
        return Check(para, False, f"not an 'applicable advanced logic integrated circuit' ({what}): no presumption")
    # a. an approved or authorized designer's attestation that the IC is not 3A090.a
    by_designer = all_of([f.designer_approved, negate(f.meets_3a090a)])
    # b./c. the fabricator's or approved OSAT's attestation of the aggregated approximated transistor count
    base, higher = transistor_threshold(on, p)
    count = f.transistor_count
    below_base = None if count is None else count < base
    below_higher = None if count is None or higher is None else all_of([negate(f.includes_hbm), count < higher])
    by_count = any_of([below_base, below_higher])
    overcome = any_of([by_designer, by_count])
    count_text = "unknown" if count is None else f"{count / 1e9:g} billion"
    limit = f"below {base / 1e9:g} billion" + (
        f" (without HBM: below {higher / 1e9:g} billion in {on.year})" if higher else ""
    )
    designer_text = {True: "approved or authorized", False: "not approved or authorized", None: "unknown"}[
        f.designer_approved
    ]
    authorized, _ = authorized_designer(on)
    how = (
        f"designer {designer_text} (attestation of TPP and performance density, taken as the figures given"
        + (f"; {authorized}" if authorized and f.designer_approved is not False else "")
        + "); "
        f"aggregated approximated transistor count {count_text} vs {limit}, "
        "attested by the fabricator (die packaged outside Macau and D:5) or an approved OSAT"
    )
    # Note 1 d.: absent the attestation, or where the count "cannot be confirmed", the IC "is specified in
    # ECCN 3A090.a": an overcoming fact not given leaves the presumption standing.
    stands = False if overcome is True else applicable
    if overcome is None:
        how += " - not shown, so the presumption is not overcome (Note 1 d.)"
    if f.exporter_role is None:
        # Only a front-end fabricator or OSAT is bound; the role is asked only where it would decide.
        if stands is True and f.meets_3a090a is not True:
            return Check(
                para,
                None,
                f"applies only if the exporter is a front-end fabricator or OSAT (exporter.role not given): "
                f"applicable advanced logic IC ({what}), presumption not overcome ({how})",
                ("exporter_role",),
            )
        return Check(
            para,
            None,
            "applies only if the exporter is a front-end fabricator or OSAT (exporter.role not given; not applied)",
        )
    if stands is True:
        return Check(
            para,
            True,
            f"applicable advanced logic IC ({what}) and the presumption is not overcome "
            f"({how}): the IC is 3A090.a and designed or marketed for datacenters for this exporter",
        )
    if stands is False:
        return Check(para, False, f"applicable advanced logic IC ({what}); presumption overcome ({how})")
    missing: list[str] = []
    if f.process_node_nm is None:
        missing.append("process_node")
    if f.nonplanar_transistors is None:
        missing.append("nonplanar")
    if f.designer_approved is None and f.meets_3a090a is not True:
        missing.append("designer_approved")
    if count is None:
        missing.append("transistor_count")
    return Check(para, None, f"{what}; {how}", tuple(missing))


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
    notes.append(f"{version['summary']} ({params.cite(version)})")
    if f.performance_density is None and f.performance_density_range is not None and version["test"] != "io_and_tpp":
        return _over_range(f, on, version, notes)
    return _at_point(f, on, version, notes)


def _at_point(f: ICFacts, on: dt.date, version: dict[str, Any], notes: list[str]) -> ICResult:
    p = version["params"]
    checks: list[Check] = []
    if version["test"] == "io_and_tpp":
        check_a = a_2022(f, p)
        checks.append(check_a)
        notes.extend(version.get("gaps", []))
        a_status: Tri = check_a.value
        b_status: Tri = False
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


def density_cuts(p: dict[str, Any]) -> list[float]:
    """The performance-density thresholds of a version of 3A090.a/.b (the points where its answer can change)."""
    return sorted({float(v) for k, v in p.items() if k.endswith(("_pd", "_pd_below"))})


def _over_range(f: ICFacts, on: dt.date, version: dict[str, Any], notes: list[str]) -> ICResult:
    """The IC over every performance density in [lo, hi]: one answer if the whole range gives it.

    The paragraphs are step functions of the density with steps at the thresholds, so the low end
    and each threshold inside the range (evaluated on its "or more" side) cover every answer.
    """
    assert f.performance_density_range is not None
    lo, hi = f.performance_density_range
    samples = [lo, *(t for t in density_cuts(version["params"]) if lo < t <= hi)]
    results = [(pd, _at_point(replace(f, performance_density=pd), on, version, [])) for pd in samples]
    candidates = set().union(*(r.candidates for _, r in results))
    # consecutive samples with the same answer form one segment of the range
    segments: list[tuple[float, float, set[str]]] = []
    for i, (pd, r) in enumerate(results):
        upper = results[i + 1][0] if i + 1 < len(results) else hi
        if segments and segments[-1][2] == r.candidates:
            segments[-1] = (segments[-1][0], upper, r.candidates)
        else:
            segments.append((pd, upper, r.candidates))
    span = (
        f"the applicable die area is known only as a range, so performance density is {lo:.2f} to {hi:.2f}"
        if math.isfinite(hi)
        else f"the applicable die area is known only as an upper bound, so performance density is at least {lo:.2f}"
    )

    def upto(b: float) -> str:
        return f"{b:.2f}" if math.isfinite(b) else "no upper bound"

    def eccns(c: set[str]) -> str:
        return " or ".join(sorted(c, key=lambda e: (e == UNCLASSIFIED, e)))

    if len(segments) == 1:
        # the die area does not decide; any other unknown asks its own question below
        summary = Check("3A090", True, f"{span}; the whole range gives {eccns(candidates)}")
    else:
        parts = [
            f"{eccns(c)} from {a:.2f} to {'below ' if j + 1 < len(segments) else ''}{upto(b)}"
            for j, (a, b, c) in enumerate(segments)
        ]
        cuts = ", ".join(f"{a:g}" for a, _, _ in segments[1:])
        summary = Check("3A090", None, f"{span}, which straddles {cuts}: {'; '.join(parts)}", ("performance_density",))
    checks = [summary]
    starts = {a for a, _, _ in segments}  # one evaluation per segment is the trace a reviewer needs
    for pd, r in results:
        if pd in starts:
            checks += [
                Check(c.paragraph, c.value, f"at performance density {pd:.2f}: {c.text}", c.missing) for c in r.checks
            ]
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


def computer_datacenter(given: bool | None, contained: list[tuple[str, bool | None]]) -> tuple[Tri, str]:
    """Whether a computer, assembly or component (4A090) is designed or marketed for use in datacenters.

    Its own fact is read as given; only where it is absent is it derived from the ICs it contains
    (`contained`: name and datacenter fact of each, as given or from the catalogue): yes if any of them
    is, no if none is, unknown otherwise. The sources do not say how a computer's design or marketing
    follows from its ICs': the derivation says so."""
    if given is not None:
        return given, f"item.datacenter as given ({'yes' if given else 'no'})"
    if not contained:
        return None, "item.datacenter not given, nor the ICs it contains"
    value = any_of(dc for _, dc in contained)
    shown = ", ".join(f"{name}: {'yes' if dc else 'no' if dc is False else 'unknown'}" for name, dc in contained)
    word = {True: "yes: an IC inside is", False: "no: no IC inside is", None: "unknown"}[value]
    return value, (
        f"item.datacenter not given: derived from the ICs it contains ({shown}) - {word} designed or marketed "
        "for use in datacenters (the sources do not say how a computer's design or marketing follows from its "
        "ICs'; give item.datacenter to settle it)"
    )


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


# .z entries whose z.1 / z.2 are themselves the .a / .b level (742.6(a)(6)(iii)(A)-(B), 90 FR 4544: "4A004.z.1;
# 4A005.z.1; ... 5A992.z.1; ... 5D992.z.1" and "4A004.z.2; 4A005.z.2; ... 5A992.z.2; ... 5D992.z.2"); in the
# others (3A001.z, 4A003.z, 5A002.z, 5A004.z, 5D002.z) z.1, z.2, ... each hold a .a and a .b paragraph.
Z_LEAF_ENTRIES = ("4A004", "4A005", "5A992", "5D992")


def z_level(declared: str) -> str | None:
    """The 3A090 level (a/b) a declared .z ECCN asserts, e.g. 5A002.z.1.a -> a, 4A004.z.1 -> a; None where the
    paragraph given holds both levels (5A992.z, 4A003.z.2)."""
    d = declared.upper().replace(" ", "")
    if ".Z" not in d:
        return None
    tail = d.split(".Z", 1)[1].strip(".")
    if tail.endswith(".A") or (tail == "1" and d[:5] in Z_LEAF_ENTRIES):
        return "a"
    if tail.endswith(".B") or (tail == "2" and d[:5] in Z_LEAF_ENTRIES):
        return "b"
    return None


def z_both_levels(eccn: str) -> bool:
    """A .z ECCN given at a paragraph that holds both a .a and a .b level (e.g. 5A992.z, 4A003.z.2)."""
    e = eccn.upper().replace(" ", "")
    return ".Z" in e and e[:5] in Z_ENTRIES and z_level(e) is None


Z_ENTRIES = ("3A001", "4A003", "4A004", "4A005", "5A002", "5A004", "5A992", "5D002", "5D992")


def _first_cite() -> str:
    return params.cite(params.versions(FILE, "eccn_3a090_ab")[0])
