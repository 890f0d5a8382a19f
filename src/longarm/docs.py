"""Generated documentation: README sections that must not drift from the code.

`python -m longarm.docs README.md` rewrites every section between `<!-- NAME:start -->` and
`<!-- NAME:end -->` markers; the tests fail when the committed README differs. The input
reference is generated from the models' JSON Schema (names, types, enums, required) and the
descriptions below, which the tests require for every field and batch column; `longarm schema`
prints the same schema with the same descriptions.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

CATALOGUE_DATES = (dt.date(2023, 1, 1), dt.date(2024, 1, 1), dt.date(2026, 11, 28))


FIELD_DOCS: dict[str, str] = {
    "as_of": "The date the rules are evaluated at (YYYY-MM-DD, 2000-01-01 to 2099-12-31). Default: today.",
    "activity": "`export`, `reexport`, `transfer` (in-country) or `use`. Default: `export`.",
    "from_country": "Where the item is now (ISO 3166-1 alpha-2 code). Absent: unknown.",
    "to_country": "The destination (ISO 3166-1 alpha-2); the same as `from_country` for a use or a transfer.",
    "item": "The item: a catalogue id, or its figures. Facts not given are unknown, never zero or false.",
    "item.catalog_id": "Take the figures from the bundled catalogue (`longarm chips` lists the ids).",
    "item.name": "Free text, shown in the answer.",
    "item.type": "`ic`, `computer` (4A090), `hbm` (3A090.c) or `other`. Default: `ic`.",
    "item.eccn": "The ECCN you claim; checked against the computed one, never trusted blindly.",
    "item.tpp": "Total processing performance (3A090 Technical Note).",
    "item.die_area_mm2": "The applicable die area in mm², for the performance density.",
    "item.datacenter": "Designed or marketed for use in datacenters (Note 2 to 3A090).",
    "item.bidirectional_transfer_rate_gbs": "Aggregate bidirectional transfer rate in GB/s (the October 2022 3A090).",
    "item.memory_bandwidth_density": "For HBM: memory bandwidth density in GB/s per mm² (3A090.c).",
    "item.memory_bandwidth_gbs": "For HBM: memory bandwidth in GB/s (with `package_area_mm2`, gives the density).",
    "item.package_area_mm2": "For HBM: package area in mm² (with `memory_bandwidth_gbs`, gives the density).",
    "item.units": "Processing units' peak rates; TPP is computed from them when `tpp` is absent.",
    "item.units[].count": "How many of this unit. Default: 1.",
    "item.units[].tops": "Dense peak rate in TOPS at `bit_length` (give this or `mactops`).",
    "item.units[].mactops": "Dense peak rate in multiply-accumulate TOPS (counted twice; give this or `tops`).",
    "item.units[].bit_length": "The operand bit length of the rate (1 to 256).",
    "item.units[].unit": "The unit's name: entries of the same name are alternative bit lengths (the highest TPP counts), "
    "entries of different names are added up.",
    "item.units[].sparse": "The rate is a sparse one (not counted: TPP is computed from dense rates).",
    "item.contains": "For a computer, assembly or component: the ICs inside (4A090).",
    "item.contains[].catalog_id": "A catalogue id for the IC inside.",
    "item.contains[].count": "How many. Default: 1.",
    "item.contains[].tpp": "The IC's total processing performance, when not from the catalogue.",
    "item.contains[].die_area_mm2": "The IC's applicable die area in mm².",
    "item.contains[].datacenter": "The IC is designed or marketed for use in datacenters.",
    "item.origin_country": "Where the item was produced (ISO 3166-1 alpha-2).",
    "item.us_controlled_content_pct": "Controlled US-origin content, percent of value (0 to 100), for de minimis (734.4).",
    "item.us_origin_ics": "ECCNs of the U.S.-origin integrated circuits the item contains (de minimis, 734.4(a)(8)-(9): "
    "any IC of Category 3, 4 or 5 leaves certain 3B items no de minimis level); `[]` = none; absent = unknown.",
    "item.producer": "Who produced the item (a party).",
    "item.producer.name": "The producer's name.",
    "item.producer.country": "The producer's country (ISO 3166-1 alpha-2).",
    "item.designer": "Who designed the IC (a party).",
    "item.designer.name": "The designer's name.",
    "item.designer.country": "The designer's country (ISO 3166-1 alpha-2).",
    "item.designer.approved_or_authorized": "An approved or authorized IC designer (foundry due diligence, Note 1 to 3A090.a).",
    "item.foreign_direct_product": "Facts for the foreign direct product rules (734.9).",
    "item.foreign_direct_product.direct_product_of": "ECCNs of the US technology or software the item is a direct "
    "product of; `[]` = none; absent = unknown.",
    "item.foreign_direct_product.plant_direct_product_of": "The same for the plant (or a major component of it) that "
    "produced the item.",
    "item.process_node_nm": "Process node in nm (foundry due diligence, Note 1 to 3A090.a).",
    "item.nonplanar_transistors": "Made with non-planar transistors (foundry due diligence).",
    "item.transistor_count": "Number of transistors (foundry due diligence).",
    "item.includes_hbm": "The package includes high bandwidth memory (foundry due diligence).",
    "parties": "Every party to the transaction; each is screened against the restricted-party lists.",
    "parties[].role": "`end_user`, `ultimate_consignee`, `intermediate_consignee` or `purchaser`.",
    "parties[].name": "The party's name as on the order (not blank; at most 1,000 characters).",
    "parties[].country": "Where the party is (ISO 3166-1 alpha-2).",
    "parties[].headquarters_country": "Where the party is headquartered (the headquarters rule, 744.23(a)(3)).",
    "parties[].ultimate_parent_headquarters_country": "Where its ultimate parent is headquartered.",
    "parties[].owned_50pct_by_listed_entity": "Owned 50 % or more by listed entities (the Affiliates rule).",
    "parties[].type": "`organization`, `person` or `vessel`: narrows and tunes the screening.",
    "end_uses": "The known end uses: `supercomputer`, `advanced_node_ic_production`, `military`, "
    "`military_intelligence`, `wmd`, `ai_model_training`, `datacenter`, `technical_evaluation`. "
    "Absent = unknown; `[]` = none of them.",
    "exporter": "Who exports.",
    "exporter.name": "The exporter's name, matched against the dated registry of published is-informed letters.",
    "exporter.country": "The exporter's country (ISO 3166-1 alpha-2).",
    "exporter.us_person": "The exporter is a US person.",
    "exporter.role": "`manufacturer`, `distributor`, `front_end_fabricator`, `osat`, `cloud_provider` or `other`.",
    "exporter.is_informed": "Is-informed letters this exporter received (744.21(b), 744.23(b), ...).",
    "exporter.is_informed[].citation": "The paragraph the letter was issued under, e.g. `15 CFR 744.23(b)`.",
    "exporter.is_informed[].date": "The date of the letter (YYYY-MM-DD).",
    "exporter.is_informed[].items": "Catalogue ids or ECCN prefixes the letter names.",
    "exporter.is_informed[].destinations": "Country codes or Country Groups (`D:5`) the letter names.",
    "exporter.is_informed[].text": "Free text.",
    "posture": "`text` (the CFR text in force on `as_of`) or `enforced` (as BIS announced it enforces it). Default: `text`.",
}

BATCH_DOCS: dict[str, str] = {
    "order_id": "(none: the order's identifier, carried to the output)",
    "as_of": "`as_of` (YYYY-MM-DD).",
    "activity": "`activity`.",
    "from_country": "`from_country`.",
    "to_country": "`to_country`.",
    "catalog_id": "`item.catalog_id`.",
    "eccn": "`item.eccn` (the ECCN the order book declares; kept as `declared_eccn` in the output).",
    "tpp": "`item.tpp`.",
    "die_area_mm2": "`item.die_area_mm2`.",
    "datacenter": "`item.datacenter` (`true`/`false`, `yes`/`no`, `1`/`0`).",
    "origin_country": "`item.origin_country`.",
    "us_controlled_content_pct": "`item.us_controlled_content_pct`.",
    "end_user": "`parties[0].name` with the role `end_user`.",
    "end_user_country": "`parties[0].country`.",
    "end_user_headquarters_country": "`parties[0].headquarters_country`.",
    "end_user_ultimate_parent_headquarters_country": "`parties[0].ultimate_parent_headquarters_country`.",
    "end_user_type": "`parties[0].type`.",
    "exporter_name": "`exporter.name`.",
    "end_uses": "`end_uses`, separated by `;`.",
}


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    return defs[node["$ref"].rsplit("/", 1)[-1]] if "$ref" in node else node


def _type_of(node: dict[str, Any], defs: dict[str, Any]) -> str:
    node = _resolve(node, defs)
    if "anyOf" in node:
        return " or ".join(_type_of(a, defs) for a in node["anyOf"] if a.get("type") != "null")
    if "enum" in node:
        return " \\| ".join(f"`{v}`" for v in node["enum"])
    if node.get("type") == "array":
        return "list of " + _type_of(node.get("items", {}), defs)
    if "properties" in node:
        return "mapping"
    return {"string": "text", "number": "number", "integer": "integer", "boolean": "true/false"}.get(
        node.get("type", ""), node.get("format") or node.get("type", "any")
    ) + (" (date)" if node.get("format") == "date" else "")


def transaction_fields() -> list[tuple[str, str, bool]]:
    """Every Transaction field as (path, type, required), in the models' order; `[]` marks a list entry."""
    from longarm.model import Transaction

    schema = Transaction.model_json_schema()
    defs = schema.get("$defs", {})
    out: list[tuple[str, str, bool]] = []

    def walk(obj: dict[str, Any], prefix: str) -> None:
        for name, prop in obj.get("properties", {}).items():
            path = prefix + name
            out.append((path, _type_of(prop, defs), name in obj.get("required", [])))
            inner = prop
            if "anyOf" in inner:
                inner = next(a for a in inner["anyOf"] if a.get("type") != "null")
            inner = _resolve(inner, defs)
            if inner.get("type") == "array" and "properties" in _resolve(inner.get("items", {}), defs):
                walk(_resolve(inner["items"], defs), path + "[].")
            elif "properties" in inner:
                walk(inner, path + ".")

    walk(schema, "")
    return out


def batch_columns() -> list[tuple[str, bool]]:
    """Every order-book input column the batch reads, as (name, required)."""
    from longarm import batch

    names = list(batch.INPUT_COLUMNS) + [
        c for c in getattr(batch, "EXTRA_INPUT_COLUMNS", ()) if c not in batch.INPUT_COLUMNS
    ]
    return [(c, c in batch.REQUIRED) for c in names]


def input_reference() -> str:
    """The README's input reference: every Transaction field, every batch column, the limits."""
    from longarm.inputs import LIMITS

    lines = ["| Transaction field | type | meaning |", "| --- | --- | --- |"]
    for path, typ, required in transaction_fields():
        lines.append(f"| `{path}`{' (required)' if required else ''} | {typ} | {FIELD_DOCS.get(path, '')} |")
    lines += ["", "| order-book column | the Transaction field it gives |", "| --- | --- |"]
    for name, required in batch_columns():
        lines.append(f"| `{name}`{' (required)' if required else ''} | {BATCH_DOCS.get(name, '')} |")
    lines += ["", "| what | limit |", "| --- | --- |"]
    lines += [f"| {what} | {limit} |" for what, limit in LIMITS.items()]
    return "\n".join(lines) + "\n"


def json_schema(subject: str) -> dict[str, Any]:
    """The JSON Schema of `transaction` (input, with FIELD_DOCS as descriptions) or `determination` (output)."""
    from longarm.model import Determination, Transaction

    if subject == "determination":
        schema = Determination.model_json_schema(mode="serialization")
    else:
        schema = copy.deepcopy(Transaction.model_json_schema())
        defs = schema.get("$defs", {})

        def describe(obj: dict[str, Any], prefix: str) -> None:
            for name, prop in obj.get("properties", {}).items():
                path = prefix + name
                if path in FIELD_DOCS:
                    prop["description"] = FIELD_DOCS[path]
                inner = next((a for a in prop.get("anyOf", []) if a.get("type") != "null"), prop)
                inner = _resolve(inner, defs)
                if inner.get("type") == "array":
                    describe(_resolve(inner.get("items", {}), defs), path + "[].")
                elif "properties" in inner:
                    describe(inner, path + ".")

        describe(schema, "")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def catalogue_table() -> str:
    """Every catalogue chip's ECCN on the three reference dates."""
    from longarm.chips import listing

    by_date = {on: {r["id"]: r for r in listing(on)} for on in CATALOGUE_DATES}
    first = by_date[CATALOGUE_DATES[0]]
    head = "| chip | TPP | density | " + " | ".join(f"ECCN {on}" for on in CATALOGUE_DATES) + " |"
    lines = [head, "|" + " --- |" * (3 + len(CATALOGUE_DATES))]
    for chip_id, r in first.items():
        tpp = "unknown" if r["tpp"] is None else f"{r['tpp']:,.0f}"
        pd = "unknown" if r["performance_density"] is None else f"{r['performance_density']:.2f}"
        cells = []
        for on in CATALOGUE_DATES:
            row = by_date[on][chip_id]
            cells.append(
                row["eccn"]
                if row["eccn"] != "UNDETERMINED"
                else "undetermined (" + " / ".join(row["eccn_candidates"]) + ")"
            )
        lines.append(f"| `{chip_id}` | {tpp} | {pd} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def bench_table() -> str:
    """The benchmark table as last recorded by `make bench` (bench/RESULTS.md)."""
    path = Path(__file__).resolve().parents[2] / "bench" / "RESULTS.md"
    if not path.is_file():
        return "(run `make bench`)\n"
    text = path.read_text("utf-8")
    lines = text[: text.index("\n## ")].splitlines() if "\n## " in text else text.splitlines()  # the main table
    return "\n".join(line for line in lines if line.startswith("|") or line.startswith("Measured")) + "\n"


def rules_markdown() -> str:
    from longarm.rules.registry import markdown

    return markdown()


SECTIONS: dict[str, Callable[[], str]] = {
    "rules": rules_markdown,
    "catalogue": catalogue_table,
    "bench": bench_table,
    "inputs": input_reference,
}


def render(text: str) -> str:
    """`text` with every generated section brought up to date."""
    for name, make in SECTIONS.items():
        pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.S)
        match = pattern.search(text)
        if match:
            text = text[: match.start()] + match.group(1) + make() + match.group(2) + text[match.end() :]
    return text


def main(paths: list[str]) -> None:
    for p in paths:
        path = Path(p)
        path.write_text(render(path.read_text("utf-8")), "utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
