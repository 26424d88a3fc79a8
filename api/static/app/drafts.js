// The draft review (#/drafts): a report's text drafted by POST /api/drafts, its text shown with
// each proposed claim's quote marked in place and the claims beside it in plain words, each
// accepted or rejected; "Add report" accepts them (POST /api/drafts/accept) and adds the report
// (POST /api/reports) with the analyst's token, kept in this tab's sessionStorage, never in the URL.
"use strict";

import {api, el, entityLink, relationLabel, routeHref, showError} from "./common.js";

const TOKEN = "orbat-token";

export async function draftsView(root) {
  const input = (id, label, attrs) => el("label", {for: id}, label, el("input", {id, name: id, ...attrs}));
  const text = el("textarea", {id: "draft-text", name: "text", rows: "8", required: true,
    placeholder: "Paste the report's text here"});
  const button = el("button", {type: "submit", id: "draft-button"}, "Draft");
  const progress = el("div", {class: "meta", role: "status", "aria-live": "polite"});
  const review = el("section", {id: "draft-review", "aria-label": "the draft"});
  const form = el("form", {class: "draft-form", onsubmit: (event) => { event.preventDefault(); draft(); }},
    el("div", {class: "draft-fields"},
      input("draft-title", "Title", {}),
      input("draft-publisher", "Publisher", {placeholder: "Levant Wire"}),
      input("draft-date", "Date", {type: "date"}),
      input("draft-url", "URL", {type: "url", placeholder: "https://"})),
    el("label", {for: "draft-text"}, "Text"), text, el("div", {}, button, progress));
  root.replaceChildren(el("h2", {}, "Draft a report"),
    el("p", {class: "meta"}, "Every claim drafted is a proposal: accept or reject each, then add the report."),
    form, review);

  async function draft() {
    const field = (id) => root.querySelector("#" + id).value.trim() || undefined;
    const body = {text: text.value, title: field("draft-title"), source: field("draft-publisher"),
      date: field("draft-date"), url: field("draft-url")};
    button.disabled = true;
    review.replaceChildren();
    progress.replaceChildren(el("progress", {"aria-label": "drafting"}), " drafting\u2026");
    try {
      const answer = await api("/api/drafts", null, {method: "POST", type: "application/json", body: JSON.stringify(body)});
      progress.replaceChildren();
      showDraft(review, answer);
    } catch (error) {
      showError(progress, error);
    } finally {
      button.disabled = false;
    }
  }
}

/** The draft's text with its quotes marked, its claims beside it, and the form that adds it. */
function showDraft(box, answer) {
  const report = answer.report;
  const claims = report.claims;
  const label = (id) => answer.labels[id] || id;
  // an ambiguous proposal (candidates) cannot be accepted as it is: rejected until fixed in the file
  const decisions = new Map(claims.map((c) => [c.proposal.id, c.proposal.candidates ? "rejected" : "accepted"]));
  let current = null;

  const passage = el("div", {class: "draft-text", id: "draft-passage"}, ...marked(report.text, claims, answer.quotes, (ids) =>
    select(ids[(ids.indexOf(current) + 1) % ids.length], "quote")));
  const items = new Map(claims.map((c) => [c.proposal.id, claimItem(c)]));
  const token = el("input", {type: "password", id: "draft-token", autocomplete: "off",
    value: sessionStorage.getItem(TOKEN) || "", oninput: (e) => sessionStorage.setItem(TOKEN, e.target.value)});
  const add = el("button", {type: "button", id: "draft-add", onclick: addReport}, "Add report");
  const outcome = el("div", {id: "draft-outcome", "aria-live": "polite"});
  const proposed = report.entities.map((e) => `${e.label} (${e.kind})`);
  box.replaceChildren(
    ...answer.notes.map((note) => el("p", {class: "meta"}, note)),
    el("h3", {}, report.title),
    el("p", {class: "meta"}, [report.date || "no date", report.publisher, report.id].filter(Boolean).join(" \u00b7 ")),
    el("div", {class: "draft-layout"},
      passage,
      el("div", {},
        el("h3", {}, `${claims.length} proposed claim(s)`),
        el("ol", {class: "draft-claims"}, ...items.values()),
        proposed.length ? el("p", {class: "meta"}, "New entities proposed: " + proposed.join(", ")) : null,
        el("div", {class: "draft-add"},
          el("label", {for: "draft-token"}, "Token "), token, " ", add,
          el("p", {class: "meta"}, "The token stays in this tab (sessionStorage)."), outcome))));

  function claimItem(claim) {
    const id = claim.proposal.id;
    const object = claim.object ? label(claim.object) : String(claim.value ?? "");
    const time = claim.valid_time;
    const facts = [
      claim.modality || "reported",
      claim.hedge ? `hedge \u201c${claim.hedge}\u201d` : null,
      time ? "when " + [time.text ? `\u201c${time.text}\u201d` : null, time.from ? `(${time.from === time.to ? time.from : time.from + " to " + (time.to || "\u2026")})` : null].filter(Boolean).join(" ") : null,
      claim.originator ? "first said by " + label(claim.originator) : null,
      claim.count !== undefined ? "count " + claim.count : null,
      `credibility ${claim.credibility}`,
      `confidence ${claim.proposal.confidence}`,
    ].filter(Boolean);
    const toggle = (value, text) => el("button", {type: "button", class: "toggle " + value, "data-decision": value,
      "aria-pressed": String(decisions.get(id) === value), onclick: () => decide(id, value)}, text);
    return el("li", {class: "draft-claim", "data-proposal": id},
      el("button", {type: "button", class: "link statement", onclick: () => select(id, "claim")},
        label(claim.subject), " ", el("strong", {}, relationLabel(claim.relation)), " ", object),
      el("div", {class: "meta"}, id + " \u00b7 " + facts.join(" \u00b7 ")),
      el("div", {class: "meta"}, "reason: " + claim.proposal.reason),
      claim.proposal.candidates ? el("div", {class: "meta"}, "ambiguous, one of ",
        ...claim.proposal.candidates.map((c, i) => [i ? ", " : "", entityLink(c, label(c))]), ": rejected unless fixed in the report's file") : null,
      el("div", {class: "decision", role: "group", "aria-label": "decision on " + id},
        toggle("accepted", "Accept"), " ", toggle("rejected", "Reject")));
  }

  function decide(id, value) {
    decisions.set(id, value);
    const item = items.get(id);
    item.classList.toggle("rejected", value === "rejected");
    for (const b of item.querySelectorAll(".decision button")) b.setAttribute("aria-pressed", String(b.dataset.decision === value));
    for (const mark of passage.querySelectorAll("mark")) {
      mark.classList.toggle("rejected", mark.dataset.claims.split(" ").every((c) => decisions.get(c) === "rejected"));
    }
  }

  /** A claim and its quote marked; the one not clicked (``from``) scrolled into view. */
  function select(id, from) {
    current = id;
    for (const [key, item] of items) item.classList.toggle("current", key === id);
    let first = null;
    for (const mark of passage.querySelectorAll("mark")) {
      const on = mark.dataset.claims.split(" ").includes(id);
      mark.classList.toggle("current", on);
      if (on && !first) first = mark;
    }
    const other = from === "quote" ? items.get(id) : first;
    if (other) other.scrollIntoView({block: "nearest"});
  }

  async function addReport() {
    const rejected = [...decisions].filter(([, value]) => value === "rejected").map(([id]) => id);
    add.disabled = true;
    outcome.replaceChildren(el("p", {class: "meta"}, el("progress", {"aria-label": "adding"}), " adding\u2026"));
    const write = {method: "POST", type: "application/json", token: token.value};
    try {
      const accepted = await api("/api/drafts/accept", {reject: rejected.join(",")}, {...write, body: JSON.stringify(report)});
      const change = await api("/api/reports", null, {...write, body: JSON.stringify(accepted.report)});
      outcome.replaceChildren(el("p", {role: "status", class: "added"},
        `Report ${change.id} ${change.action}: ${change.claims} claim(s); proposals accepted ${accepted.accepted.join(", ") || "none"}` +
        `, rejected ${accepted.rejected.join(", ") || "none"}. `, el("a", {href: routeHref("sources", change.id)}, "Read it")));
    } catch (error) {
      showError(outcome, error);
    } finally {
      add.disabled = false;
    }
  }
}

/** The text cut where quotes start and end: a piece inside quotes is a mark naming their claims. */
function marked(text, claims, quotes, onpick) {
  const cuts = new Set([0, text.length]);
  for (const [start, end] of Object.values(quotes)) { cuts.add(start); cuts.add(end); }
  const points = [...cuts].sort((a, b) => a - b);
  const pieces = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [start, end] = [points[i], points[i + 1]];
    const ids = claims.map((c) => c.proposal.id).filter((id) => quotes[id] && quotes[id][0] <= start && end <= quotes[id][1]);
    const piece = text.slice(start, end);
    pieces.push(ids.length ? el("mark", {"data-claims": ids.join(" "), tabindex: "0", title: ids.join(", "),
      onclick: () => onpick(ids), onkeydown: (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); onpick(ids); } }}, piece) : piece);
  }
  return pieces;
}
