"""Find and read plan specs, and build the plan model from them."""

from __future__ import annotations

import functools
import json
import os
import stat
import zlib
from importlib import resources
from pathlib import Path
from typing import Any

from tcmcheck.errors import PlanError, Problem
from tcmcheck.messages import Phrase, os_reason
from tcmcheck.model import DEFAULT_TOLERANCE, Baseline, Indicator, Milestone, Plan, Region, Scale, first_full_year
from tcmcheck.periods import parse_period

MAX_PLAN_BYTES = 2 * 1024 * 1024
COMPILED = "compiled.json"


def builtin_dir():
    return resources.files("tcmcheck.plans")


def builtin_ids() -> list[str]:
    return sorted(p.name[: -len(".yaml")] for p in builtin_dir().iterdir() if p.name.endswith(".yaml"))


def builtin_plans() -> list[Plan]:
    return [load_builtin(plan_id) for plan_id in builtin_ids()]


def validate_builtin(plan_id: str) -> Plan:
    """A shipped plan, validated as a user-supplied one would be."""
    resource = builtin_dir().joinpath(f"{plan_id}.yaml")
    return parse_plan(resource.read_bytes(), f"plans/{plan_id}.yaml")


def load_builtin(plan_id: str) -> Plan:
    """A shipped plan. The test suite validates every shipped plan, so it is not validated again here.
    Its spec comes from plans/compiled.json, a JSON copy that parses far faster than YAML, as long as
    that copy was made from the YAML file as it is now; otherwise from the YAML file."""
    name = f"plans/{plan_id}.yaml"
    data = builtin_dir().joinpath(f"{plan_id}.yaml").read_bytes()
    compiled = _compiled_specs().get(plan_id)
    if compiled is not None and compiled.get("yaml") == fingerprint(data):
        return _build(compiled["spec"], name)
    from tcmcheck.plan_yaml import load_trusted

    return _build(load_trusted(data), name)


def fingerprint(data: bytes) -> str:
    """Tells a YAML file from an edited copy of it (a staleness check, not a security one)."""
    return f"{len(data)}:{zlib.crc32(data):08x}"


@functools.cache
def _compiled_specs() -> dict[str, dict]:
    """The JSON copies of the built-in plans; none when the file is missing or damaged."""
    resource = builtin_dir().joinpath(COMPILED)
    try:
        compiled = json.loads(resource.read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(compiled, dict):
        return {}
    return {plan_id: entry for plan_id, entry in compiled.items() if isinstance(entry, dict) and "spec" in entry}


def compile_specs(directory: Path) -> str:
    """The text of compiled.json for the plan YAML files in `directory`, each validated first."""
    from tcmcheck.plan_yaml import parse_spec

    plans = {}
    for path in sorted(directory.glob("*.yaml")):
        data = path.read_bytes()
        plans[path.stem] = {"yaml": fingerprint(data), "spec": parse_spec(data, str(path))}
    lines = [f"{json.dumps(plan_id)}:{json.dumps(entry, ensure_ascii=False, separators=(',', ':'))}"
             for plan_id, entry in plans.items()]
    return "{\n" + ",\n".join(lines) + "\n}\n"


def load_plan(path: str | Path) -> Plan:
    """A plan from a YAML file, which may be a FIFO but not a device or socket; at most MAX_PLAN_BYTES are read."""
    path = Path(path)
    name = str(path)
    try:
        _refuse_special(os.stat(path).st_mode, name)
        with open(path, "rb") as stream:
            info = os.fstat(stream.fileno())
            _refuse_special(info.st_mode, name)  # the path may have been replaced since the first look
            if stat.S_ISREG(info.st_mode) and info.st_size > MAX_PLAN_BYTES:
                raise PlanError(Problem("plan-too-large", "size", name, size=info.st_size, limit=MAX_PLAN_BYTES))
            data = stream.read(MAX_PLAN_BYTES + 1)  # FIFOs and /proc files report size 0
    except FileNotFoundError:
        raise PlanError(Problem("plan-not-found", "missing", name)) from None
    except OSError as exc:
        raise PlanError(Problem("plan-unreadable", "os", name, reason=os_reason(exc))) from None
    except ValueError as exc:  # a NUL in the name
        raise PlanError(Problem("plan-unreadable", "os", name, reason=str(exc))) from None
    if len(data) > MAX_PLAN_BYTES:
        raise PlanError(Problem("plan-too-large", "read", name, limit=MAX_PLAN_BYTES))
    return parse_plan(data, name)


_SPECIAL_FILES = ((stat.S_ISDIR, "directory"), (stat.S_ISCHR, "character-device"),
                  (stat.S_ISBLK, "block-device"), (stat.S_ISSOCK, "socket"))


def _refuse_special(mode: int, name: str) -> None:
    for test, what in _SPECIAL_FILES:
        if test(mode):
            raise PlanError(Problem("plan-not-file", "special", name, what=Phrase.of(what)))


def _is_path(reference: str) -> bool:
    """Whether PLAN names a file: a .yaml/.yml name, or anything on disk but a directory."""
    if Path(reference).suffix.lower() in (".yaml", ".yml"):
        return True
    try:
        return not stat.S_ISDIR(os.stat(reference).st_mode)
    except (OSError, ValueError):
        return False


def resolve_plan(reference: str) -> Plan:
    """A plan by path to a YAML file, built-in id or city name (江门, 江门市, Jiangmen). A directory
    is never a plan, so one named like a plan doesn't hide it."""
    if _is_path(reference):
        return load_plan(reference)
    wanted = reference.strip().lower()
    ids = builtin_ids()
    if wanted in ids:
        return load_builtin(wanted)
    for plan in builtin_plans():
        if plan.is_named(reference):
            return plan
    directory = Phrase.of("directory-not-plan") if os.path.isdir(reference) else ""
    raise PlanError(Problem("plan-unknown", "unknown", reference=repr(reference), directory=directory, ids=tuple(ids),
                            field="PLAN"))


def parse_plan(data: bytes, name: str) -> Plan:
    """Parse and validate plan YAML; every problem found is reported together."""
    from tcmcheck.plan_yaml import parse_spec

    return _build(parse_spec(data, name), name)


def _build(spec: dict, name: str) -> Plan:
    scales = {
        scale_name: Scale(scale_name, tuple(raw["levels"]), tuple((raw.get("aliases") or {}).items()))
        for scale_name, raw in (spec.get("scales") or {}).items()
    }
    indicators = []
    opening_year = first_full_year(spec["document"].get("issued"))
    for raw in spec["indicators"]:
        baseline = raw.get("baseline")
        indicators.append(Indicator(
            id=raw["id"],
            name_zh=raw["name"]["zh"],
            name_en=raw["name"]["en"],
            section=raw["section"],
            quote=raw["quote"],
            kind=raw["kind"],
            unit=raw["unit"],
            milestones=tuple(
                Milestone(
                    due=parse_period(m["due"]),
                    value=m.get("value"), low=m.get("low"), high=m.get("high"),
                    factor=m.get("factor"), grade=m.get("grade"),
                    quote=m.get("quote"), note=m.get("note"),
                    approx=m.get("approx", False), tolerance=m.get("tolerance", DEFAULT_TOLERANCE),
                )
                for m in raw["milestones"]
            ),
            responsible=tuple(raw.get("responsible", ())),
            lead=tuple(raw.get("lead", ())),
            unit_label=raw.get("unit_label"),
            nature=raw.get("nature"),
            op=raw.get("op"),
            scale=scales.get(raw.get("scale")) if raw["kind"] == "grade" else None,
            since=parse_period(raw["since"]) if "since" in raw else None,
            baseline=Baseline(parse_period(baseline["period"]), baseline.get("value")) if baseline else None,
            deadline_inferred=raw.get("deadline_inferred", False),
            tags=tuple(raw.get("tags", ())),
            note=raw.get("note"),
            report_zh=raw["report"]["zh"] if "report" in raw else None,
            report_en=raw["report"]["en"] if "report" in raw else None,
            years_named=raw.get("years_named", False),
            scope=raw.get("scope", "city"),
            rollup=raw.get("rollup"),
            first_year=None if raw["kind"] != "annual" or raw.get("years_named") else opening_year,
        ))
    document = spec["document"]
    regions = spec.get("regions") or {}
    return Plan(
        id=spec["id"],
        city_zh=spec["city"]["zh"],
        city_en=spec["city"]["en"],
        province_zh=spec["province"]["zh"],
        province_en=spec["province"]["en"],
        title=document["title"],
        title_en=document.get("title_en"),
        number=document.get("number"),
        issued=document.get("issued"),
        status=document.get("status"),
        start_year=spec["period"]["start"],
        end_year=spec["period"]["end"],
        indicators=tuple(indicators),
        source=name,
        regions=tuple(Region(r["zh"], r["en"], tuple(r.get("short", ()))) for r in regions.get("divisions", ())),
        regions_source=regions.get("source"),
    )
