// The map view: who is reported where, as military symbols, with an "as of" slider, a "valid at"
// date and filters (side, source, relation, credibility, modality, radius) kept in the URL; a click on a symbol
// shows its evidence, on a place who is within R km of it (/api/near), elsewhere who is within
// R km of the point.
"use strict";

import {allPages, api, claimView, el, entityLink, loading, local, relationLabel, replaceParams, routeHref, showError} from "./common.js";
import {MapCanvas, distanceKm} from "./mapcanvas.js";
import {actorSidc, bestRating, dashed, evidenceMarks, kbSidcs, loadSides, look, positionClaims} from "./positions.js";
import {symbolImage} from "./symbols.js";

const DAY = 86400000;
const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);

export async function mapView(root, route) {
  const params = route.params;
  const state = {
    as_of: params.get("as_of") || "", valid_at: params.get("valid_at") || "", side: params.get("side") || "", source: params.get("source") || "",
    relation: params.get("relation") || "", credibility: params.get("credibility") || "",
    modality: params.get("modality") || "asserted", radius: params.get("radius") || "30",
    selected: params.get("selected") || "",
  };
  const canvas = el("canvas", {class: "map", tabindex: "0", role: "img",
    "aria-label": "Map of the positions: arrows pan, + and - zoom; the list beside it has every symbol"});
  const panel = el("aside", {class: "panel", "aria-live": "polite"});
  const controls = el("form", {class: "filters", onsubmit: (e) => e.preventDefault()});
  const status = el("p", {class: "meta", id: "map-status"});
  root.replaceChildren(el("div", {class: "map-layout"},
    el("div", {class: "map-column"}, controls, el("div", {class: "map-frame"}, canvas,
      el("div", {class: "zoom"},
        el("button", {type: "button", "aria-label": "zoom in", onclick: () => map.zoomBy(1.4)}, "+"),
        el("button", {type: "button", "aria-label": "zoom out", onclick: () => map.zoomBy(1 / 1.4)}, "\u2212"),
        el("button", {type: "button", "aria-label": "fit", onclick: () => map.fit()}, "\u2922"))),
      status, legend()),
    panel));
  loading(panel);

  let all = [], claims = [], marks = new Map(), sides = null, sidcs = new Map(), markers = new Map();
  const map = new MapCanvas(canvas, {
    onmarker: (key) => select(key),
    onplace: (place) => showNear(place),
    onpoint: (lat, lon) => showPoint(lat, lon),
  });
  window.orbatMap = map;  // the browser tests and the bench read map.hits and map.lastDrawMs

  try {
    const [positions, loadedSides] = await Promise.all([api("/api/queries/positions", {valid_at: state.valid_at}), loadSides()]);
    all = positionClaims(positions.rows);
    sides = loadedSides;
  } catch (error) { showError(panel, error); return; }
  buildControls();
  await refresh(true);
  kbSidcs().then((found) => { if (found.size) { sidcs = found; draw(); } });

  function buildControls() {
    const dates = all.map((c) => c.date).filter(Boolean).sort();
    const first = dates.length ? Date.parse(dates[0]) - DAY : Date.now() - DAY;
    const last = dates.length ? Date.parse(dates[dates.length - 1]) : Date.now();
    const days = Math.max(1, Math.round((last - first) / DAY));
    const slider = el("input", {type: "range", id: "as-of", min: "0", max: String(days), step: "1",
      value: String(state.as_of ? Math.round((Date.parse(state.as_of) - first) / DAY) : days), "aria-label": "as of"});
    const shown = el("output", {for: "as-of", id: "as-of-date"});
    const label = () => { shown.textContent = state.as_of ? "as of " + state.as_of : "everything reported"; };
    let timer = null;
    slider.addEventListener("input", () => {
      const value = Number(slider.value);
      state.as_of = value >= days ? "" : isoDay(first + value * DAY);
      label();
      clearTimeout(timer);
      timer = setTimeout(() => refresh(false), 150);
    });
    label();
    const select = (id, title, options, key) => {
      const node = el("select", {id, "aria-label": title, onchange: () => { state[key] = node.value; refresh(false); }},
        ...options.map(([value, text]) => el("option", {value, selected: state[key] === value}, text)));
      return el("label", {}, title + " ", node);
    };
    const sources = [...new Set(all.map((c) => c.source).filter(Boolean))].sort();
    const relations = [...new Set(all.map((c) => c.relation))].sort();
    controls.replaceChildren(
      el("label", {class: "as-of"}, "As of ", slider, shown),
      el("label", {}, "Valid at ", el("input", {type: "date", id: "valid-at", value: state.valid_at,
        "aria-label": "valid at: only what held on this day", onchange: (e) => validAt(e.target.value)})),
      select("side", "Side", [["", "none (all unknown)"], ...sides.choices], "side"),
      select("source", "Source", [["", "all"], ...sources.map((s) => [s, s])], "source"),
      select("relation", "Relation", [["", "all"], ...relations.map((r) => [r, relationLabel(r)])], "relation"),
      select("credibility", "Credibility", [["", "any"], ...[1, 2, 3, 4, 5].map((n) => [String(n), "1-" + n])], "credibility"),
      select("modality", "Modality", [["asserted", "reported and assessed"], ["all", "all, questions and opinions too"]], "modality"),
      el("label", {}, "R ", el("input", {type: "number", id: "radius", min: "0", max: "150", step: "any", value: state.radius,
        style: "width:4.5rem", "aria-label": "radius in km", onchange: (e) => { state.radius = e.target.value; keep(); }}), " km"),
    );
  }

  async function validAt(day) {
    // the knowledge base knows when each claim held: the positions are asked again
    state.valid_at = day;
    try {
      const positions = await api("/api/queries/positions", {valid_at: day});
      if (state.valid_at !== day) return;  // another day was chosen meanwhile
      all = positionClaims(positions.rows);
    } catch (error) { showError(panel, error); return; }
    refresh(false);
  }

  function keep() {
    replaceParams({...state, modality: state.modality === "asserted" ? "" : state.modality});
  }

  async function refresh(first) {
    keep();
    const asked = state.as_of + "|" + state.valid_at;
    // corroboration and contradictions take a second or two: the symbols get their look when they come
    evidenceMarks(state.as_of, state.valid_at).then((found) => {
      if (state.as_of + "|" + state.valid_at !== asked) return;
      marks = found;
      draw();
      if (state.selected && markers.has(state.selected)) select(state.selected, false);
      status.dataset.marks = "loaded";
    });
    claims = all.filter((c) =>
      (!state.as_of || !c.date || c.date <= state.as_of) &&
      (!state.source || c.source === state.source) &&
      (!state.relation || c.relation === state.relation) &&
      (!state.credibility || (c.credibility !== null && c.credibility <= Number(state.credibility))) &&
      (state.modality === "all" || ["reported", "assessed"].includes(c.modality)));
    draw();
    if (first) map.fit();
    if (state.selected && markers.has(state.selected)) select(state.selected);
    else overview();
  }

  function draw() {
    const places = new Map();
    markers = new Map();
    for (const claim of claims) {
      const key = claim.subject + "@" + claim.place.id;
      if (!markers.has(key)) markers.set(key, {key, actor: claim.subject, label: claim.subject_label, place: claim.place, claims: []});
      markers.get(key).claims.push(claim);
      if (!places.has(claim.place.id)) places.set(claim.place.id, {...claim.place, markers: []});
    }
    for (const marker of markers.values()) {
      const isDashed = dashed(marker.claims);
      marker.look = look(marker.claims, marks);
      marker.rating = bestRating(marker.claims);
      marker.sidc = actorSidc(marker.actor, marker.claims[0], sides, state.side, sidcs, isDashed);
      marker.dashed = isDashed;
      places.get(marker.place.id).markers.push(marker);
    }
    for (const place of places.values()) place.markers.sort((a, b) => a.label.localeCompare(b.label));
    map.selected = markers.get(state.selected) || null;
    map.setPlaces([...places.values()]);
    status.textContent = `${markers.size} actor position(s) at ${places.size} place(s) from ${claims.length} claim(s)` +
      (state.as_of ? `, reported by ${state.as_of}` : "") + (state.valid_at ? `, holding on ${state.valid_at}` : "");
  }

  function markerButton(marker) {
    return el("button", {type: "button", class: "link marker-link", "data-key": marker.key, onclick: () => select(marker.key)},
      symbolImage(marker.sidc, {size: 16, title: ""}), " ", marker.label);
  }

  function overview() {
    const byPlace = new Map();
    for (const marker of markers.values()) {
      if (!byPlace.has(marker.place.id)) byPlace.set(marker.place.id, []);
      byPlace.get(marker.place.id).push(marker);
    }
    const list = el("ul", {class: "results"});
    for (const [, found] of [...byPlace.entries()].sort((a, b) => a[1][0].place.label.localeCompare(b[1][0].place.label))) {
      const place = found[0].place;
      list.append(el("li", {}, el("button", {type: "button", class: "link", onclick: () => showNear(place.id)}, el("strong", {}, place.label)),
        el("ul", {class: "inline"}, ...found.map((m) => el("li", {}, markerButton(m))))));
    }
    panel.replaceChildren(el("h2", {}, "Positions"), el("p", {class: "meta"},
      "Click a symbol for its evidence, a place for who is within R km."), list);
  }

  function select(key, focus = true) {
    const marker = markers.get(key);
    if (!marker) return;
    state.selected = key;
    keep();
    map.selected = marker;
    map.redraw();
    const affiliation = sides.affiliation(marker.actor, state.side);
    panel.replaceChildren(
      el("button", {type: "button", class: "link", onclick: () => { state.selected = ""; keep(); map.selected = null; map.redraw(); overview(); }}, "\u2190 all positions"),
      el("h2", {}, symbolImage(marker.sidc, {rating: marker.rating, size: 30}), " ", entityLink(marker.actor, marker.label)),
      el("p", {class: "meta"}, `${affiliation} relative to ${state.side || "no side"} \u00b7 at `,
        el("button", {type: "button", class: "link", onclick: () => showNear(marker.place.id)}, marker.place.label),
        ` (\u00b1${marker.place.precision_km} km) \u00b7 ${marker.look === "single" ? "single line" : marker.look}` + (marker.dashed ? " \u00b7 hedged" : "")),
      el("section", {class: "evidence-list", id: "evidence"}, ...marker.claims.map((c) => claimView(c, marks.get(c.id)))),
    );
    if (focus) panel.querySelector("h2 a").focus();
  }

  async function showNear(placeId) {
    state.selected = "";
    keep();
    loading(panel);
    try {
      const answer = await allPages("/api/near", {place: placeId, radius_km: state.radius, valid_at: state.valid_at}, "results");
      const visible = (claim) => !state.as_of || !claim.date || claim.date <= state.as_of;
      const results = answer.results.map((r) => ({...r, claims: r.claims.filter(visible)})).filter((r) => r.claims.length);
      panel.replaceChildren(
        el("button", {type: "button", class: "link", onclick: overview}, "\u2190 all positions"),
        el("h2", {}, "Within " + answer.radius_km + " km of ", entityLink(answer.place.id, answer.place.label)),
        results.length ? null : el("p", {class: "meta"}, "nobody reported there"),
        ...results.map((r) => el("div", {class: "near-result"},
          el("h3", {}, entityLink(r.actor.id, r.actor.label), " " + relationLabel(r.relation) + " ", entityLink(r.location.id, r.location.label),
            el("span", {class: "meta"}, ` ${r.distance_km} km, ${r.how}`)),
          ...r.claims.map((c) => claimView(c, marks.get(c.id))))));
    } catch (error) { showError(panel, error); }
  }

  function showPoint(lat, lon) {
    const radius = Number(state.radius) || 0;
    const near = [...markers.values()]
      .map((m) => ({m, d: distanceKm(lat, lon, m.place.lat, m.place.lon)}))
      .filter((x) => x.d <= radius).sort((a, b) => a.d - b.d);
    panel.replaceChildren(
      el("button", {type: "button", class: "link", onclick: overview}, "\u2190 all positions"),
      el("h2", {}, `Within ${radius} km of ${lat.toFixed(3)}, ${lon.toFixed(3)}`),
      near.length ? el("ul", {class: "results"}, ...near.map(({m, d}) => el("li", {}, markerButton(m),
        el("span", {class: "meta"}, ` at ${m.place.label}, ${d.toFixed(1)} km`)))) : el("p", {class: "meta"}, "nobody reported there"));
  }
}

function legend() {
  const sample = (look, text, extra) => el("li", {}, el("span", {class: "swatch " + look}), " " + text, extra || "");
  return el("details", {class: "legend"}, el("summary", {}, "Legend"),
    el("ul", {class: "inline"},
      sample("corroborated", "corroborated (2+ independent lines)"),
      sample("single", "single line of reporting (faded)"),
      sample("contradicted", "contradicted (red outline)"),
      sample("hedged", "hedged, or a question or opinion (dashed frame)")),
    el("p", {class: "meta"}, "Blue friend, red hostile, yellow unknown, relative to the side chosen; the letter and digit beside a symbol are its best Admiralty grade (source reliability A-F, credibility 1-6). Dashed circles: the place's precision."));
}

export {routeHref, local};
