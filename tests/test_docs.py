"""The README and the pages in docs/ say what tcmcheck really does: their tables, links and examples.

An example is a fenced block with the info string `console`. Each of its lines that starts with `$ ` is a
command, and must start with `$ tcmcheck `; the lines after it, up to the next command or the end of the
block, are exactly what it prints, standard output and standard error as a terminal shows them (spaces at
the ends of lines aside, which editors strip). A command that exits with another code than 0 ends with
the line `[exit N]`. Each command runs through click's test runner from the repository's root, as if
piped (no colour, 160 columns, document order), in English unless it says `--lang zh`; `status` and
`summary` must give `--as-of`, so that no output depends on today's date.

After a deliberate change to an output, rewrite the examples and review the diff:

    TCMCHECK_UPDATE_DOCS=1 pytest tests/test_docs.py && git diff README.md docs/

A text block after the comment `<!-- excerpt of PATH -->` is a piece of that file (a golden file, say):
its lines stand there in the same order, consecutively, except where a line `…` leaves some out.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import textwrap
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from tcmcheck.cli import main
from tcmcheck.spec import builtin_ids, load_builtin

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
UPDATE = bool(os.environ.get("TCMCHECK_UPDATE_DOCS"))
ENV = {"LANG": "C.UTF-8", "LC_ALL": None, "LC_MESSAGES": None, "LANGUAGE": None, "COLUMNS": None,
       "NO_COLOR": None, "GITHUB_STEP_SUMMARY": None, "PYTHONIOENCODING": None}
"""What a command sees: an English locale, no terminal size, no GitHub Actions step."""
FENCE = re.compile(r"^(\s*)(```+|~~~+)(.*)$")
EXIT = re.compile(r"^\[exit (\d+)\]$")


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def read(path: Path) -> list[str]:
    return path.read_text("utf-8").split("\n")


# Markdown: code blocks, sections, tables.

def code_blocks(lines: list[str]) -> list[tuple[int, int, str, str]]:
    """Each fenced block as (index of its opening fence, index of its closing fence, info string,
    indentation)."""
    blocks, opening = [], None
    for index, line in enumerate(lines):
        fence = FENCE.match(line)
        if not fence:
            continue
        if opening is None:
            opening = (index, fence.group(2), fence.group(3).strip(), fence.group(1))
        elif fence.group(2).startswith(opening[1]) and not fence.group(3).strip():
            blocks.append((opening[0], index, opening[2], opening[3]))
            opening = None
    assert opening is None, f"a code block opened on line {opening[0] + 1} is never closed"
    return blocks


def prose(lines: list[str]) -> list[tuple[int, str]]:
    """(index, line) of each line outside code blocks."""
    inside = set()
    for start, end, _, _ in code_blocks(lines):
        inside.update(range(start, end + 1))
    return [(index, line) for index, line in enumerate(lines) if index not in inside]


def section(path: Path, title: str) -> str:
    """The text under the heading `## title`, up to the next heading of that level."""
    text = path.read_text("utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end >= 0 else len(text)]


def table_rows(text: str) -> list[list[str]]:
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")]
            for line in text.splitlines() if line.startswith("|")]
    return rows[2:]


# The tables.

def test_built_in_plans_table_lists_every_plan_with_its_indicator_count():
    rows = {row[0].strip("`"): row for row in table_rows(section(ROOT / "docs" / "plans.md", "Built-in plans"))}
    assert sorted(rows) == builtin_ids()
    for plan_id, row in rows.items():
        plan = load_builtin(plan_id)
        assert int(row[-1]) == len(plan.indicators), plan_id
        assert plan.city_zh in row[1]


EXAMPLE_ROWS = table_rows(section(ROOT / "docs" / "submissions.md", "Examples"))


def test_the_examples_table_lists_every_shipped_example():
    listed = {re.match(r"`([^`]+)`", row[0]).group(1) for row in EXAMPLE_ROWS}
    shipped = {relative(path) for path in (ROOT / "examples").iterdir()
               if path.suffix in (".csv", ".xlsx") and not path.name.startswith("~$")}
    assert listed == shipped


@pytest.mark.parametrize("row", EXAMPLE_ROWS, ids=[f"{r[0]}@{r[2]}" for r in EXAMPLE_ROWS])
def test_examples_table_gives_the_counts_tcmcheck_reports(monkeypatch, row):
    monkeypatch.chdir(ROOT)
    path = re.match(r"`([^`]+)`", row[0]).group(1)
    result = CliRunner().invoke(main, ["status", row[1], path, "--as-of", row[2], "--format", "json"])
    counts = json.loads(result.stdout)["summary"]
    assert [counts[s] for s in ("pass", "on-track", "lag", "fail", "no-data")] == [int(c) for c in row[3:8]]


def test_the_readme_shows_the_pre_commit_configurations_of_the_ci_page():
    """tests/test_terminal_ci.py runs the README's two configurations with a real pre-commit; the CI page
    shows the same two."""
    def configs(path: Path) -> list[str]:
        return re.findall(r"```yaml\n(# \.pre-commit-config\.yaml.*?)```", path.read_text("utf-8"), re.S)

    assert len(configs(ROOT / "README.md")) == 2
    assert configs(ROOT / "docs" / "ci.md") == configs(ROOT / "README.md")


# Links.

def slug(heading: str) -> str:
    """GitHub's anchor for a heading: its text, lower-case, without punctuation but '-' and '_', spaces
    turned into '-'; letters of every script (CJK included) and digits kept."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link or image: its text
    text = re.sub(r"<[^>]+>", "", text).replace("`", "").lower()
    kept = "".join(c for c in text if c in " -" or unicodedata.category(c)[0] in "LMN" or unicodedata.category(c) == "Pc")
    return kept.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every anchor of a page: one per heading, a repeated one numbered as GitHub numbers it."""
    seen: dict[str, int] = {}
    found = set()
    for _, line in prose(read(path)):
        heading = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not heading:
            continue
        base = slug(heading.group(1))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def links(path: Path) -> list[tuple[int, str]]:
    """(line number, target) of each link and image outside code."""
    found = []
    for index, line in prose(read(path)):
        line = re.sub(r"(`+).*?\1", "", line)  # inline code
        for target in re.findall(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)", line):
            found.append((index + 1, target))
    return found


def test_the_link_checker_reads_anchors_as_github_does():
    assert slug("Many submissions: `tcmcheck summary`") == "many-submissions-tcmcheck-summary"
    assert slug("Regions (区县)") == "regions-区县"
    assert slug("Allocations (分解目标)") == "allocations-分解目标"
    assert slug("`junit`") == "junit"
    assert slug("What is refused, and why") == "what-is-refused-and-why"
    assert slug("Choices where the contract is silent") == "choices-where-the-contract-is-silent"
    assert links(ROOT / "README.md"), "no link found in the README"


@pytest.mark.parametrize("page", PAGES, ids=relative)
def test_every_relative_link_and_anchor_resolves(page):
    broken = []
    for number, target in links(page):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto:
            continue
        name, _, anchor = target.partition("#")
        destination = (page.parent / name).resolve() if name else page
        if not destination.is_relative_to(ROOT) or not destination.exists():
            broken.append(f"{relative(page)}:{number}: {target}: no such file")
        elif anchor and (destination.suffix != ".md" or anchor not in anchors(destination)):
            broken.append(f"{relative(page)}:{number}: {target}: no heading #{anchor} in {relative(destination)}")
    assert not broken, "\n".join(broken)


def test_every_docs_page_is_listed_in_the_index_and_in_the_readme():
    pages = {path.name for path in (ROOT / "docs").glob("*.md")} - {"README.md"}
    index = {target.partition("#")[0] for _, target in links(ROOT / "docs" / "README.md")}
    readme = {target.partition("#")[0].removeprefix("docs/") for _, target in links(ROOT / "README.md")}
    assert pages <= index
    assert pages <= readme


# Examples: commands and what they print.

@dataclass(frozen=True)
class Example:
    page: Path
    number: int  # its place among the page's examples
    line: int  # the line of its command, from 1
    command: str
    output: tuple[str, ...]
    exit_code: int


def examples(page: Path) -> list[Example]:
    lines = read(page)
    found = []
    for start, end, info, indent in code_blocks(lines):
        if info != "console":
            continue
        assert not indent, f"{relative(page)}:{start + 1}: a console block must not be indented"
        body = lines[start + 1:end]
        commands = [index for index, line in enumerate(body) if line.startswith("$ ")]
        assert commands and commands[0] == 0, f"{relative(page)}:{start + 1}: a console block starts with a command"
        for place, index in enumerate(commands):
            command = body[index][2:]
            assert command.startswith("tcmcheck "), f"{relative(page)}:{start + index + 2}: not a tcmcheck command"
            output = [line.rstrip() for line in body[index + 1:commands[place + 1] if place + 1 < len(commands) else None]]
            exit_code = 0
            if output and EXIT.match(output[-1]):
                exit_code = int(EXIT.match(output.pop()).group(1))
            found.append(Example(page, len(found), start + index + 2, command, tuple(output), exit_code))
    return found


EXAMPLES = [example for page in PAGES for example in examples(page)]


def test_the_docs_have_examples_of_each_command_and_of_errors():
    assert len(EXAMPLES) >= 10
    commands = {shlex.split(example.command)[1] for example in EXAMPLES}
    assert {"plans", "status", "summary"} <= commands
    assert {0, 1, 2} <= {example.exit_code for example in EXAMPLES}
    for page in PAGES:
        text = page.read_text("utf-8")
        assert not re.search(r"^[ \t]+```console", text, re.M), f"{relative(page)}: an indented console block"


def printed(result) -> list[str]:
    """What a terminal shows, a line a list item, without the spaces at the ends of lines; then the exit
    code when it isn't 0."""
    lines = [line.rstrip() for line in result.output.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    return lines + ([f"[exit {result.exit_code}]"] if result.exit_code else [])


def rewrite(example: Example, lines: list[str]) -> None:
    """Put `lines` in place of the example's output in its page."""
    page_lines = read(example.page)
    current = examples(example.page)[example.number]
    start = current.line  # the output's first line, as an index
    length = len(current.output) + (1 if current.exit_code else 0)
    page_lines[start:start + length] = lines
    example.page.write_text("\n".join(page_lines), "utf-8")


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"{relative(e.page)}:{e.line}" for e in EXAMPLES])
def test_the_documented_command_prints_what_the_docs_show(monkeypatch, example):
    monkeypatch.chdir(ROOT)
    arguments = shlex.split(example.command)[1:]
    if arguments[0] in ("status", "summary"):
        assert "--as-of" in arguments, f"{example.command}: give --as-of, or the output depends on today's date"
    result = CliRunner().invoke(main, arguments, env=ENV)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    shown = printed(result)
    expected = list(example.output) + ([f"[exit {example.exit_code}]"] if example.exit_code else [])
    if UPDATE and shown != expected:
        rewrite(example, shown)
        return
    assert shown == expected, (f"{relative(example.page)}:{example.line}: `{example.command}` prints otherwise; "
                               "if the change is deliberate, rewrite the docs with TCMCHECK_UPDATE_DOCS=1")


# Excerpts of files.

EXCERPT = re.compile(r"<!-- excerpt of (\S+) -->\n")


def excerpts() -> list[tuple[Path, int, Path, list[str]]]:
    found = []
    for page in PAGES:
        lines = read(page)
        blocks = {start: (end, indent) for start, end, _, indent in code_blocks(lines)}
        for index, line in enumerate(lines):
            comment = EXCERPT.match(line.strip() + "\n")
            if comment:
                assert index + 1 in blocks, f"{relative(page)}:{index + 1}: no code block right after the excerpt comment"
                end, _ = blocks[index + 1]
                body = textwrap.dedent("\n".join(lines[index + 2:end])).split("\n")
                found.append((page, index + 1, ROOT / comment.group(1), body))
    return found


EXCERPTS = excerpts()


@pytest.mark.parametrize("page,line,source,body", EXCERPTS, ids=[f"{relative(e[0])}:{e[1]}" for e in EXCERPTS])
def test_an_excerpt_stands_in_its_file(page, line, source, body):
    text = [row.rstrip() for row in source.read_text("utf-8").split("\n")]
    position = 0
    chunks, chunk = [], []
    for row in body:
        if row.strip() == "…":
            chunks.append(chunk)
            chunk = []
        else:
            chunk.append(row.rstrip())
    chunks.append(chunk)
    for chunk in filter(None, chunks):
        at = next((i for i in range(position, len(text) - len(chunk) + 1) if text[i:i + len(chunk)] == chunk), None)
        assert at is not None, f"{relative(page)}:{line}: these lines are not in {relative(source)} in this order:\n" + \
            "\n".join(chunk)
        position = at + len(chunk)
