"""The html report in a real browser: headless Chromium, driven over the DevTools protocol on a pipe.

Each page is opened from a file with no network: it must make no request but its own file, log no
console error, show one status badge per indicator with the JSON's counts (with the script and
without it), filter and sort with its script, print to A4 pages with its charts and a CJK font, and
leave a screenshot, a PDF, its DOM and the browser's log under build/browser-test/ (or
$TCMCHECK_ARTEFACTS) for a person to look at. TCMCHECK_UPDATE_SCREENSHOTS=1 also copies the Jiangmen
screenshots to docs/report-jiangmen.png and docs/report-jiangmen-zh.png, which the README shows.

CI (CI=true) must run this test: .ci/run installs chromium, fonts-noto-cjk and poppler-utils. Elsewhere
it is skipped only when Chromium is not installed."""

from __future__ import annotations

import base64
import json
import os
import re
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from tcmcheck.cli import main

ROOT = Path(__file__).resolve().parent.parent
ARTEFACTS = Path(os.environ.get("TCMCHECK_ARTEFACTS") or ROOT / "build" / "browser-test")
DOCS = ROOT / "docs"
AS_OF = ("--as-of", "2024-12-31")
PAGES = {
    "jiangmen-en": ("status", "jiangmen", "examples/jiangmen-2024.csv", *AS_OF, "--lang", "en"),
    "jiangmen-zh": ("status", "jiangmen", "examples/jiangmen-2024.csv", *AS_OF, "--lang", "zh"),
    "summary-zh": ("summary", "examples/", *AS_OF, "--lang", "zh"),
}
VIEWPORT = {"width": 1280, "height": 900}
_SPAWN = """
import fcntl, os, sys
commands, replies = (fcntl.fcntl(int(fd), fcntl.F_DUPFD, 10) for fd in sys.argv[1:3])
for fd in sys.argv[1:3]:
    os.close(int(fd))
os.dup2(commands, 3)
os.dup2(replies, 4)
os.close(commands)
os.close(replies)
os.execv(sys.argv[3], sys.argv[3:])
"""
"""Starts the browser with the DevTools pipe where --remote-debugging-pipe expects it: fd 3 for the
commands it reads, fd 4 for the replies it writes."""


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if found:
        return found
    if os.environ.get("CI", "").lower() not in ("", "0", "false"):
        pytest.fail("Chromium is not installed, and CI must run the browser test: .ci/run installs chromium")
    pytest.skip("Chromium is not installed (apt-get install chromium fonts-noto-cjk); CI runs this test")


class DevTools:
    """A browser and the DevTools protocol over its pipe: JSON messages ended by a NUL byte."""

    def __init__(self, executable: str, profile: Path, log: Path):
        commands_read, commands = os.pipe()
        replies, replies_write = os.pipe()
        flags = ["--headless", "--remote-debugging-pipe", "--disable-gpu", "--no-first-run",
                 "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars",
                 "--enable-logging=stderr", "--v=0", f"--user-data-dir={profile}"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            flags.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox
        self.log = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-c", _SPAWN, str(commands_read), str(replies_write), executable, *flags, "about:blank"],
            pass_fds=(commands_read, replies_write), stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log)
        os.close(commands_read)
        os.close(replies_write)
        self.commands = os.fdopen(commands, "wb", buffering=0)
        self.replies = replies
        self.buffer = b""
        self.events: list[dict] = []
        self.last = 0

    def send(self, method: str, session: str | None = None, timeout: float = 30, **params) -> dict:
        self.last += 1
        message = {"id": self.last, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        self.commands.write(json.dumps(message).encode("utf-8") + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._receive(deadline)
            if reply.get("id") == self.last:
                if "error" in reply:
                    raise AssertionError(f"{method}: {reply['error']}")
                return reply["result"]
            self.events.append(reply)

    def wait_for(self, method: str, session: str, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            for event in self.events:
                if event.get("method") == method and event.get("sessionId") == session:
                    return event
            self.events.append(self._receive(deadline))

    def _receive(self, deadline: float) -> dict:
        while b"\0" not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no answer from the browser")
            ready, _, _ = select.select([self.replies], [], [], remaining)
            if ready:
                chunk = os.read(self.replies, 1 << 20)
                if not chunk:
                    raise AssertionError(f"the browser closed its pipe; see {self.log.name}")
                self.buffer += chunk
        message, _, self.buffer = self.buffer.partition(b"\0")
        return json.loads(message)

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=10)
        except (AssertionError, TimeoutError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.commands.close()
        os.close(self.replies)
        self.log.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    executable = chromium()
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    tools = DevTools(executable, tmp_path_factory.mktemp("chromium-profile"), ARTEFACTS / "chromium.log")
    yield tools
    tools.close()


def written(pages: dict[str, list[str]]) -> dict[str, tuple[Path, dict]]:
    """Each page's report written with -o, and the JSON of the same run."""
    made = {}
    for name, args in pages.items():
        path = ARTEFACTS / f"{name}.html"
        result = CliRunner().invoke(main, [*args, "--format", "html", "-o", str(path)])
        assert result.exit_code == 1, result.stderr
        made[name] = (path, json.loads(CliRunner().invoke(main, [*args, "--format", "json"]).stdout))
    return made


@pytest.fixture(scope="module")
def reports(browser, monkeypatch_module):
    monkeypatch_module.chdir(ROOT)
    return written(PAGES)


@pytest.fixture(scope="module")
def monkeypatch_module():
    patch = pytest.MonkeyPatch()
    yield patch
    patch.undo()


class Opened:
    """A page opened in its own tab: what it requested, logged and shows."""

    def __init__(self, browser: DevTools, path: Path, script: bool = True):
        self.browser = browser
        target = browser.send("Target.createTarget", url="about:blank")["targetId"]
        self.target = target
        self.session = browser.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.send(f"{domain}.enable")
        self.send("Emulation.setDeviceMetricsOverride", deviceScaleFactor=1, mobile=False, **VIEWPORT)
        if not script:
            self.send("Emulation.setScriptExecutionDisabled", value=True)
        self.url = path.resolve().as_uri()
        self.send("Page.navigate", url=self.url)
        browser.wait_for("Page.loadEventFired", self.session)

    def send(self, method: str, **params) -> dict:
        return self.browser.send(method, self.session, **params)

    def evaluate(self, expression: str):
        reply = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        assert "exceptionDetails" not in reply, reply["exceptionDetails"]
        return reply["result"].get("value")

    def fonts(self, selector: str) -> list[str]:
        """The fonts the browser drew the first element's text with."""
        self.send("DOM.enable")
        self.send("CSS.enable")
        root = self.send("DOM.getDocument")["root"]["nodeId"]
        node = self.send("DOM.querySelector", nodeId=root, selector=selector)["nodeId"]
        assert node, f"no {selector}"
        return [font["familyName"] for font in self.send("CSS.getPlatformFontsForNode", nodeId=node)["fonts"]]

    def events(self, method: str) -> list[dict]:
        return [e["params"] for e in self.browser.events if e.get("method") == method
                and e.get("sessionId") == self.session]

    def requests(self) -> list[str]:
        return [event["request"]["url"] for event in self.events("Network.requestWillBeSent")]

    def errors(self) -> list[str]:
        found = [json.dumps(event["exceptionDetails"]) for event in self.events("Runtime.exceptionThrown")]
        found += [json.dumps(event["args"]) for event in self.events("Runtime.consoleAPICalled")
                  if event["type"] in ("error", "assert")]
        found += [event["entry"]["text"] for event in self.events("Log.entryAdded")
                  if event["entry"]["level"] == "error"]
        return found

    def close(self) -> None:
        self.browser.send("Target.closeTarget", targetId=self.target)


BADGES = """(() => {
  const counts = {"pass": 0, "on-track": 0, "lag": 0, "fail": 0, "no-data": 0};
  let shown = 0;
  for (const badge of document.querySelectorAll(".badge")) {
    counts[[...badge.classList].find(c => c.startsWith("s-")).slice(2)] += 1;
    const box = badge.getBoundingClientRect();
    if (box.width > 0 && box.height > 0 && getComputedStyle(badge).visibility !== "hidden") shown += 1;
  }
  return {counts, shown, rows: document.querySelectorAll("tr.row").length,
          charts: document.querySelectorAll("svg.chart").length,
          controls: !document.getElementById("controls").hidden,
          text: document.body.innerText};
})()"""


def listed(expected: dict) -> dict[str, int]:
    """A summary's failing and lagging indicators, by status, from its JSON."""
    counts = {status: 0 for status in ("pass", "on-track", "lag", "fail", "no-data")}
    for entry in expected["files"]:
        for item in entry["indicators"]:
            if item["status"] in ("fail", "lag"):
                counts[item["status"]] += 1
    return counts


def pdf_pages(data: bytes, path: Path) -> int:
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", data))


@pytest.mark.parametrize("name", PAGES)
def test_page_opens_offline_shows_a_badge_per_indicator_and_prints(browser, reports, name):
    path, expected = reports[name]
    page = Opened(browser, path)
    try:
        assert page.requests() == [page.url], "the page must request nothing but itself"
        assert page.errors() == []
        shown = page.evaluate(BADGES)
        wanted = expected["summary"] if name != "summary-zh" else listed(expected)
        assert shown["counts"] == wanted
        assert shown["shown"] == sum(wanted.values())
        assert shown["controls"], "the script ran and showed the filters"
        assert shown["charts"] > 0
        if name.endswith("zh"):
            assert "达到序时进度" in shown["text"]
        for selector in ("h1", "svg.chart text.asofl" if name.endswith("zh") else "td.resp"):
            fonts = page.fonts(selector)
            assert any(re.search(r"CJK|YaHei|PingFang|WenQuanYi", font) for font in fonts), (selector, fonts)
        screenshot = base64.b64decode(page.send("Page.captureScreenshot", format="png")["data"])
        assert screenshot.startswith(b"\x89PNG")
        (ARTEFACTS / f"{name}.png").write_bytes(screenshot)
        (ARTEFACTS / f"{name}.dom.html").write_text(page.evaluate("document.documentElement.outerHTML"), "utf-8")

        page.send("Emulation.setEmulatedMedia", media="print")
        printed = page.evaluate("""(() => ({
            controls: getComputedStyle(document.getElementById("controls")).display,
            charts: [...document.querySelectorAll("svg.chart")].filter(s => s.getBoundingClientRect().width > 40).length,
            all: document.querySelectorAll("svg.chart").length,
            head: getComputedStyle(document.querySelector("thead")).display}))()""")
        assert printed["controls"] == "none" and printed["head"] == "table-header-group"
        assert printed["charts"] == printed["all"] > 0
        page.send("Emulation.setEmulatedMedia", media="")
        pdf = base64.b64decode(page.send("Page.printToPDF", printBackground=True, preferCSSPageSize=True,
                                         displayHeaderFooter=False)["data"])
        target = ARTEFACTS / f"{name}.pdf"
        target.write_bytes(pdf)
        assert pdf.startswith(b"%PDF") and pdf_pages(pdf, target) >= 2
        if shutil.which("pdftotext"):
            text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True).stdout
            assert "达到序时进度" in text
            assert text.count("截至" if name.endswith("zh") else "as of") > 1, "the charts' as-of lines print"
        if os.environ.get("TCMCHECK_UPDATE_SCREENSHOTS") and name.startswith("jiangmen"):
            DOCS.mkdir(exist_ok=True)
            shutil.copyfile(ARTEFACTS / f"{name}.png", DOCS / f"report-{name.removesuffix('-en')}.png")
    finally:
        page.close()


def test_page_shows_everything_without_javascript(browser, reports):
    path, expected = reports["jiangmen-zh"]
    page = Opened(browser, path, script=False)
    try:
        shown = page.evaluate(BADGES)
        assert shown["counts"] == expected["summary"] and shown["shown"] == len(expected["indicators"])
        assert not shown["controls"], "without the script, filters that can't work are not shown"
        assert page.errors() == [] and page.requests() == [page.url]
    finally:
        page.close()


def test_filters_and_order_work_in_the_browser(browser, reports):
    path, expected = reports["jiangmen-en"]
    page = Opened(browser, path)
    try:
        visible = """(() => [...document.querySelectorAll("tr.row")].filter(r => r.getClientRects().length)
                      .map(r => r.className.split(" ")[1].slice(2)))()"""
        before = page.evaluate(visible)
        assert len(before) == len(expected["indicators"])
        page.evaluate('document.querySelector("input[data-status=pass]").click()')
        after = page.evaluate(visible)
        assert "pass" not in after and len(after) == len(before) - expected["summary"]["pass"]
        page.evaluate('document.querySelector("input[data-status=pass]").click()')
        assert len(page.evaluate(visible)) == len(before)
        page.evaluate('const s = document.getElementById("sort"); s.value = "status"; '
                      's.dispatchEvent(new Event("change"))')
        ranks = page.evaluate("""[...document.querySelectorAll("tbody.sortable")].map(b =>
                                 [...b.children].map(r => +r.dataset.rank))""")
        assert all(group == sorted(group) for group in ranks)
        assert page.errors() == []
    finally:
        page.close()


REGIONAL = {
    "regions-en": ("status", "jiangmen", "examples/jiangmen-regions-2024.csv", "--targets",
                   "examples/jiangmen-targets-2025.txt", *AS_OF, "--lang", "en"),
    "regions-zh": ("status", "jiangmen", "examples/jiangmen-regions-2024.csv", "--targets",
                   "examples/jiangmen-targets-2025.txt", *AS_OF, "--lang", "zh"),
}
"""The regional example with its allocations: a heat map of regions by indicator, the ranking, and each
region's own view."""
HEAT = """(() => ({
  cells: [...document.querySelectorAll("table.heat tbody tr")].flatMap(row =>
    [...row.querySelectorAll("td.cell")].map(cell => ({
      indicator: row.dataset.indicator, region: cell.dataset.region, status: cell.dataset.status,
      glyph: cell.querySelector(".glyph").innerText, figure: cell.querySelector(".fig").innerText,
      colour: getComputedStyle(cell).backgroundColor, seen: cell.getClientRects().length > 0}))),
  heads: [...document.querySelectorAll("table.heat th.region")].map(head => ({
    region: head.dataset.region, href: head.querySelector("a").getAttribute("href")})),
  ranking: [...document.querySelectorAll("table.rank-table tbody tr")].map(row =>
    [row.dataset.region, ...[...row.querySelectorAll("td.num")].map(cell => +cell.innerText)]),
  text: document.body.innerText}))()"""
GLYPHS = {"pass": "✔P", "on-track": "▸T", "lag": "▴L", "fail": "✖F", "no-data": "◦N", "": "-"}


@pytest.fixture(scope="module")
def regional(browser, monkeypatch_module):
    monkeypatch_module.chdir(ROOT)
    return written(REGIONAL)


def click(page: Opened, selector: str) -> None:
    """A real mouse click in the middle of the element, scrolled into view first."""
    box = page.evaluate(f"""(() => {{ const e = document.querySelector({json.dumps(selector)});
        e.scrollIntoView({{block: "center"}}); const r = e.getBoundingClientRect();
        return {{x: r.left + r.width / 2, y: r.top + r.height / 2}}; }})()""")
    for kind in ("mousePressed", "mouseReleased"):
        page.send("Input.dispatchMouseEvent", type=kind, button="left", clickCount=1, **box)


@pytest.mark.parametrize("script", [True, False], ids=["script", "no-script"])
@pytest.mark.parametrize("name", REGIONAL)
def test_regional_page_shows_the_heat_map_the_ranking_and_each_region_on_a_click(browser, regional, name, script):
    path, expected = regional[name]
    page = Opened(browser, path, script=script)
    try:
        shown = page.evaluate(HEAT)
        regions = {view["region"] for item in expected["indicators"] for view in item["regions"]}
        assert {head["region"] for head in shown["heads"]} == regions == {r["region"] for r in expected["regions"]}
        rows = [item["id"] for item in expected["indicators"] if any(v["status"] for v in item["regions"])]
        assert list(dict.fromkeys(cell["indicator"] for cell in shown["cells"])) == rows
        assert len(shown["cells"]) == len(rows) * len(regions), "one cell per (indicator, region)"
        statuses = {(item["id"], view["region"]): view["status"] or "" for item in expected["indicators"]
                    for view in item["regions"]}
        colours: dict[str, set[str]] = {}
        for cell in shown["cells"]:
            status = statuses.get((cell["indicator"], cell["region"]), "")
            assert cell["status"] == status and cell["glyph"] == GLYPHS[status], cell
            assert cell["seen"]
            colours.setdefault(status, set()).add(cell["colour"])
        assert all(len(found) == 1 for found in colours.values()), colours
        assert len({next(iter(found)) for found in colours.values()}) == len(colours), "a colour per status"
        assert any(cell["figure"] for cell in shown["cells"]), "cells show the region's figure"
        assert shown["ranking"] == [[r["region"], *r["summary"].values(), r["rank"]] for r in expected["regions"]]
        if name.endswith("zh"):
            assert "各区县指标状态" in shown["text"] and "区县排名" in shown["text"] and "排名第" in shown["text"]
            assert "no target" not in shown["text"] and "Rank " not in shown["text"]

        head = next(head for head in shown["heads"] if head["region"] == "台山市")
        click(page, 'th.region[data-region="台山市"] a')
        time.sleep(0.3)
        view = page.evaluate(f"""(() => {{ const s = document.querySelector("{head['href']}");
            const box = s.getBoundingClientRect();
            return {{hash: location.hash, top: box.top, height: innerHeight, target: s.matches(":target"),
                     rows: [...s.querySelectorAll("tr.row")].map(r => [r.querySelector(".id").innerText,
                             [...r.classList].find(c => c.startsWith("s-")).slice(2),
                             r.children[2].innerText, r.querySelector(".period").innerText])}}; }})()""")
        assert view["hash"] == head["href"] and view["target"]
        assert -2 <= view["top"] < view["height"] / 2, "the region's view is scrolled into sight"
        own = [[item["id"], region["status"], region["target"], region["period"]] for item in expected["indicators"]
               for region in item["regions"] if region["region"] == "台山市" and region["status"] is not None]
        assert view["rows"] == own
        assert page.requests() == [page.url], "the page must request nothing but itself"
        assert page.errors() == []
        if script:
            page.evaluate('document.getElementById("regions").scrollIntoView()')
            screenshot = base64.b64decode(page.send("Page.captureScreenshot", format="png")["data"])
            (ARTEFACTS / f"{name}-heat-map.png").write_bytes(screenshot)
            click(page, 'th.region[data-region="台山市"] a')
            time.sleep(0.3)
            screenshot = base64.b64decode(page.send("Page.captureScreenshot", format="png")["data"])
            (ARTEFACTS / f"{name}-taishan.png").write_bytes(screenshot)
    finally:
        page.close()
