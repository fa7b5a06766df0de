"""Plan YAML: safe loading, and validation against the schema with every problem located."""

from __future__ import annotations

import json
import math
import sys
from importlib import resources
from typing import Any, Iterator

import yaml

from tcmcheck.errors import InvalidValue, PlanError, Problem
from tcmcheck.messages import Phrase, phrase_for
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
        raise PlanError(Problem("plan-too-deep", "recursion", name)) from None


def _parse_spec(data: bytes, name: str) -> dict:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise PlanError(Problem("plan-encoding", "not-utf8", name, line, byte=exc.start)) from None
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
                    raise PlanError(_too_deep(event, name, "nested"))
                continue
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                anchor, tallest = open_collections.pop()
                height = tallest + 1
                if anchor is not None:
                    heights[anchor] = height
            elif isinstance(event, yaml.AliasEvent):
                height = heights.get(event.anchor, 0)
                if len(open_collections) + height > MAX_PLAN_DEPTH:
                    raise PlanError(_too_deep(event, name, "alias", anchor=event.anchor))
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


def _too_deep(event: yaml.Event, name: str, variant: str, **params) -> Problem:
    return Problem("plan-too-deep", variant, name, event.start_mark.line + 1, event.start_mark.column + 1,
                   depth=MAX_PLAN_DEPTH, **params)


def _compose(text: str, name: str) -> yaml.Node:
    loader = _PlanLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.YAMLError as exc:
        raise PlanError(_yaml_problem(exc, name)) from None
    finally:
        loader.dispose()
    if root is None:
        raise PlanError(Problem("plan-empty", "empty", name))
    return root


def _yaml_problem(exc: yaml.YAMLError, name: str) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    reason = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = f"{context}, {reason}" if context else reason
    line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
    if "could not determine a constructor" in str(exc):
        tag = str(getattr(exc, "problem", "")).replace("could not determine a constructor for the tag ", "")
        return Problem("plan-yaml-tag", "tag", name, line, column, tag=tag)
    return Problem("plan-yaml-syntax", "yaml", name, line, column, reason=message)


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
            raise PlanError(Problem("plan-too-large", "nodes", name, node.start_mark.line + 1,
                                    node.start_mark.column + 1, nodes=MAX_PLAN_NODES))
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
                    yield Problem("plan-duplicate-key", "twice", name, key.start_mark.line + 1,
                                  key.start_mark.column + 1, key=repr(key.value), first_line=line)
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
            reason = "not-a-number"
        elif abs(value) > sys.float_info.max:
            reason = ""
        else:
            continue
        node = node_at(root, path)
        text = node.value if isinstance(node, yaml.ScalarNode) else repr(value)
        if not reason:
            reason = "infinite" if text.lower().lstrip("+-") == ".inf" else "too-large"
        yield _problem_at(root, path, name, "plan-not-finite", "not-finite", text=_brief(text),
                          reason=Phrase.of(reason))


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


def _problem_at(root: yaml.Node, path: tuple | list, name: str, code: str, variant: str, /, **params) -> Problem:
    node = node_at(root, path)
    field = "/" + "/".join(str(step) for step in path)
    return Problem(code, variant, name, node.start_mark.line + 1, node.start_mark.column + 1, field, **params)


def schema_problems(spec: Any, root: yaml.Node, name: str) -> Iterator[Problem]:
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(plan_schema())
    errors = sorted(validator.iter_errors(spec), key=lambda e: [str(p) for p in e.absolute_path])
    for error in errors:
        path = list(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = error.schema.get("properties", {})
            for extra in (key for key in error.instance if key not in allowed):
                yield _problem_at(root, path + [extra], name, "plan-schema", "unknown-field", name=repr(extra))
            continue
        if "propertyNames" in error.schema_path:
            yield _problem_at(root, path + [error.instance], name, "plan-schema", "key-not-string",
                              key=repr(error.instance))
            continue
        yield _problem_at(root, path, name, "plan-schema", "schema", reason=_schema_reason(error))


_SCHEMA_TYPES = ("string", "number", "integer", "boolean", "array", "object", "null")


def _schema_reason(error) -> Phrase:
    """A schema violation in words of the catalogue, its English as jsonschema says it; a validator the
    catalogue doesn't know keeps jsonschema's English, said in a Chinese sentence."""
    value, instance = error.validator_value, _shown_value(error.instance)
    if error.validator == "not" and isinstance(value, dict) and "required" in value:
        fields = ", ".join(value["required"])
        kind = error.instance.get("kind") if isinstance(error.instance, dict) else None
        return Phrase.of("schema-not-for-kind", fields=fields, kind=repr(kind)) if kind \
            else Phrase.of("schema-not-here", fields=fields)
    if error.validator in ("oneOf", "anyOf") and isinstance(error.schema, dict) and error.schema.get("description"):
        return Phrase.of("schema-described", instance=instance,
                         description=phrase_for("schema-description-", error.schema["description"]))
    if error.validator == "enum":
        return Phrase.of("schema-enum", instance=instance, allowed=_shown_value(value))
    if error.validator == "const":
        return Phrase.of("schema-const", expected=_shown_value(value))
    if error.validator == "type":
        types = value if isinstance(value, list) else [value]
        if all(kind in _SCHEMA_TYPES for kind in types):
            return Phrase.of("schema-type", instance=instance, types=tuple(Phrase.of(f"type-{kind}") for kind in types))
    if error.validator == "required":
        missing = next((name for name in value if error.message == f"{name!r} is a required property"), None)
        if missing is not None:
            return Phrase.of("schema-required", name=repr(missing))
    if error.validator == "pattern":
        return Phrase.of("schema-pattern", instance=instance, pattern=repr(value))
    if error.validator in _SCHEMA_LIMITS:
        return Phrase.of(_SCHEMA_LIMITS[error.validator], instance=instance, limit=repr(value))
    if error.validator in ("minLength", "minItems"):
        return Phrase.of("schema-non-empty" if value == 1 else "schema-too-short", instance=instance)
    if error.validator == "uniqueItems":
        return Phrase.of("schema-unique", instance=instance)
    if error.validator == "dependentRequired":
        for name, needed in value.items():
            for each in needed:
                if error.message == f"{each!r} is a dependency of {name!r}":
                    return Phrase.of("schema-dependency", dependency=repr(each), name=repr(name))
    if error.validator in ("oneOf", "anyOf") and error.message.endswith("is not valid under any of the given schemas"):
        return Phrase.of("schema-no-alternative", instance=instance)
    return Phrase.of("schema-other", reason=_cut(error.message))


_SCHEMA_LIMITS = {"minimum": "schema-minimum", "maximum": "schema-maximum",
                  "exclusiveMinimum": "schema-exclusive-minimum", "exclusiveMaximum": "schema-exclusive-maximum"}


def _shown_value(value) -> str:
    """A value of the plan in a schema message, as jsonschema shows it (its repr), cut short when long."""
    return _cut(repr(value))


def _cut(text: str) -> str:
    return text if len(text) <= 200 else text[:197] + "..."


def _semantic_problems(spec: dict, root: yaml.Node, name: str) -> Iterator[Problem]:
    def at(path: list, variant: str, code: str = "plan-invalid", /, **params) -> Problem:
        return _problem_at(root, path, name, code, variant, **params)

    if spec["period"]["start"] > spec["period"]["end"]:
        yield at(["period"], "period-order")
    scales = spec.get("scales") or {}
    for scale_name, scale in scales.items():
        for alias, level in (scale.get("aliases") or {}).items():
            if level not in scale["levels"]:
                yield at(["scales", scale_name, "aliases", alias], "alias-level", alias=repr(alias), level=repr(level))
    named: dict[str, int] = {}
    for index, region in enumerate((spec.get("regions") or {}).get("divisions", ())):
        for name in (region["zh"], *region.get("short", ())):
            if name in named:
                yield at(["regions", "divisions", index], "region-name", name=repr(name), index=named[name])
            named.setdefault(name, index)
    first_index: dict[str, int] = {}
    for index, indicator in enumerate(spec["indicators"]):
        where = ["indicators", index]
        ident = indicator["id"]
        if ident in first_index:
            yield at(where + ["id"], "twice", "plan-duplicate-id", id=repr(ident), index=first_index[ident])
        else:
            first_index[ident] = index
        for lead in indicator.get("lead", []):
            if lead not in indicator.get("responsible", []):
                yield at(where + ["lead"], "lead", unit=repr(lead))
        scale = scales.get(indicator.get("scale")) if indicator["kind"] == "grade" else None
        if indicator["kind"] == "grade" and scale is None:
            yield at(where + ["scale"], "scale-undefined", scale=repr(indicator.get("scale")),
                     defined=tuple(scales) or Phrase.of("none"))
        previous: Period | None = None
        for m_index, milestone in enumerate(indicator["milestones"]):
            m_where = where + ["milestones", m_index]
            try:
                due = parse_period(milestone["due"])
            except InvalidValue as exc:
                yield at(m_where + ["due"], "reason", "plan-bad-date", reason=exc.reason)
                continue
            if previous is not None and due.end <= previous.end:
                yield at(m_where + ["due"], "order", "plan-milestone-order", due=due.label, previous=previous.label)
            previous = due
            if "low" in milestone and "high" in milestone and milestone["low"] > milestone["high"]:
                yield at(m_where, "range", low=milestone["low"], high=milestone["high"])
            if scale is not None and milestone["grade"] not in scale["levels"]:
                yield at(m_where + ["grade"], "grade-not-on-scale", grade=repr(milestone["grade"]),
                         scale=repr(indicator["scale"]), levels=tuple(scale["levels"]))
        opening = first_full_year(spec["document"].get("issued"))
        if indicator["kind"] == "annual" and not indicator.get("years_named") and opening is not None \
                and all(str(m["due"])[:4].isdigit() and int(str(m["due"])[:4]) < opening for m in indicator["milestones"]):
            yield at(where + ["milestones"], "years-before-opening", year=opening)
        if "since" in indicator:
            try:
                parse_period(indicator["since"])
            except InvalidValue as exc:
                yield at(where + ["since"], "reason", "plan-bad-date", reason=exc.reason)
        baseline = indicator.get("baseline")
        if baseline is not None:
            try:
                parse_period(baseline["period"])
            except InvalidValue as exc:
                yield at(where + ["baseline", "period"], "reason", "plan-bad-date", reason=exc.reason)
            value = baseline.get("value")
            if indicator["kind"] == "grade":
                if value is not None and (scale is None or value not in scale["levels"]):
                    yield at(where + ["baseline", "value"], "baseline-grade", grade=repr(value),
                             scale=repr(indicator.get("scale")))
            elif isinstance(value, str):
                yield at(where + ["baseline", "value"], "baseline-number", value=repr(value),
                         kind=repr(indicator["kind"]))
            elif indicator["kind"] == "relative" and value == 0:
                yield at(where + ["baseline", "value"], "zero-baseline")
