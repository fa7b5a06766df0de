"""Plan YAML: safe loading, and validation against the schema with every problem located."""

from __future__ import annotations

import json
import math
import sys
from importlib import resources
from typing import Any, Iterator

import yaml

from tcmcheck.errors import PlanError, Problem
from tcmcheck.model import first_full_year
from tcmcheck.periods import Period, parse_period

MAX_PLAN_NODES = 200_000
MAX_PLAN_DEPTH = 50
_BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _PlanLoader(_BASE_LOADER):  # type: ignore[misc, valid-type]
    """Safe loading that keeps dates as the strings the author wrote."""


_PlanLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_int(loader: yaml.BaseLoader, node: yaml.ScalarNode) -> int | float:
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)
    except ValueError:
        if node.value.replace("_", "").lstrip("+-").isdigit():
            return math.inf  # more digits than int() converts: far beyond any float, and refused as such
        raise yaml.constructor.ConstructorError(None, None, f"{_brief(node.value)!r} is not a number",
                                                node.start_mark) from None


_PlanLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def _brief(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def plan_schema() -> dict[str, Any]:
    return json.loads(resources.files("tcmcheck.schema").joinpath("plan.schema.json").read_text("utf-8"))


def load_trusted(data: bytes) -> dict:
    """The spec of a shipped plan, which the test suite validates."""
    return yaml.load(data.decode("utf-8"), Loader=_PlanLoader)


def parse_spec(data: bytes, name: str) -> dict:
    """Parse and validate plan YAML into its spec; every problem found is reported together."""
    try:
        return _parse_spec(data, name)
    except RecursionError:  # the depth check should make this unreachable
        raise PlanError(Problem("plan-too-deep", "nested too deeply to be read", name)) from None


def _parse_spec(data: bytes, name: str) -> dict:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise PlanError(Problem("plan-encoding", f"not UTF-8 (byte {exc.start}); save the plan as UTF-8", name, line)) from None
    _check_depth(text, name)
    root = _compose(text, name)
    _check_size(root, name)
    problems = list(_duplicate_keys(root, name))
    if problems:
        raise PlanError(*problems)
    document = _PlanLoader(text)
    try:
        spec = document.construct_document(root)
    except yaml.YAMLError as exc:
        raise PlanError(_yaml_problem(exc, name)) from None
    finally:
        document.dispose()
    bad_numbers = list(_non_finite_problems(spec, root, name))
    fields = {problem.field for problem in bad_numbers}
    problems = [problem for problem in schema_problems(spec, root, name) if problem.field not in fields]
    problems += bad_numbers
    if not problems:
        problems = list(_semantic_problems(spec, root, name))
    if problems:
        raise PlanError(*problems)
    return spec


def _check_depth(text: str, name: str) -> None:
    """Refuse collections nested more than MAX_PLAN_DEPTH deep, aliases included, before anything
    recursive (composer, constructor, schema) sees the document. Reads the event stream, which the
    parser makes without recursion."""
    heights: dict[str, int] = {}  # anchor: levels of collections in the node it names
    open_collections: list[list] = []  # [anchor, height of its tallest child so far]
    loader = _PlanLoader(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                open_collections.append([event.anchor, 0])
                if len(open_collections) > MAX_PLAN_DEPTH:
                    raise PlanError(_too_deep("collections are nested", event, name))
                continue
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                anchor, tallest = open_collections.pop()
                height = tallest + 1
                if anchor is not None:
                    heights[anchor] = height
            elif isinstance(event, yaml.AliasEvent):
                height = heights.get(event.anchor, 0)
                if len(open_collections) + height > MAX_PLAN_DEPTH:
                    raise PlanError(_too_deep(f"alias *{event.anchor} nests collections", event, name))
            elif isinstance(event, yaml.ScalarEvent):
                height = 0
            else:
                continue
            if open_collections:
                open_collections[-1][1] = max(open_collections[-1][1], height)
    except yaml.YAMLError as exc:
        raise PlanError(_yaml_problem(exc, name)) from None
    finally:
        loader.dispose()


def _too_deep(what: str, event: yaml.Event, name: str) -> Problem:
    return Problem("plan-too-deep", f"{what} more than {MAX_PLAN_DEPTH} levels deep; a plan needs fewer than 10",
                   name, event.start_mark.line + 1, event.start_mark.column + 1)


def _compose(text: str, name: str) -> yaml.Node:
    loader = _PlanLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.YAMLError as exc:
        raise PlanError(_yaml_problem(exc, name)) from None
    finally:
        loader.dispose()
    if root is None:
        raise PlanError(Problem("plan-empty", "the file holds no YAML document", name))
    return root


def _yaml_problem(exc: yaml.YAMLError, name: str) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    reason = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = f"{context}, {reason}" if context else reason
    if "could not determine a constructor" in str(exc):
        message = f"tag {getattr(exc, 'problem', '')} is not allowed: plans are plain YAML"
        return Problem("plan-yaml-tag", message.replace("could not determine a constructor for the tag ", ""),
                       name, mark.line + 1 if mark else None, mark.column + 1 if mark else None)
    return Problem("plan-yaml-syntax", message, name, mark.line + 1 if mark else None, mark.column + 1 if mark else None)


def _check_size(root: yaml.Node, name: str) -> None:
    """Refuse alias bombs: count the nodes the document expands to, sharing counts per node."""
    sizes: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        sizes[id(node)] = 1
        if isinstance(node, yaml.MappingNode):
            total = 1 + sum(size(k) + size(v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total = 1 + sum(size(item) for item in node.value)
        else:
            total = 1
        sizes[id(node)] = total
        if total > MAX_PLAN_NODES:
            raise PlanError(Problem(
                "plan-too-large",
                f"the document expands to more than {MAX_PLAN_NODES} nodes (aliases that repeat each other?)",
                name, node.start_mark.line + 1, node.start_mark.column + 1))
        return total

    size(root)


def _duplicate_keys(node: yaml.Node, name: str, seen: set[int] | None = None) -> Iterator[Problem]:
    seen = set() if seen is None else seen
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        first: dict[str, yaml.Node] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in first:
                    line = first[key.value].start_mark.line + 1
                    yield Problem("plan-duplicate-key", f"key {key.value!r} appears twice (first on line {line})",
                                  name, key.start_mark.line + 1, key.start_mark.column + 1)
                else:
                    first[key.value] = key
            yield from _duplicate_keys(value, name, seen)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _duplicate_keys(item, name, seen)


def _non_finite_problems(spec: Any, root: yaml.Node, name: str) -> Iterator[Problem]:
    """NaN, infinities and numbers beyond the range of a float, wherever they are: no target or
    baseline can be one, and JSON output can't hold them."""
    seen: set[int] = set()
    pending: list[tuple[list, Any]] = [([], spec)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, (dict, list)):
            if id(value) not in seen:  # aliases share (and may contain) containers
                seen.add(id(value))
                items = value.items() if isinstance(value, dict) else enumerate(value)
                pending.extend((path + [key], item) for key, item in reversed(list(items)))
            continue
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            continue
        if isinstance(value, float) and math.isnan(value):
            reason = "is not a number (NaN)"
        elif abs(value) > sys.float_info.max:
            reason = ""
        else:
            continue
        node = node_at(root, path)
        text = node.value if isinstance(node, yaml.ScalarNode) else repr(value)
        if not reason:
            reason = "is infinite" if text.lower().lstrip("+-") == ".inf" else "is too large"
        yield _problem_at(root, path, "plan-not-finite", f"{_brief(text)} {reason}; numbers in a plan must be finite", name)


def node_at(root: yaml.Node, path: tuple | list) -> yaml.Node:
    """The YAML node at a JSON path, or the deepest ancestor that exists."""
    node = root
    for step in path:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == str(step):
                    node = value
                    break
            else:
                return node
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
        else:
            return node
    return node


def _problem_at(root: yaml.Node, path: tuple | list, code: str, message: str, name: str) -> Problem:
    node = node_at(root, path)
    field = "/" + "/".join(str(step) for step in path)
    return Problem(code, message, name, node.start_mark.line + 1, node.start_mark.column + 1, field)


def schema_problems(spec: Any, root: yaml.Node, name: str) -> Iterator[Problem]:
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(plan_schema())
    errors = sorted(validator.iter_errors(spec), key=lambda e: [str(p) for p in e.absolute_path])
    for error in errors:
        path = list(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = error.schema.get("properties", {})
            for extra in (key for key in error.instance if key not in allowed):
                yield _problem_at(root, path + [extra], "plan-schema", f"unknown field {extra!r}", name)
            continue
        if "propertyNames" in error.schema_path:
            yield _problem_at(root, path + [error.instance], "plan-schema",
                              f"key {error.instance!r} is not a string; quote it", name)
            continue
        yield _problem_at(root, path, "plan-schema", _schema_message(error), name)


def _schema_message(error) -> str:
    message = _schema_sentence(error)
    return message if len(message) <= 300 else message[:297] + "..."


def _schema_sentence(error) -> str:
    if error.validator == "not" and isinstance(error.validator_value, dict) and "required" in error.validator_value:
        fields = ", ".join(error.validator_value["required"])
        kind = error.instance.get("kind") if isinstance(error.instance, dict) else None
        return f"{fields} is not allowed for kind {kind!r}" if kind else f"{fields} is not allowed here"
    if error.validator in ("oneOf", "anyOf") and isinstance(error.schema, dict) and error.schema.get("description"):
        return f"{error.instance!r} is not valid: {error.schema['description']}"
    return error.message


def _semantic_problems(spec: dict, root: yaml.Node, name: str) -> Iterator[Problem]:
    def at(path: list, message: str, code: str = "plan-invalid") -> Problem:
        return _problem_at(root, path, code, message, name)

    if spec["period"]["start"] > spec["period"]["end"]:
        yield at(["period"], "period start is after its end")
    scales = spec.get("scales") or {}
    for scale_name, scale in scales.items():
        for alias, level in (scale.get("aliases") or {}).items():
            if level not in scale["levels"]:
                yield at(["scales", scale_name, "aliases", alias], f"alias {alias!r} names {level!r}, which is not a level of the scale")
    named: dict[str, int] = {}
    for index, region in enumerate((spec.get("regions") or {}).get("divisions", ())):
        for name in (region["zh"], *region.get("short", ())):
            if name in named:
                yield at(["regions", "divisions", index], f"region name {name!r} is also used by /regions/divisions/{named[name]}")
            named.setdefault(name, index)
    first_index: dict[str, int] = {}
    for index, indicator in enumerate(spec["indicators"]):
        where = ["indicators", index]
        ident = indicator["id"]
        if ident in first_index:
            yield at(where + ["id"], f"indicator id {ident!r} is used twice (first at /indicators/{first_index[ident]})", "plan-duplicate-id")
        else:
            first_index[ident] = index
        for lead in indicator.get("lead", []):
            if lead not in indicator.get("responsible", []):
                yield at(where + ["lead"], f"lead unit {lead!r} is not in responsible")
        scale = scales.get(indicator.get("scale")) if indicator["kind"] == "grade" else None
        if indicator["kind"] == "grade" and scale is None:
            yield at(where + ["scale"], f"scale {indicator.get('scale')!r} is not defined under scales (defined: {', '.join(scales) or 'none'})")
        previous: Period | None = None
        for m_index, milestone in enumerate(indicator["milestones"]):
            m_where = where + ["milestones", m_index]
            try:
                due = parse_period(milestone["due"])
            except ValueError as exc:
                yield at(m_where + ["due"], str(exc), "plan-bad-date")
                continue
            if previous is not None and due.end <= previous.end:
                yield at(m_where + ["due"], f"milestone due {due} is not after the previous one ({previous}): milestones go in date order", "plan-milestone-order")
            previous = due
            if "low" in milestone and "high" in milestone and milestone["low"] > milestone["high"]:
                yield at(m_where, f"range low end {milestone['low']} exceeds its high end {milestone['high']}")
            if scale is not None and milestone["grade"] not in scale["levels"]:
                yield at(m_where + ["grade"], f"grade {milestone['grade']!r} is not on scale {indicator['scale']!r} ({', '.join(scale['levels'])})")
        opening = first_full_year(spec["document"].get("issued"))
        if indicator["kind"] == "annual" and not indicator.get("years_named") and opening is not None \
                and all(str(m["due"])[:4].isdigit() and int(str(m["due"])[:4]) < opening for m in indicator["milestones"]):
            yield at(where + ["milestones"], f"every year is before {opening}, the first full year after the issue "
                     "date, so none would be assessed; set years_named: true if the document names these years")
        if "since" in indicator:
            try:
                parse_period(indicator["since"])
            except ValueError as exc:
                yield at(where + ["since"], str(exc), "plan-bad-date")
        baseline = indicator.get("baseline")
        if baseline is not None:
            try:
                parse_period(baseline["period"])
            except ValueError as exc:
                yield at(where + ["baseline", "period"], str(exc), "plan-bad-date")
            value = baseline.get("value")
            if indicator["kind"] == "grade":
                if value is not None and (scale is None or value not in scale["levels"]):
                    yield at(where + ["baseline", "value"], f"baseline grade {value!r} is not on scale {indicator.get('scale')!r}")
            elif isinstance(value, str):
                yield at(where + ["baseline", "value"], f"baseline value {value!r} must be a number for kind {indicator['kind']!r}")
            elif indicator["kind"] == "relative" and value == 0:
                yield at(where + ["baseline", "value"], "a multiple of a zero baseline is met by any value; "
                         "state the target as an increase or a threshold")
