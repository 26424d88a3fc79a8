// The query page: each named query as a form made from its header (parameters, types, bounds,
// defaults), results as a table with CSV and JSON downloads; and free SPARQL in a real editor
// (Yasgui, from the package) against this service's /sparql, with the knowledge base's prefixes.
"use strict";

import {api, cached, el, loading, relationNames, replaceParams, routeHref, showError} from "./common.js";

const PREFIXES = `PREFIX orb: <https://w3id.org/orbat/ontology#>
PREFIX id: <https://w3id.org/orbat/id/>
PREFIX st: <https://w3id.org/orbat/status/>
PREFIX mod: <https://w3id.org/orbat/modality/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX geo: <http://www.opengis.net/ont/geosparql#>
PREFIX geof: <http://www.opengis.net/def/function/geosparql/>
PREFIX dcterms: <http://purl.org/dc/terms/>
`;
const EXAMPLE = PREFIXES + `
# Who is positioned where, with the quote
SELECT ?actorLabel ?relation ?placeLabel ?quote WHERE {
  ?claim orb:subject ?actor ; orb:relation ?relation ; orb:object ?place .
  ?place a orb:Place .
  ?actor skos:prefLabel ?actorLabel . ?place skos:prefLabel ?placeLabel .
  OPTIONAL { ?claim orb:hasEvidence/orb:quote ?quote }
}
LIMIT 50`;

export async function queryView(root, route) {
  const name = route.arg;
  const side = el("nav", {class: "query-list", "aria-label": "named queries"});
  const main = el("div", {class: "query-main"});
  root.replaceChildren(el("div", {class: "query-layout"}, side, main));
  let catalogue;
  try {
    catalogue = await cached("/api/queries");
  } catch (error) { showError(side, error); return; }
  side.replaceChildren(el("h2", {}, "Named queries"), el("ul", {class: "results"},
    el("li", {}, el("a", {href: routeHref("query"), "aria-current": name ? null : "page"}, "SPARQL editor")),
    ...catalogue.map((q) => el("li", {}, el("a", {href: routeHref("query", q.name), "aria-current": q.name === name ? "page" : null}, q.title)))));
  if (!name) { sparqlEditor(main); return; }
  const query = catalogue.find((q) => q.name === name);
  if (!query) { showError(main, new Error("no named query " + name)); return; }
  const output = el("div", {class: "query-output"});
  const form = el("form", {class: "query-form"});
  for (const p of query.parameters) form.append(field(p, route.params.get(p.name)));
  form.append(el("button", {}, "Run"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const values = {};
    for (const [key, value] of new FormData(form)) if (value !== "") values[key] = value;
    replaceParams(values);
    run(query, values, output);
  });
  main.replaceChildren(el("h2", {}, query.title), el("p", {class: "meta"}, query.description), form, output);
  if (query.parameters.every((p) => !p.required) || query.parameters.some((p) => route.params.get(p.name))) form.requestSubmit();
}

function field(p, given) {
  const id = "param-" + p.name;
  let input;
  if (p.type === "relation") {
    input = el("select", {id, name: p.name}, p.required ? null : el("option", {value: ""}, "(any)"),
      ...relationNames().map((r) => el("option", {value: r, selected: (given || p.default) === r}, r)));
  } else if (p.type === "boolean") {
    input = el("select", {id, name: p.name}, el("option", {value: ""}, "(any)"),
      el("option", {value: "true", selected: given === "true"}, "true"), el("option", {value: "false", selected: given === "false"}, "false"));
  } else {
    const type = {date: "date", integer: "number", decimal: "number"}[p.type] || "text";
    input = el("input", {id, name: p.name, type, required: p.required, value: given || p.default || "",
      min: p.minimum ?? null, max: p.maximum ?? null, step: p.type === "decimal" ? "any" : null,
      placeholder: p.type === "entity" ? "a name, alias or id" : null});
  }
  return el("label", {for: id, title: p.description}, p.name + (p.required ? " *" : "") + " ", input,
    el("span", {class: "meta"}, " " + p.description));
}

async function run(query, values, output) {
  loading(output);
  try {
    const result = await api("/api/queries/" + query.name, values);
    const columns = result.columns.filter((c) => result.rows.some((r) => r[c] !== null));
    const csv = [columns.join(","), ...result.rows.map((r) => columns.map((c) => csvCell(r[c])).join(","))].join("\n");
    output.replaceChildren(
      el("p", {class: "meta"}, `${result.rows.length} row(s) `,
        download(csv, query.name + ".csv", "text/csv", "CSV"), " ",
        download(JSON.stringify(result, null, 1), query.name + ".json", "application/json", "JSON")),
      el("div", {class: "table-wrap"}, el("table", {class: "results-table"},
        el("thead", {}, el("tr", {}, ...columns.map((c) => el("th", {scope: "col"}, c)))),
        el("tbody", {}, ...result.rows.map((r) => el("tr", {}, ...columns.map((c) => el("td", {}, show(r[c])))))))));
  } catch (error) { showError(output, error); }
}

function show(value) {
  if (value === null || value === undefined) return "";
  const text = String(value);
  if (text.startsWith("https://w3id.org/orbat/id/")) {
    const id = text.slice("https://w3id.org/orbat/id/".length);
    return el("a", {href: routeHref("entity", id)}, id);
  }
  return text.replace(/^https:\/\/w3id\.org\/orbat\/(ontology#|status\/|modality\/|claim\/)/, "");
}

function csvCell(value) {
  if (value === null || value === undefined) return "";
  const text = String(value);
  return /[",\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
}

function download(text, filename, type, label) {
  return el("a", {href: URL.createObjectURL(new Blob([text], {type})), download: filename, class: "button"}, label);
}

let yasguiLoaded = null;
function loadYasgui() {
  if (!yasguiLoaded) {
    yasguiLoaded = new Promise((resolve, reject) => {
      document.head.append(el("link", {rel: "stylesheet", href: "/static/vendor/yasgui/yasgui.min.css"}));
      document.head.append(el("script", {src: "/static/vendor/yasgui/yasgui.min.js", onload: resolve,
        onerror: () => reject(new Error("the SPARQL editor's files are missing: reinstall orbat (its build copies them)"))}));
    });
  }
  return yasguiLoaded;
}

async function sparqlEditor(main) {
  const box = el("div", {id: "yasgui"});
  main.replaceChildren(el("h2", {}, "SPARQL"), el("p", {class: "meta"},
    "Against this service's /sparql (read-only, with its time and size limits); the knowledge base's prefixes are filled in."), box);
  try {
    await loadYasgui();
  } catch (error) { showError(box, error); return; }
  const Yasgui = window.Yasgui.default || window.Yasgui;
  const Yasqe = Yasgui.Yasqe;
  if (Yasqe && Yasqe.defaults) Yasqe.defaults.autocompleters = ["variables"];  // the others fetch from the internet
  const yasgui = new Yasgui(box, {
    requestConfig: {endpoint: window.location.origin + "/sparql", method: "POST"},
    copyEndpointOnNewTab: false,
    populateFromUrl: false,  // it would clear the page's #/query route
    persistenceId: null,
    endpointCatalogueOptions: {getData: () => []},
    yasqe: {value: EXAMPLE, prefixCcApi: null, autocompleters: ["variables"]},
  });
  const tab = yasgui.getTab();
  if (tab && tab.getYasqe) tab.getYasqe().setValue(EXAMPLE);
  window.orbatYasgui = yasgui;
}
