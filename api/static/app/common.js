// What every view shares: building DOM nodes, calling the REST API, the view's state in the URL,
// relations in plain words, and a claim shown with its quote highlighted inside its passage.
"use strict";

export const ID = "https://w3id.org/orbat/id/";
const ONTOLOGY = "https://w3id.org/orbat/ontology#";

/** A local id from an IRI of the knowledge base (entity, relation, status, modality, claim). */
export function local(iri) {
  if (iri === null || iri === undefined) return null;
  const text = String(iri);
  if (text.startsWith(ID)) return text.slice(ID.length);
  const cut = Math.max(text.lastIndexOf("#"), text.lastIndexOf("/"));
  return cut >= 0 ? text.slice(cut + 1) : text;
}

/** DOCUMENT/PASSAGE from a passage IRI (the form of Claim.passage in the API's answers). */
export function passageId(iri) {
  if (!iri) return null;
  const parts = String(iri).split("/");
  return parts.length >= 2 ? parts.slice(-2).join("/") : String(iri);
}

export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/**
 * Call the API: a GET by default; ``options`` {method, body, type, token} for a write. An error
 * answer (its one JSON shape) is thrown with its message, status, suggestions and problems.
 */
export async function api(path, params, options) {
  const url = new URL(path, window.location.origin);
  for (const [key, value] of Object.entries(params || {})) {
    if (value !== null && value !== undefined && value !== "") url.searchParams.set(key, value);
  }
  const {method = "GET", body, type, token} = options || {};
  const headers = {};
  if (type) headers["Content-Type"] = type;
  if (token) headers.Authorization = "Bearer " + token;
  const response = await fetch(url, {method, headers, body});
  const answer = await response.json().catch(() => null);
  if (!response.ok) {
    const shape = (answer && answer.error) || {};
    const error = new Error(shape.message || `${response.status} ${response.statusText}`);
    error.status = response.status;
    error.suggestions = (shape.detail && shape.detail.suggestions) || [];
    error.problems = (shape.detail && shape.detail.problems) || [];
    throw error;
  }
  return answer;
}

/** A paged answer whole: its first page with the list `key` holding the items of every page, read by
 * following `next` (the URL of the next page; null on the last). */
export async function allPages(path, params, key) {
  const answer = await api(path, params);
  for (let page = answer; page.next; ) {
    page = await api(page.next);
    answer[key].push(...page[key]);
  }
  answer.next = null;
  return answer;
}

const cache = new Map();
/** The same GET answered once per page load (sources, relation labels, the order of battle); with
 * `pagedKey`, every page of a paged answer (allPages). */
export function cached(path, params, pagedKey) {
  const key = path + "?" + new URLSearchParams(params || {}).toString();
  if (!cache.has(key)) {
    const read = pagedKey ? allPages(path, params, pagedKey) : api(path, params);
    cache.set(key, read.catch((error) => { cache.delete(key); throw error; }));
  }
  return cache.get(key);
}

// ---- the view's state in the URL: #/VIEW/ARG?key=value ----
export function currentRoute() {
  const hash = window.location.hash.slice(1) || "/map";
  const [path, query] = hash.split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  return {view: parts[0] || "map", arg: parts[1] || null, params: new URLSearchParams(query || "")};
}

export function routeHref(view, arg, params) {
  let hash = "#/" + view + (arg ? "/" + encodeURIComponent(arg) : "");
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params || {})) {
    if (value !== null && value !== undefined && value !== "") query.set(key, value);
  }
  const text = query.toString();
  return text ? hash + "?" + text : hash;
}

/** Change the URL's parameters without a new history entry (a slider moved, a filter ticked). */
export function replaceParams(params) {
  const route = currentRoute();
  const href = routeHref(route.view, route.arg, params);
  history.replaceState(null, "", href);
}

export function entityLink(id, label) {
  if (!id) return label || "";
  return el("a", {href: routeHref("entity", id)}, label || id);
}

// ---- relations in plain words, from the ontology's labels (named query "relations") ----
let relationLabels = new Map();
export async function loadRelationLabels() {
  try {
    const result = await cached("/api/queries/relations");
    relationLabels = new Map(result.rows.map((row) => [local(row.relation), row.label]));
  } catch (error) {
    console.warn("relation labels unavailable:", error.message);
  }
}

export function relationLabel(relation) {
  const name = local(relation);
  if (!name) return "";
  return relationLabels.get(name) || name.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
}

export function relationNames() {
  return [...relationLabels.keys()].sort();
}

// ---- source documents, their passages and a quote inside its passage ----
export async function passageText(passage) {
  const id = passageId(passage);
  if (!id || !id.includes("/")) return null;
  const [documentId] = id.split("/");
  try {
    const detail = await cached("/api/sources/" + encodeURIComponent(documentId), {limit: 500}, "passages");  // the most a page holds
    const found = detail.passages.find((p) => p.id === id);
    return found ? found.text : null;
  } catch (error) {
    return null;
  }
}

/** The passage's text with the quote marked, or the quote alone when it is not found verbatim. */
export function highlighted(text, quote) {
  const box = el("blockquote", {class: "passage", tabindex: "0"});
  const at = text && quote ? text.indexOf(quote) : -1;
  if (at < 0) {
    box.append(el("mark", {}, quote || ""));
    return box;
  }
  box.append(text.slice(0, at), el("mark", {}, quote), text.slice(at + quote.length));
  return box;
}

export function grade(reliability, credibility) {
  return (reliability || "?") + (credibility === null || credibility === undefined ? "?" : String(credibility));
}

/**
 * A claim as the analyst reads it. ``claim`` has the shape of the API's Claim (or a row converted
 * to it); ``marks`` may say {lines, contradicted}.
 */
export function claimView(claim, marks) {
  marks = marks || {};
  const classes = ["claim"];
  if (claim.status === "background") classes.push("background");
  if (claim.hedged) classes.push("hedged");
  if (marks.contradicted) classes.push("contradicted");
  const object = claim.object ? entityLink(claim.object, claim.object_label) : String(claim.value ?? "");
  const box = el("article", {class: classes.join(" "), "data-claim": claim.id},
    el("div", {class: "statement"}, entityLink(claim.subject, claim.subject_label), " ",
      el("strong", {}, relationLabel(claim.relation)), " ", object));
  const evidence = claim.evidence && claim.evidence.length ? claim.evidence : (claim.quote ? [{quote: claim.quote, passage: claim.passage}] : []);
  for (const item of evidence) {
    const slot = el("div", {class: "evidence"}, highlighted(null, item.quote));
    box.append(slot);
    passageText(item.passage).then((text) => {
      if (!text) return;
      const box = highlighted(text, item.quote);
      slot.replaceChildren(box);
      const mark = box.querySelector("mark");
      if (mark) box.scrollTop = Math.max(0, mark.offsetTop - box.offsetTop - 24);  // the quote in view
    });
  }
  const carried = qualifiers(claim);
  if (carried.length) box.append(el("div", {class: "meta qualifiers"}, ...carried.flatMap((part, i) => (i ? [" \u00b7 ", part] : [part]))));
  if (claim.basis) box.append(el("div", {class: "meta"}, "basis: " + claim.basis));
  const badges = [
    el("span", {class: "badge grade", title: "Admiralty grade: source reliability A-F, information credibility 1-6"}, grade(claim.reliability, claim.credibility)),
    claim.modality && claim.modality !== "reported" ? el("span", {class: "badge modality"}, claim.modality) : null,
    claim.hedged ? el("span", {class: "badge hedged"}, "hedged") : null,
    marks.contradicted ? el("span", {class: "badge contradicted"}, "contradicted") : null,
    marks.lines === 1 ? el("span", {class: "badge single"}, "single line") : null,
    marks.lines > 1 ? el("span", {class: "badge corroborated"}, marks.lines + " lines") : null,
  ];
  const firstSaid = claim.originator && claim.originator !== claim.reported_by ? "first said by " + (claim.originator_label || claim.originator) : null;
  const facts = [claim.status, claim.reported_by_label || claim.reported_by ? "reported by " + (claim.reported_by_label || claim.reported_by) : null,
    firstSaid, claim.date, claim.source ? "source " + claim.source : null, claim.passage ? "passage " + passageId(claim.passage) : null,
    claim.hedge_cue ? "hedge: \u201c" + claim.hedge_cue + "\u201d" : null,
    claim.disputes && claim.disputes.length ? "disputes " + claim.disputes.join(", ") : null].filter(Boolean);
  box.append(el("div", {class: "meta"}, ...badges, " ", facts.join(" \u00b7 ")));
  return box;
}

/** What a claim carries beyond its triple: count, equipment, reported distance, valid time. */
function qualifiers(claim) {
  const parts = [];
  if (claim.quantity_text || (claim.count !== null && claim.count !== undefined)) parts.push("count " + (claim.quantity_text || claim.count));
  if (claim.equipment) parts.push(["with ", entityLink(claim.equipment, claim.equipment_label)]);
  if (claim.distance_km !== null && claim.distance_km !== undefined) parts.push(claim.distance_km + " km");
  const time = claim.valid_time;
  if (time) {
    const span = time.start || time.end ? (time.start === time.end ? time.start : (time.start || "\u2026") + " to " + (time.end || "\u2026")) : null;
    parts.push("when " + [time.text ? "\u201c" + time.text + "\u201d" : null, span ? "(" + span + ")" : null].filter(Boolean).join(" "));
  }
  return parts;
}

export function showError(target, error) {
  target.replaceChildren(el("p", {class: "error", role: "alert"}, error.message));
  if (error.suggestions && error.suggestions.length) {
    target.append(el("p", {class: "meta"}, "Did you mean: ", ...error.suggestions.map((id) => [entityLink(id, id), " "])));
  }
  if (error.problems && error.problems.length) target.append(el("ul", {class: "problems"}, ...error.problems.map((p) => el("li", {}, p))));
}

export function loading(target) {
  target.replaceChildren(el("p", {class: "meta"}, "loading\u2026"));
}
