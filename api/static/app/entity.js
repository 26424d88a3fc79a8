// An entity's page: labels and aliases, its symbol, its position history on a small map and as a
// list, its place in the order of battle, and every claim about it in plain words, each with its
// quote highlighted inside its passage, source, date, grading, hedging, lines and contradictions.
"use strict";

import {api, claimView, el, entityLink, loading, relationLabel, showError} from "./common.js";
import {MapCanvas} from "./mapcanvas.js";
import {actorSidc, bestRating, evidenceMarks, positionClaims} from "./positions.js";
import {genericSidc, symbolImage} from "./symbols.js";

export async function entityView(root, route) {
  const id = route.arg;
  loading(root);
  let entity, positions;
  try {
    [entity, positions] = await Promise.all([
      api("/api/entities/" + encodeURIComponent(id)),
      api("/api/queries/positions").then((r) => positionClaims(r.rows)).catch(() => []),
    ]);
  } catch (error) { showError(root, error); return; }
  const marks = new Map();
  const sidc = entity.sidc || genericSidc(entity.kind, entity.echelon);
  const mine = positions.filter((c) => c.subject === entity.id).sort((a, b) => String(a.date).localeCompare(String(b.date)));
  const links = (title, list) => list.length ? el("div", {}, el("h3", {}, title), el("ul", {class: "inline"},
    ...list.map((link) => el("li", {}, entityLink(link.id, link.label), el("span", {class: "kind"}, " (" + link.graph + ")"))))) : null;
  const claims = entity.claims.slice().sort((a, b) => relationLabel(a.relation).localeCompare(relationLabel(b.relation)));
  const filter = el("input", {type: "search", id: "claim-filter", placeholder: "filter claims: words, relation, source", "aria-label": "filter claims"});
  const list = el("div", {class: "claims"}, ...claims.map((c) => claimView(c, marks.get(c.id))));
  filter.addEventListener("input", () => {
    const words = filter.value.toLowerCase();
    for (const node of list.children) node.hidden = words !== "" && !node.textContent.toLowerCase().includes(words);
  });
  const isActor = !entity.coordinates;
  const parts = [
    el("h2", {}, isActor ? symbolImage(sidc, {size: 34, title: "symbol " + sidc}) : null, " ", entity.label,
      el("span", {class: "kind"}, " " + entity.kind.join(", ") + (entity.echelon ? " \u00b7 " + entity.echelon : ""))),
    isActor ? el("p", {class: "meta"}, "SIDC ", el("code", {}, sidc), entity.sidc ? "" : " (generic: from kind and echelon)") : null,
    entity.aliases.length ? el("p", {class: "meta"}, "also: " + entity.aliases.join("; ")) : null,
    entity.description ? el("p", {}, entity.description) : null,
    entity.coordinates ? el("p", {class: "meta"}, `at ${entity.coordinates.lat}, ${entity.coordinates.lon} (\u00b1${entity.coordinates.precision_km} km, background knowledge) \u00b7 `,
      el("a", {href: "#/map"}, "map")) : null,
    links("Part of", entity.parents), links("Subunits", entity.subunits), links("Alliances", entity.alliances), links("Located in", entity.located_in),
  ];
  if (mine.length) {
    const canvas = el("canvas", {class: "minimap", tabindex: "0", role: "img", "aria-label": "positions of " + entity.label});
    parts.push(el("h3", {}, "Positions"), canvas, el("ol", {class: "history"}, ...mine.map((c) => el("li", {},
      el("span", {class: "meta"}, (c.date || "undated") + " "), relationLabel(c.relation), " ", entityLink(c.place.id, c.place.label),
      el("span", {class: "meta"}, ` \u00b7 ${c.reported_by_label} \u00b7 ${c.reliability || "?"}${c.credibility ?? "?"}${c.hedged ? " \u00b7 hedged" : ""}`)))));
    setTimeout(() => {
      const map = new MapCanvas(canvas, {symbolSize: 20});
      const places = new Map();
      for (const c of mine) {
        if (!places.has(c.place.id)) places.set(c.place.id, {...c.place, markers: []});
      }
      for (const place of places.values()) {
        const here = mine.filter((c) => c.place.id === place.id);
        place.markers.push({key: entity.id + "@" + place.id, actor: entity.id, label: entity.label,
          sidc: actorSidc(entity.id, {...here[0], sidc: entity.sidc}, null, "", null, here.every((c) => c.hedged)), rating: bestRating(here), look: "plain"});
      }
      map.setPlaces([...places.values()]);
      map.fit(1.0);
    });
  }
  parts.push(el("h3", {}, entity.claims.length + " claim(s)"), filter, list);
  evidenceMarks("").then((found) => {  // lines and contradictions come later: they take a second or two
    if (!list.isConnected) return;
    list.replaceChildren(...claims.map((c) => claimView(c, found.get(c.id))));
    filter.dispatchEvent(new Event("input"));
  });
  root.replaceChildren(...parts.filter(Boolean));
}
