"""The web page in a real browser: Debian's headless Chromium (``/usr/bin/chromium``, installed by
``.ci/run``; no browser download) driven by Playwright, against a live ``orbat serve`` over a copy
of the session's knowledge base to which a later report (2017-06-01) was added through the HTTP
API, as an analyst adds one.

Every page load is watched: a request to anything but the server itself is refused and recorded
(the page, its libraries, its map and /docs must work with no network), and every JavaScript error
or failed resource in the console fails the test. Screenshots of each view go to
``tests/screenshots/`` (git-ignored).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import unavailable

from orbat.servers import free_port, running
from orbat.workspace import init

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "tests" / "screenshots"
LATER_REPORT = ROOT / "tests" / "fixtures" / "reports" / "steppe-monitor-2017-06-01.yaml"
TOKEN = "browser-test-token"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``orbat serve`` over a copy of the example workspace, which it builds first (HermiT aside: it
    only checks), updates on, with the 2017-06-01 report added over HTTP (its brigade is near the
    Tanf outpost)."""
    assert (ROOT / "api/static/vendor/milsymbol/milsymbol.js").is_file(), (
        "the page's libraries are missing: pip install -e . (or python web/build_assets.py) copies them"
    )
    folder = tmp_path_factory.mktemp("browser")
    store = folder / "store"
    workspace = init(folder / "workspace", example=True)
    env = {
        **os.environ,
        "ORBAT_STORE": str(store),
        "ORBAT_WORKSPACE": str(workspace.root),
        "ORBAT_ENABLE_UPDATE": "1",
        "ORBAT_UPDATE_TOKEN": TOKEN,
        # corroboration and contradictions take 1-3 s alone; on a CI machine shared with the other
        # tests they can pass the default 5 s, and a 503 is a console error the tests count
        "ORBAT_QUERY_TIMEOUT": "30",
        "NO_COLOR": "1",
    }
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "orbat.cli", "serve", "--port", str(port), "--no-reason"]  # it builds first
    with running(command, f"{url}/api/health", timeout=120, cwd=ROOT, env=env, stderr=subprocess.PIPE):
        added = httpx.post(
            f"{url}/api/reports",
            content=LATER_REPORT.read_bytes(),
            headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/yaml"},
            timeout=120,
        )
        assert added.status_code == 201, added.text
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless: a machine without it skips these tests, CI (CI=true) fails them."""
    if not CHROMIUM.exists():
        unavailable("needs Debian's chromium (apt-get install chromium chromium-driver; .ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


class Watched:
    """A page whose console errors and requests beyond the server are recorded."""

    def __init__(self, browser: Any, site: str, width: int = 1366, height: int = 850) -> None:
        self.site = site
        self.page = browser.new_page(viewport={"width": width, "height": height})
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.route("**/*", self._route)

    def _route(self, route: Any) -> None:
        if route.request.url.startswith(self.site):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def open(self, path: str, view: str | None = None) -> Any:
        self.page.goto(self.site + path)
        if view:
            self.page.wait_for_function(f"document.body.dataset.ready === {view!r}")
        return self.page

    def shot(self, name: str) -> None:
        SHOTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"))

    def close(self) -> None:
        self.page.close()
        assert self.errors == [], f"JavaScript errors: {self.errors}"
        assert self.outside == [], f"requests beyond the server: {self.outside}"


@pytest.fixture
def watched(browser: Any, site: str) -> Iterator[Watched]:
    page = Watched(browser, site)
    yield page
    page.close()


def markers(page: Any, place: str) -> dict[str, dict[str, float]]:
    """The symbols drawn at a place, by actor id, with their box on the canvas."""
    hits = page.evaluate(f"window.orbatMap.hits.filter(h => h.type === 'marker' && h.place === {place!r})")
    return {hit["actor"]: hit for hit in hits}


def test_the_map_shows_al_tanf_with_its_actors_and_a_click_opens_the_evidence(watched: Watched) -> None:
    page = watched.open("/#/map", "map")
    at_tanf = markers(page, "al-tanf")
    assert {"norwegian-soldiers-iraq", "r-plus-6", "us-led-coalition", "new-syrian-army"} <= set(at_tanf)
    # several actors on one place are spread: no two symbols on the same spot
    assert len({(round(h["x"]), round(h["y"])) for h in at_tanf.values()}) == len(at_tanf)
    watched.shot("map")
    canvas = page.locator("canvas.map").bounding_box()
    norwegians = at_tanf["norwegian-soldiers-iraq"]
    x, y = norwegians["x"] + norwegians["w"] / 2, norwegians["y"] + norwegians["h"] / 2
    page.mouse.click(canvas["x"] + x, canvas["y"] + y)
    quote = "Yesterday a group of 60 Norwegian soldiers, present in Iraq to conduct training were moved"
    page.locator("#evidence mark", has_text=quote).first.wait_for()
    assert "moved to" in page.locator("#evidence").inner_text()  # relations in plain words
    assert "selected=norwegian-soldiers-iraq%40al-tanf" in page.url  # the view can be shared
    watched.shot("map-evidence")


def test_a_drag_moves_the_map_and_its_symbols_follow(watched: Watched) -> None:
    """A drag shifts the drawn frame (no full draw per pointer move); at release the map is drawn
    again where it was left, its symbols moved by the drag and still clickable."""
    page = watched.open("/#/map", "map")
    before = markers(page, "al-tanf")["norwegian-soldiers-iraq"]
    canvas = page.locator("canvas.map").bounding_box()
    start_x, start_y = canvas["x"] + canvas["width"] / 2, canvas["y"] + canvas["height"] / 2
    page.mouse.move(start_x, start_y)
    page.mouse.down()
    for step in range(1, 6):
        page.mouse.move(start_x - 12 * step, start_y + 8 * step)
    page.mouse.up()
    page.wait_for_function(
        "before => { const h = window.orbatMap.hits.find(h => h.type === 'marker' && h.place === 'al-tanf'"
        " && h.actor === 'norwegian-soldiers-iraq'); return h && Math.abs(h.x - before) > 30; }",
        arg=before["x"],
    )
    after = markers(page, "al-tanf")["norwegian-soldiers-iraq"]
    assert round(after["x"] - before["x"]) == -60 and round(after["y"] - before["y"]) == 40
    assert "selected=" not in page.url  # a drag is not a click on a symbol


def test_the_arrow_keys_pan_the_map_as_a_drag_does(watched: Watched) -> None:
    """Each arrow key shifts the drawn frame at once (no full draw per key, which takes 0.1-0.5 s with
    thousands of symbols); when the keys rest the map is drawn again, its symbols moved."""
    page = watched.open("/#/map", "map")
    before = markers(page, "al-tanf")["norwegian-soldiers-iraq"]
    page.locator("canvas.map").focus()
    for key in ("ArrowLeft", "ArrowLeft", "ArrowUp"):
        page.keyboard.press(key)
    assert markers(page, "al-tanf")["norwegian-soldiers-iraq"] == before  # not drawn again yet
    page.wait_for_function(
        "before => { const h = window.orbatMap.hits.find(h => h.type === 'marker' && h.place === 'al-tanf'"
        " && h.actor === 'norwegian-soldiers-iraq'); return h && Math.abs(h.x - before) > 30; }",
        arg=before["x"],
    )
    after = markers(page, "al-tanf")["norwegian-soldiers-iraq"]
    assert round(after["x"] - before["x"]) == 120 and round(after["y"] - before["y"]) == 60


def test_as_of_hides_what_was_reported_later(watched: Watched) -> None:
    page = watched.open("/#/map", "map")
    assert "desert-hawks-brigade" in markers(page, "tanf-outpost")
    page = watched.open("/#/map?as_of=2017-05-31", "map")  # the state is in the URL
    assert markers(page, "tanf-outpost") == {}
    assert "norwegian-soldiers-iraq" in markers(page, "al-tanf")
    assert page.locator("#as-of-date").inner_text() == "as of 2017-05-31"
    watched.shot("map-as-of")


def test_the_tree_nests_the_brigade_under_the_airborne_forces_and_the_r6_has_members(watched: Watched) -> None:
    page = watched.open("/#/tree", "tree")
    brigade = page.locator(
        "details[data-entity='russian-airborne-forces'] > details[data-entity='31st-guards-air-assault-brigade']"
    )
    assert brigade.count() == 1
    subunits = brigade.locator(":scope > details.node").evaluate_all("nodes => nodes.map(n => n.dataset.entity)")
    assert {"31st-gaab-airborne-battalion", "31st-gaab-artillery-battalion"} <= set(subunits)
    members = page.locator("details[data-entity='r-plus-6'] > details.node").evaluate_all(
        "nodes => nodes.map(n => n.dataset.entity)"
    )
    assert {"hezbollah", "iran", "russia", "syrian-arab-army"} <= set(members)
    organic = page.locator(
        "details[data-entity='russian-combat-brigades'] > details[data-entity='russian-brigade-organic-air-defense']"
        " > summary .badge.command"
    )
    assert organic.inner_text() == "organic"  # the command relationship c17 states
    watched.shot("tree")


def test_the_entity_page_shows_positions_and_quotes_in_their_passages(watched: Watched) -> None:
    page = watched.open("/#/entity/norwegian-soldiers-iraq", "entity")
    assert page.locator("canvas.minimap").count() == 1
    assert "al-Tanf" in page.locator("ol.history").inner_text()
    assert page.locator("article.claim mark").count() >= 1
    watched.shot("entity")


def test_named_queries_are_forms_and_sparql_has_an_editor(watched: Watched) -> None:
    page = watched.open("/#/query/near?place=al-tanf", "query")
    page.locator("table.results-table tbody tr").first.wait_for()
    assert "norwegian-soldiers-iraq" in page.locator("table.results-table").inner_text()
    watched.shot("query-near")
    page = watched.open("/#/query", "query")
    page.locator("#yasgui .CodeMirror").first.wait_for()
    assert "PREFIX orb:" in page.locator("#yasgui .CodeMirror").first.inner_text()
    page.locator("#yasgui .yasqe_queryButton").first.click()
    page.locator("#yasgui .yasr table tbody tr").first.wait_for()
    watched.shot("query-sparql")


def test_docs_render_with_no_network(watched: Watched) -> None:
    page = watched.open("/docs")
    page.locator(".swagger-ui .opblock").first.wait_for()
    assert page.locator(".swagger-ui .opblock").count() > 10
    watched.shot("docs")


def test_a_phone_reads_the_map_and_its_list(browser: Any, site: str) -> None:
    phone = Watched(browser, site, width=390, height=844)
    page = phone.open("/#/map", "map")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the screen
    page.locator(".panel button.marker-link").first.click()
    page.locator("#evidence article.claim").first.wait_for()
    phone.shot("phone-map")
    phone.close()


def test_the_page_reads_a_paged_list_whole_by_following_next(watched: Watched) -> None:
    """allPages (api/static/app/common.js), which the sources page, the passages of quotes and the
    near panel read lists with: every page, in order, by the answers' next URLs."""
    page = watched.open("/#/sources", "sources")
    document = "sst-2017-05-21-hezbollah-iraqi-forces"
    read = page.evaluate(
        "async doc => { const {allPages} = await import('/static/app/common.js');"
        " const whole = await allPages('/api/sources/' + doc, {limit: 10}, 'passages');"
        " return {ids: whole.passages.map(p => p.identifier), total: whole.total, next: whole.next}; }",
        document,
    )
    passages = httpx.get(f"{watched.site}/api/sources/{document}", params={"limit": 500}, timeout=30).json()
    assert read == {"ids": [p["identifier"] for p in passages["passages"]], "total": 53, "next": None}
    watched.open(f"/#/sources/{document}", "sources")
    assert page.locator("section.passage-box").count() == 53


def test_valid_at_is_kept_in_the_url_and_asks_what_held_that_day(watched: Watched) -> None:
    """The map asks the knowledge base what held on the day (valid time, else the report date): on
    2017-06-01 the brigade of that day's report is at the Tanf outpost, and the Norwegians, reported
    at al-Tanf on other days, are not shown."""
    asked: list[str] = []
    watched.page.on("request", lambda request: asked.append(request.url))
    page = watched.open("/#/map?valid_at=2017-06-01", "map")
    assert "valid_at=2017-06-01" in page.url
    assert page.locator("#valid-at").input_value() == "2017-06-01"
    assert any("/api/queries/positions?valid_at=2017-06-01" in url for url in asked)
    assert "desert-hawks-brigade" in markers(page, "tanf-outpost")
    assert "norwegian-soldiers-iraq" not in markers(page, "al-tanf")
    assert "holding on 2017-06-01" in page.locator("#map-status").inner_text()
    watched.shot("map-valid-at")
    page.locator("#valid-at").fill("")  # cleared: everything again, and the URL says so
    page.locator("#valid-at").dispatch_event("change")
    page.wait_for_function("window.orbatMap.hits.some(h => h.actor === 'norwegian-soldiers-iraq')")
    assert "valid_at" not in page.url


DRAFT_TEXT = """Desert roundup, 8 June 2017.
Hezbollah fighters have moved to al-Tanf on Monday, a local official said.
The Desert Hawks Brigade is stationed at the Tanf outpost.
Hezbollah may have deployed to Palmyra.
"""


def test_a_pasted_report_is_drafted_reviewed_and_added_with_the_claims_accepted(watched: Watched) -> None:
    page = watched.open("/#/drafts", "drafts")
    page.fill("#draft-title", "Desert roundup")
    page.fill("#draft-publisher", "Levant Wire")
    page.fill("#draft-date", "2017-06-08")
    page.fill("#draft-url", "https://example.org/desert-roundup")
    page.fill("#draft-text", DRAFT_TEXT)
    page.click("#draft-button")
    page.locator(".draft-claim").first.wait_for(timeout=90_000)
    claims = page.locator(".draft-claim")
    assert claims.evaluate_all("items => items.map(i => i.dataset.proposal)") == ["p1", "p2", "p3"]
    marks = page.locator("#draft-passage mark").evaluate_all("marks => marks.map(m => m.textContent)")
    assert "The Desert Hawks Brigade is stationed at the Tanf outpost" in marks
    first = claims.nth(0).inner_text()
    assert "Hezbollah moved to al-Tanf" in first and "first said by local official" in first  # words, not ids
    assert "hedge \u201cmay have\u201d" in claims.nth(2).inner_text()
    # a claim clicked marks its quote; a quote clicked marks its claim
    page.locator(".draft-claim[data-proposal=p2] .statement").click()
    assert page.locator("#draft-passage mark.current").inner_text() == marks[1]
    page.locator("#draft-passage mark", has_text="Palmyra").click()
    assert page.locator(".draft-claim.current").get_attribute("data-proposal") == "p3"
    reject = page.locator(".draft-claim[data-proposal=p3] button[data-decision=rejected]")
    reject.focus()
    page.keyboard.press("Enter")  # the toggles work from the keyboard
    assert reject.get_attribute("aria-pressed") == "true"
    assert page.locator("#draft-passage mark.rejected", has_text="Palmyra").count() == 1
    watched.shot("drafts")
    page.fill("#draft-token", TOKEN)
    page.click("#draft-add")
    page.locator("#draft-outcome [role]").wait_for(timeout=90_000)  # the report added, or why not
    page.locator("#draft-outcome").scroll_into_view_if_needed()
    watched.shot("drafts-added")
    assert page.locator("#draft-outcome .added").count() == 1, page.locator("#draft-outcome").inner_text()
    assert TOKEN not in page.url and page.evaluate("sessionStorage.getItem('orbat-token')") == TOKEN
    report = "levant-wire-2017-06-08-desert-roundup"
    with httpx.Client(base_url=watched.site, timeout=60) as client:
        assert report in {r["id"] for r in client.get("/api/reports").json()["reports"]}
        assert client.get(f"/api/sources/{report}").status_code == 200  # where the page's link leads
        added = client.get("/api/claims", params={"source": report}).json()["claims"]
        assert {(c["subject"], c["relation"], c["object"]) for c in added} >= {
            ("hezbollah", "movedTo", "al-tanf"),
            ("desert-hawks-brigade", "positionedAt", "tanf-outpost"),
        }
        assert "palmyra" not in {c["object"] for c in added}  # rejected
        removed = client.delete(f"/api/reports/{report}", headers={"Authorization": f"Bearer {TOKEN}"})
        assert removed.status_code == 200, removed.text  # the other tests see the knowledge base as it was


def test_a_refusal_of_the_api_is_shown_in_the_view_and_nothing_is_added(watched: Watched) -> None:
    page = watched.open("/#/drafts", "drafts")
    page.fill("#draft-publisher", "Levant Wire")
    page.fill("#draft-date", "2017-06-09")
    page.fill("#draft-text", DRAFT_TEXT)
    page.click("#draft-button")
    page.locator(".draft-claim").first.wait_for(timeout=90_000)
    page.fill("#draft-token", "not-the-token")
    page.click("#draft-add")
    alert = page.locator("#draft-outcome [role=alert]")
    alert.wait_for(timeout=90_000)
    assert alert.inner_text() == "the bearer token is not one this server knows"  # the API's own words
    watched.shot("drafts-refused")
    # the browser logs the refused request itself: expected here, and the only error
    assert watched.errors == ["Failed to load resource: the server responded with a status of 403 (Forbidden)"]
    watched.errors.clear()


def test_a_phone_reads_a_draft_under_its_text(browser: Any, site: str) -> None:
    phone = Watched(browser, site, width=390, height=844)
    page = phone.open("/#/drafts", "drafts")
    page.fill("#draft-publisher", "Levant Wire")
    page.fill("#draft-text", DRAFT_TEXT)
    page.click("#draft-button")
    page.locator(".draft-claim").first.wait_for(timeout=90_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    text, claims = page.locator("#draft-passage").bounding_box(), page.locator(".draft-claims").bounding_box()
    assert claims["y"] >= text["y"] + text["height"]  # one column
    page.locator("#draft-passage").scroll_into_view_if_needed()
    phone.shot("phone-drafts")
    phone.close()
