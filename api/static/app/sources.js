// Sources as a page: the documents with their passages and claim counts, and one document read
// passage by passage, each with a link to the claims read from it.
"use strict";

import {allPages, api, el, entityLink, loading, routeHref, showError} from "./common.js";

export async function sourcesView(root, route) {
  loading(root);
  try {
    if (!route.arg) {
      const documents = await api("/api/sources");
      root.replaceChildren(el("h2", {}, "Sources"), el("ul", {class: "results"}, ...documents.map((d) => el("li", {},
        el("a", {href: routeHref("sources", d.id)}, d.title), el("div", {class: "meta"},
          `${d.date} \u00b7 `, entityLink(d.publisher.id, d.publisher.label), " \u00b7 ", entityLink(d.author.id, d.author.label),
          ` \u00b7 ${d.passage_count} passage(s), ${d.claim_count} claim(s)`)))));
      return;
    }
    const d = await allPages("/api/sources/" + encodeURIComponent(route.arg), {}, "passages");
    root.replaceChildren(
      el("a", {href: routeHref("sources")}, "\u2190 all sources"),
      el("h2", {}, d.title),
      el("p", {class: "meta"}, `${d.date}${d.date_basis ? " (" + d.date_basis + ")" : ""} \u00b7 `, entityLink(d.publisher.id, d.publisher.label),
        " \u00b7 ", entityLink(d.author.id, d.author.label), ` \u00b7 ${d.passage_count} passage(s), ${d.claim_count} claim(s)`),
      ...d.passages.map((p) => el("section", {class: "passage-box", id: "passage-" + p.identifier},
        el("h3", {}, p.identifier + " ", el("span", {class: "meta"}, `${p.kind} \u00b7 `,
          p.author ? entityLink(p.author.id, p.author_as_printed) : p.author_as_printed,
          p.claim_count ? [" \u00b7 ", el("a", {href: routeHref("query", "report", {document: d.id})}, `${p.claim_count} claim(s)`)] : "")),
        el("p", {class: "passage-text"}, p.text))));
  } catch (error) { showError(root, error); }
}
