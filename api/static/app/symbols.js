// Military symbols (APP-6 / MIL-STD-2525, drawn by milsymbol): a 20-digit SIDC per actor, its
// affiliation relative to the side the analyst picks, the Admiralty grade in the evaluation-rating
// field, and how the evidence looks (hedged: dashed frame; single line: faded; contradicted: red
// outline; corroborated: dark outline). The SIDC comes from the knowledge base when the answer
// carries one (``sidc``); otherwise a generic one is made here from the kind and echelon.
"use strict";

import {local} from "./common.js";

// 2525D / APP-6D echelon amplifiers (digits 9-10), from the ontology's echelon scheme.
const ECHELONS = {
  "team": "11", "squad": "12", "section": "13", "platoon": "14", "company": "15", "battalion": "16",
  "regiment": "17", "brigade": "18", "division": "21", "corps": "22", "army": "23", "army-group": "24",
};
// Standard identity (digit 4).
export const AFFILIATIONS = {unknown: "1", friend: "3", neutral: "4", hostile: "6"};

/** A generic 20-digit SIDC: land unit, echelon from the knowledge base, no function (the frame). */
export function genericSidc(kinds, echelon) {
  const amplifier = ECHELONS[local(echelon) || ""] || "00";
  return "10" + "0" + "1" + "10" + "0" + "0" + amplifier + "000000" + "0000";
}

/** The SIDC with the standard identity of ``affiliation`` and the status "anticipated" when ``dashed``. */
export function withAffiliation(sidc, affiliation, dashed) {
  const code = String(sidc);
  if (!/^\d{20}$/.test(code)) return code;
  const identity = AFFILIATIONS[affiliation] || AFFILIATIONS.unknown;
  return code.slice(0, 3) + identity + code.slice(4, 6) + (dashed ? "1" : code[6]) + code.slice(7);
}

/**
 * Affiliations relative to a side, from the order of battle (part of / member of links) and the
 * "opposes" relations: the side, its members and their parts are friends; whoever opposes one of
 * them (or is part of one who does) is hostile; the rest unknown.
 */
export class Sides {
  constructor(orbatRows, opposesRows) {
    this.parents = new Map();
    for (const row of orbatRows) {
      const child = local(row.child), parent = local(row.parent);
      if (!this.parents.has(child)) this.parents.set(child, new Set());
      this.parents.get(child).add(parent);
    }
    this.opposes = opposesRows.map((row) => [local(row.subject), local(row.object)]);
  }

  up(id) {
    const seen = new Set([id]);
    const todo = [id];
    while (todo.length) {
      for (const parent of this.parents.get(todo.pop()) || []) {
        if (!seen.has(parent)) { seen.add(parent); todo.push(parent); }
      }
    }
    return seen;
  }

  affiliation(id, side) {
    if (!side) return "unknown";
    const mine = this.up(id);
    if (mine.has(side)) return "friend";
    for (const [a, b] of this.opposes) {
      if ((mine.has(a) && this.up(b).has(side)) || (mine.has(b) && this.up(a).has(side))) return "hostile";
    }
    return "unknown";
  }
}

const drawn = new Map();
/**
 * A symbol as a canvas with its anchor (the point that stands on the position), cached by what
 * changes its look, so that thousands of positions cost a few distinct drawings.
 */
export function symbolCanvas(sidc, options) {
  const {rating = "", look = "plain", size = 26, designation = ""} = options || {};
  const key = [sidc, rating, look, size, designation].join("|");
  let found = drawn.get(key);
  if (!found) {
    const settings = {size: size, evaluationRating: rating, uniqueDesignation: designation, infoSize: 45};
    if (look === "corroborated") Object.assign(settings, {outlineWidth: 3, outlineColor: "#14532d"});
    if (look === "contradicted") Object.assign(settings, {outlineWidth: 4, outlineColor: "#c1121f"});
    const symbol = new window.ms.Symbol(sidc, settings);
    const canvas = symbol.asCanvas(window.devicePixelRatio || 1);
    const anchor = symbol.getAnchor();
    const box = symbol.getSize();
    found = {canvas, anchor, width: box.width, height: box.height, valid: symbol.isValid()};
    drawn.set(key, found);
  }
  return found;
}

/** A symbol as an <img> (tree, entity page, legend). */
export function symbolImage(sidc, options) {
  const {rating = "", size = 22, designation = "", title = ""} = options || {};
  const symbol = new window.ms.Symbol(sidc, {size: size, evaluationRating: rating, uniqueDesignation: designation});
  const image = document.createElement("img");
  image.src = symbol.toDataURL();
  image.alt = title || "symbol " + sidc;
  image.className = "symbol";
  image.dataset.sidc = sidc;
  return image;
}
