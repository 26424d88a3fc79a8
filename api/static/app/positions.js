// The data behind the map and the entity page's position history, from the named queries
// (positions, corroboration, contradictions, order-of-battle, actor-relations): rows turned into
// claims in the API's Claim shape, each claim's independent lines and contradictions, the actors'
// affiliations relative to a side, and the SIDCs the knowledge base gives (/api/symbols).
"use strict";

import {api, cached, local, passageId} from "./common.js";
import {Sides, genericSidc, withAffiliation} from "./symbols.js";

/** Claims in the API's shape from query rows (one row per quote): ``rows`` of the positions query. */
export function positionClaims(rows) {
  const claims = new Map();
  for (const row of rows) {
    const id = local(row.claim);
    let claim = claims.get(id);
    if (!claim) {
      claim = {
        id, subject: local(row.actor), subject_label: row.actorLabel, relation: local(row.relation),
        object: local(row.place), object_label: row.placeLabel, value: null, status: local(row.status),
        modality: local(row.modality), quote: row.quote, passage: passageId(row.passage), source: local(row.source),
        reported_by: local(row.reportedBy), reported_by_label: row.reportedByLabel, date: row.date,
        hedged: row.hedged, reliability: row.reliability, credibility: row.credibility, evidence: [],
        echelon: row.echelon,
        place: {id: local(row.place), label: row.placeLabel, lat: Number(row.lat), lon: Number(row.lon), precision_km: row.precision_km},
      };
      claims.set(id, claim);
    }
    if (row.quote) claim.evidence.push({quote: row.quote, passage: passageId(row.passage)});
  }
  return [...claims.values()];
}

/** Per claim id: independent lines behind what it states, and whether a claim contradicts it
 * (counting only claims reported by ``asOf`` and holding at ``validAt`` when given). */
export async function evidenceMarks(asOf, validAt) {
  const params = {as_of: asOf, valid_at: validAt};
  const [corroboration, contradictions] = await Promise.all([
    api("/api/queries/corroboration", params).catch(() => ({rows: []})),
    api("/api/queries/contradictions", params).catch(() => ({rows: []})),
  ]);
  const marks = new Map();
  const mark = (id) => { if (!marks.has(id)) marks.set(id, {lines: null, contradicted: false}); return marks.get(id); };
  for (const row of corroboration.rows) {
    if (row.role === "supports") mark(local(row.claim)).lines = row.lines;
    if (row.role === "disputes") mark(local(row.claim)).contradicted = true;
  }
  for (const row of contradictions.rows) {
    mark(local(row.claim)).contradicted = true;
    mark(local(row.other)).contradicted = true;
  }
  return marks;
}

/** The affiliations' rule (symbols.Sides) over the order of battle and who opposes whom. */
export async function loadSides() {
  const [orbat, opposes] = await Promise.all([
    cached("/api/queries/order-of-battle").catch(() => ({rows: []})),
    cached("/api/queries/actor-relations", {family: "opposes"}).catch(() => ({rows: []})),
  ]);
  const sides = new Sides(orbat.rows, opposes.rows);
  const choices = new Map();
  for (const row of orbat.rows) {
    const kinds = row.parentKind || "";
    if (/Alliance|Coalition/.test(kinds)) choices.set(local(row.parent), row.parentLabel);
  }
  sides.choices = [...choices.entries()].sort((a, b) => a[1].localeCompare(b[1]));
  return sides;
}

let knownSidcs = null;
/**
 * SIDCs the knowledge base gives its actors (GET /api/symbols: function, echelon; the affiliation
 * is set here for the side the analyst picks), by actor id. Empty when it has none.
 */
export function kbSidcs() {
  if (!knownSidcs) {
    knownSidcs = fetch("/api/symbols")
      .then((response) => (response.ok ? response.json() : []))
      .then((entries) => new Map(entries.map((entry) => [entry.id, String(entry.sidc)])))
      .catch(() => new Map());
  }
  return knownSidcs;
}

/** The look of a marker from its claims: contradicted, corroborated (2+ lines), single line. */
export function look(claims, marks) {
  let lines = 0, contradicted = false;
  for (const claim of claims) {
    const m = marks.get(claim.id);
    if (!m) continue;
    lines = Math.max(lines, m.lines || 0);
    contradicted = contradicted || m.contradicted;
  }
  if (contradicted) return "contradicted";
  if (lines >= 2) return "corroborated";
  return "single";
}

/** Hedged: every claim hedged, or none of them asserts (a question, scenario, opinion...). */
export function dashed(claims) {
  return claims.every((c) => c.hedged || !["reported", "assessed"].includes(c.modality));
}

/** The best Admiralty grade among the claims (lowest credibility number, then best reliability). */
export function bestRating(claims) {
  const graded = claims.filter((c) => c.credibility !== null && c.credibility !== undefined);
  if (!graded.length) return "";
  graded.sort((a, b) => a.credibility - b.credibility || String(a.reliability || "Z").localeCompare(String(b.reliability || "Z")));
  return (graded[0].reliability || "F") + graded[0].credibility;
}

/** The SIDC of an actor relative to ``side``: the knowledge base's, else a generic one. */
export function actorSidc(actor, claim, sides, side, sidcs, isDashed) {
  const base = (sidcs && sidcs.get(actor)) || claim.sidc || genericSidc(claim.kinds, claim.echelon);
  return withAffiliation(base, sides ? sides.affiliation(actor, side) : "unknown", isDashed);
}
