// The order of battle as a tree: alliances -> forces -> units -> subunits, from the named query
// order-of-battle, with echelon symbols, collapsible (<details>: keyboard usable as it is), each
// link with its claims and their grade. Where a unit is stated part of two forces and one is part
// of the other, it is shown under the nearer one only (the other link is listed with its claims).
"use strict";

import {api, claimView, el, entityLink, grade, loading, local, passageId, replaceParams, showError} from "./common.js";
import {genericSidc, symbolImage} from "./symbols.js";

export async function treeView(root, route) {
  const asOf = route.params.get("as_of") || "";
  const head = el("div", {class: "tree-head"},
    el("h2", {}, "Order of battle"),
    el("label", {}, "As of ", el("input", {type: "date", id: "tree-as-of", value: asOf, onchange: (e) => {
      replaceParams({as_of: e.target.value}); treeView(root, {params: new URLSearchParams(e.target.value ? {as_of: e.target.value} : {})});
    }})),
    el("button", {type: "button", onclick: () => root.querySelectorAll("details").forEach((d) => { d.open = true; })}, "expand all"),
    el("button", {type: "button", onclick: () => root.querySelectorAll("details").forEach((d) => { d.open = false; })}, "collapse all"));
  const body = el("div", {class: "tree"});
  root.replaceChildren(head, body);
  loading(body);
  let rows;
  try {
    rows = (await api("/api/queries/order-of-battle", asOf ? {as_of: asOf} : {})).rows;
  } catch (error) { showError(body, error); return; }

  const nodes = new Map();
  const node = (iri, label, kinds, echelon) => {
    const id = local(iri);
    if (!nodes.has(id)) nodes.set(id, {id, label, kinds: [], echelon});
    const found = nodes.get(id);
    if (kinds && !found.kinds.includes(kinds)) found.kinds.push(kinds);  // one row per kind
    return found;
  };
  const links = new Map();  // child -> parent -> {link, claims}
  for (const row of rows) {
    const child = node(row.child, row.childLabel, row.childKind, row.childEchelon);
    const parent = node(row.parent, row.parentLabel, row.parentKind, row.parentEchelon);
    if (!links.has(child.id)) links.set(child.id, new Map());
    const byParent = links.get(child.id);
    if (!byParent.has(parent.id)) byParent.set(parent.id, {link: local(row.link), commands: new Set(), claims: new Map()});
    if (row.command) byParent.get(parent.id).commands.add(row.command);  // organic, attached, operational control
    const claims = byParent.get(parent.id).claims;
    const claimId = local(row.claim);
    if (!claims.has(claimId)) {
      claims.set(claimId, {id: claimId, subject: child.id, subject_label: child.label, relation: local(row.relation),
        object: parent.id, object_label: parent.label, status: local(row.status), modality: local(row.modality),
        hedged: row.hedged, reliability: row.reliability, credibility: row.credibility, reported_by_label: row.reportedByLabel,
        date: row.date, source: local(row.source), passage: passageId(row.passage),
        quote: row.quote, evidence: []});
    }
    if (row.quote) claims.get(claimId).evidence.push({quote: row.quote, passage: passageId(row.passage)});
  }
  const ancestors = (id, seen = new Set()) => {
    for (const parent of (links.get(id) || new Map()).keys()) if (!seen.has(parent)) { seen.add(parent); ancestors(parent, seen); }
    return seen;
  };
  // the nearest parents: drop a "part of" parent that another parent is itself part of
  const children = new Map();
  const indirect = new Map();
  for (const [child, byParent] of links) {
    for (const [parent, info] of byParent) {
      const nearer = [...byParent.keys()].some((other) => other !== parent && info.link === "partOf" &&
        byParent.get(other).link === "partOf" && ancestors(other).has(parent));
      const target = nearer ? indirect : children;
      if (!target.has(nearer ? child : parent)) target.set(nearer ? child : parent, []);
      target.get(nearer ? child : parent).push(nearer ? {parent, info} : {child, info});
    }
  }
  const roots = [...nodes.values()].filter((n) => !links.has(n.id)).sort((a, b) =>
    Number(/Alliance|Coalition/.test(b.kinds.join())) - Number(/Alliance|Coalition/.test(a.kinds.join())) || a.label.localeCompare(b.label));

  const render = (id, via, depth, path) => {
    const n = nodes.get(id);
    const kids = (children.get(id) || []).slice().sort((a, b) => nodes.get(a.child).label.localeCompare(nodes.get(b.child).label));
    const summary = el("summary", {},
      symbolImage(genericSidc(n.kinds, n.echelon), {size: 18, title: n.echelon || ""}), " ",
      entityLink(n.id, n.label), el("span", {class: "kind"}, " " + n.kinds.join(", ") + (n.echelon ? " \u00b7 " + n.echelon : "")),
      via ? linkBadges(via) : null,
      kids.length ? el("span", {class: "meta"}, ` \u00b7 ${kids.length} ${via && via.link === "memberOf" ? "" : ""}under it`) : null);
    const box = el("details", {class: "node", "data-entity": n.id, open: depth < 2});
    box.append(summary);
    if (via) {
      const claims = [...via.claims.values()];
      box.append(el("details", {class: "link-claims"}, el("summary", {}, `${claims.length} claim(s) for "${via.link === "memberOf" ? "member of" : "part of"}"`),
        ...claims.map((c) => claimView(c))));
    }
    for (const other of indirect.get(id) || []) {
      if (path.includes(other.parent)) continue;
      box.append(el("p", {class: "meta"}, "also stated part of ", entityLink(other.parent, nodes.get(other.parent).label), " ", linkBadges(other.info)));
    }
    for (const kid of kids) {
      if (path.includes(kid.child)) continue;  // a cycle in the data: stop
      box.append(render(kid.child, kid.info, depth + 1, [...path, kid.child]));
    }
    return box;
  };
  body.replaceChildren(...roots.map((r) => render(r.id, null, 0, [r.id])));
}

function linkBadges(info) {
  const claims = [...info.claims.values()];
  const best = claims.filter((c) => c.credibility !== null).sort((a, b) => a.credibility - b.credibility)[0];
  const background = claims.every((c) => c.status === "background");
  return el("span", {class: "link-badges"}, " ",
    el("span", {class: "badge link-kind"}, info.link === "memberOf" ? "member" : "part"),
    ...[...info.commands].sort().map((command) => el("span", {class: "badge command", title: "command relationship, as the source states it"}, command)),
    background ? el("span", {class: "badge background"}, "background") : best ? el("span", {class: "badge grade"}, grade(best.reliability, best.credibility)) : null,
    claims.some((c) => c.hedged) ? el("span", {class: "badge hedged"}, "hedged") : null);
}
