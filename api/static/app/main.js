// The page's router: #/map, #/tree, #/entity/ID, #/query[/NAME], #/sources[/ID], #/drafts, each
// view's state in the URL's parameters so that a view can be shared; and a search box for entities.
"use strict";

import {api, currentRoute, el, loadRelationLabels, routeHref} from "./common.js";
import {draftsView} from "./drafts.js";
import {entityView} from "./entity.js";
import {mapView} from "./map.js";
import {queryView} from "./query.js";
import {sourcesView} from "./sources.js";
import {treeView} from "./tree.js";

const VIEWS = {map: mapView, tree: treeView, entity: entityView, query: queryView, sources: sourcesView,
  drafts: draftsView};
const root = document.getElementById("view");

function legacy() {
  // the links of the first page: #entity=ID and #near=PLACE&radius=KM
  const params = new URLSearchParams(window.location.hash.slice(1));
  if (params.get("entity")) return routeHref("entity", params.get("entity"));
  return null;
}

async function route() {
  const old = legacy();
  if (old) { history.replaceState(null, "", old); }
  const current = currentRoute();
  for (const link of document.querySelectorAll("header nav a")) {
    link.toggleAttribute("aria-current", link.dataset.view === current.view);
  }
  const view = VIEWS[current.view] || mapView;
  document.body.dataset.view = current.view;
  document.body.dataset.ready = "";
  await view(root, current);
  document.body.dataset.ready = current.view;
}

function missingLibraries() {
  if (window.ms && window.topojson) return false;
  root.replaceChildren(el("p", {class: "error", role: "alert"},
    "The page's libraries are missing (api/static/vendor): install orbat with `pip install .` (it runs npm for them) " +
    "or run `python web/build_assets.py`; both need Node.js and npm."));
  return true;
}

const search = document.getElementById("search");
const results = document.getElementById("search-results");
let timer = null;
search.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(async () => {
    if (!search.value.trim()) { results.replaceChildren(); return; }
    try {
      const found = await api("/api/entities", {q: search.value, limit: 8});
      results.replaceChildren(...found.map((m) => el("option", {value: m.label + " \u2014 " + m.id})));
    } catch (error) { results.replaceChildren(); }
  }, 150);
});
document.getElementById("search-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = search.value.includes(" \u2014 ") ? search.value.split(" \u2014 ").pop() : search.value;
  try {
    const found = await api("/api/entities", {q: text, limit: 1});
    if (found.length) window.location.hash = routeHref("entity", found[0].id);
  } catch (error) { /* the box keeps the text */ }
});

if (!missingLibraries()) {
  await loadRelationLabels();
  window.addEventListener("hashchange", route);
  route();
}
