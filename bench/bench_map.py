"""The web page's map with thousands of symbols, measured in the browser (Debian's headless
Chromium, driven by Playwright, as in tests/test_browser.py).

The page's own map module (api/static/app/mapcanvas.js) draws N actor positions spread over
places of the region, with the mix of echelons, affiliations, grades and looks of a real knowledge
base; the figures are the first draw (symbols drawn and cached), a redraw, and a pan step (what a
drag costs per frame). The reference in the same run is the borders alone (no symbols). Files come
from api/static through request interception: no server, no network.

    python bench/bench_map.py --symbols 5000
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import statistics
from pathlib import Path
from typing import Any

STATIC = Path(__file__).resolve().parent.parent / "api" / "static"
ORIGIN = "http://bench.invalid"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]

PAGE = f"""<!doctype html><html><head><meta charset="utf-8">
<script src="{ORIGIN}/static/vendor/milsymbol/milsymbol.js"></script>
<script src="{ORIGIN}/static/vendor/topojson-client/topojson-client.min.js"></script>
<style>canvas {{ width: 1200px; height: 800px; display: block; }}</style></head>
<body><canvas id="map"></canvas></body></html>"""

SCRIPT = """async ([symbols, places]) => {
  const {MapCanvas, countries} = await import("ORIGIN/static/app/mapcanvas.js");
  await countries();
  const map = new MapCanvas(document.getElementById("map"), {interactive: false});
  await new Promise((r) => requestAnimationFrame(r));
  const rng = (() => { let s = 42; return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648; })();
  const echelons = ["11", "14", "15", "16", "17", "18", "21", "22", "00"];
  const identities = ["1", "3", "4", "6"];
  const looks = ["corroborated", "single", "contradicted", "plain"];
  const bare = Array.from({length: places}, (_, i) => ({id: "p" + i, label: "place " + i,
    lat: 31 + rng() * 7, lon: 35 + rng() * 8, precision_km: 5, markers: []}));
  map.setPlaces(bare); map.fit(0.2);
  const reference = [];
  for (let i = 0; i < 5; i++) reference.push(map.draw());
  const full = bare.map((p) => ({...p, markers: []}));
  for (let i = 0; i < symbols; i++) {
    const status = i % 7 === 0 ? "1" : "0";
    const sidc = "100" + identities[i % 4] + "10" + status + "0" + echelons[i % 9] + "000000" + "0000";
    full[i % places].markers.push({key: "m" + i, actor: "a" + i, label: "actor " + i, sidc,
      rating: "ABCDEF"[i % 6] + String(1 + (i % 6)), look: looks[i % 4]});
  }
  map.places = full;
  const first = map.draw();
  const redraw = [];
  for (let i = 0; i < 5; i++) redraw.push(map.draw());
  const pan = [];
  for (let i = 0; i < 20; i++) { map.view.lon += 0.02; pan.push(map.draw()); }
  const drag = [];
  map.dragStart();
  for (let i = 0; i < 20; i++) drag.push(map.dragBy(8, 0));
  map.dragEnd();
  return {first, redraw, pan, drag, reference, drawn: map.hits.filter((h) => h.type === "marker").length};
}""".replace("ORIGIN", ORIGIN)


def serve(route: Any) -> None:
    path = STATIC / route.request.url.removeprefix(f"{ORIGIN}/static/")
    if route.request.url.startswith(f"{ORIGIN}/static/") and path.is_file():
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        route.fulfill(body=path.read_bytes(), content_type=kind)
    elif route.request.url == f"{ORIGIN}/":
        route.fulfill(body=PAGE, content_type="text/html")
    else:
        route.abort()


def measure(symbols: int, places: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1240, "height": 840})
        page.route("**/*", serve)
        page.goto(f"{ORIGIN}/")
        result: dict[str, Any] = page.evaluate(SCRIPT, [symbols, places])
        browser.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--symbols", type=int, default=5000)
    parser.add_argument("--places", type=int, default=2000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(args.symbols, args.places)
    if args.json:
        print(json.dumps(result))
        return
    median = statistics.median
    print(f"{args.symbols} symbols at {args.places} places, {result['drawn']} on screen (1200x800 px)")
    print(f"  first draw (symbols made and cached): {result['first']:.0f} ms   target < 2000 ms")
    print(f"  redraw: median {median(result['redraw']):.0f} ms")
    print(f"  pan step: median {median(result['pan']):.0f} ms, max {max(result['pan']):.0f} ms (a frame is 16.7 ms)")
    drag = result["drag"]
    print(f"  drag frame: median {median(drag):.1f} ms, max {max(drag):.1f} ms (a full draw at release)")
    ratio = median(result["redraw"]) / max(median(result["reference"]), 0.1)
    print(f"  reference, borders and places alone: median {median(result['reference']):.0f} ms ({ratio:.1f}x)")


if __name__ == "__main__":
    main()
