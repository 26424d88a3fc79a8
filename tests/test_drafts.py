"""Drafts from raw report text (issue 8, orbat.extract): what the analyst gets to review.

Against the seed knowledge base (its names are the gazetteer) and the fictional reports of
tests/fixtures/drafts/ (each with its hand annotation beside it); the quality figures themselves
are bench/bench_draft.py's, the floor asserted here is the issue's aim.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from orbat import changes
from orbat.extract import MAX_BYTES, DraftInputError, ReportMeta, draft_report
from orbat.extract.gazetteer import gazetteer
from orbat.extract.inputs import read_report
from orbat.names import NameIndex
from orbat.sources import load_documents
from orbat.store import EmbeddedStore
from orbat.timex import valid_time
from orbat.workspace import Workspace, init

DRAFTS = Path(__file__).parent / "fixtures" / "drafts"
THURSDAY = dt.date(2017, 5, 11)


def draft(names: NameIndex, text: str, date: dt.date = THURSDAY, source: str = "Levant Wire") -> dict[str, Any]:
    return draft_report(text, names, ReportMeta(source=source, date=date)).report


def triples(report: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(c["subject"], c["relation"], str(c.get("object", c.get("value")))) for c in report["claims"]}


def only(report: dict[str, Any], relation: str) -> dict[str, Any]:
    found = [c for c in report["claims"] if c["relation"] == relation]
    assert len(found) == 1, report["claims"]
    return found[0]


# ---------------------------------------------------------------- input


def test_a_header_gives_the_reports_fields_and_options_win() -> None:
    text = "source: Levant Wire\ndate: 11 May 2017\nauthor: Rami Haddad\nTitle: Push\n---\nHezbollah moved to Aleppo.\n"
    read = read_report(text.encode(), "r.txt", ReportMeta(author="Someone Else"))
    assert read.text == "Hezbollah moved to Aleppo."
    assert (read.meta.source, read.meta.date, read.meta.title) == ("Levant Wire", THURSDAY, "Push")
    assert read.meta.author == "Someone Else"
    assert read_report(b"No header: a line --- alone is not one.\n---\nmore", "r").meta == ReportMeta()


def test_html_is_reduced_to_its_text() -> None:
    page = b"<html><head><script>var x;</script></head><body><p>Hezbollah moved to <b>Aleppo</b>.</p><p>Two</p></body>"
    assert read_report(page, "page.html").text == "Hezbollah moved to Aleppo.\nTwo"


BAD = [
    (b"", "empty"),
    (b"  \n\n", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data"),
    ("Hezbollah a pris Alep à l'aube.".encode("latin-1"), "not UTF-8"),
    (b"x" * (MAX_BYTES + 1), "more than the limit of 1,000,000 bytes"),
    (b"date: 31 Smarch 2017\n---\nHezbollah moved to Aleppo.", "is not a date"),
    (b"date: 2017-02-30\n---\nHezbollah moved to Aleppo.", "is not a date"),
    (b"colour: red\n---\nHezbollah moved to Aleppo.", "unknown header field 'colour'"),
    (b"source: X\n---\n", "no text after '---'"),
    (b"\xff\xfeH\x00e\x00", "UTF-16 text"),
]


@pytest.mark.parametrize(("data", "message"), BAD, ids=[m for _, m in BAD])
def test_bad_input_is_one_clear_error(names: NameIndex, data: bytes, message: str) -> None:
    with pytest.raises(DraftInputError, match=message):
        draft_report(data, names, name="report.txt")


OTHER_LANGUAGES = [
    ("تحرك حزب الله إلى حلب".encode(), "non-Latin script"),
    (b"language: fr\n---\nLe Hezbollah a pris Alep.", "declared as language 'fr'"),
    (
        b"Le Hezbollah et les milices irakiennes ont pris position dans la campagne au sud-est de Damas, "
        b"aux cotes de l'armee syrienne et de ses allies, selon une source locale.",
        "commonest English words",
    ),
]


@pytest.mark.parametrize(("data", "message"), OTHER_LANGUAGES, ids=[m for _, m in OTHER_LANGUAGES])
def test_another_language_gives_an_empty_draft_that_says_why(names: NameIndex, data: bytes, message: str) -> None:
    result = draft_report(data, names, ReportMeta(source="AMN"), name="report.txt")
    assert result.report["claims"] == [] and result.draft.mentions == []
    assert message in result.draft.notes[0] and "no claims are proposed" in result.draft.notes[0]
    assert result.yaml.startswith(f"# NOTE: {result.draft.notes[0]}")


# ---------------------------------------------------------------- names


SPELLINGS = [
    ("At-Tanf", "al-tanf"),
    ("AL-TANF", "al-tanf"),
    ("al Tanaf", "al-tanf"),
    ("Deir ez-Zor", "deir-ez-zor"),
    ("Deir Ezzor", "deir-ez-zor"),
    ("Deir al-Zor", "deir-ez-zor"),
    ("Deir Ez-Zour", "deir-ez-zor"),
    ("Hizbollah", "hezbollah"),
    ("Hezbolla", "hezbollah"),
    ("Abu Kamal", "al-bukamal"),
    ("Al-Boukamal", "al-bukamal"),
    ("Popular Mobilisation Units", "popular-mobilization-units"),
]


@pytest.mark.parametrize(("spelling", "entity"), SPELLINGS)
def test_known_names_are_found_as_analysts_type_them(names: NameIndex, spelling: str, entity: str) -> None:
    mentions = draft_report(f"Fighters were seen in {spelling} on Monday.", names).draft.mentions
    assert [(m.text, m.entity) for m in mentions] == [(spelling, entity)]


def test_short_acronyms_keep_their_case(names: NameIndex) -> None:
    found = gazetteer(names).known("It is what IS wants, and the SAA knows it.")
    assert [(m.text, m.entity) for m in found] == [("IS", "islamic-state"), ("SAA", "syrian-arab-army")]


def test_a_middling_fuzzy_match_is_ambiguous_and_lists_its_candidates(names: NameIndex) -> None:
    mention = gazetteer(names).resolve_close("Syrian Air Force", 0, 16)
    assert mention is not None and "ambiguous" in mention.how and mention.candidates[0] == "syrian-air-force"
    report = draft(names, "Syrian Air Force jets struck Aleppo.")
    assert only(report, "attacks")["proposal"]["candidates"] == ["syrian-air-force"]
    assert "ambiguous" in only(report, "attacks")["proposal"]["reason"]


def test_a_name_of_two_entities_resolves_by_the_relations_range(names: NameIndex) -> None:
    """'Damascus' is the city's label and an alias of the Syrian government: a place where a place
    is wanted, never silently merged."""
    mention = gazetteer(names).known("Damascus")[0]
    assert mention.candidates == ("damascus", "syrian-government")
    assert ("hezbollah", "movedTo", "damascus") in triples(draft(names, "Hezbollah moved to Damascus."))


def test_a_new_spelling_of_a_known_entity_is_proposed_as_an_alias(names: NameIndex) -> None:
    learned = draft(names, "Hizbollah and Hezbolla fighters moved to Tadmor.")["aliases_learned"]
    assert [(a["entity"], a["aliases"], a["status"]) for a in learned] == [
        ("hezbollah", ["Hizbollah", "Hezbolla"], "draft"),
        ("palmyra", ["Tadmor"], "draft"),
    ]
    assert [a["proposal"]["id"] for a in learned] == ["a1", "a2"]


# ---------------------------------------------------------------- new entities


def test_a_new_place_comes_from_geonames_with_coordinates_and_its_basis(names: NameIndex) -> None:
    report = draft(names, "Hezbollah fighters moved to Al-Mayadeen on Tuesday.")
    place = next(e for e in report["entities"] if e["id"] == "al-mayadeen")
    assert abs(place["geo"]["lat"] - 35.02) < 0.05 and abs(place["geo"]["lon"] - 40.45) < 0.05
    assert place["geo"]["precision_km"] == 4.0 and place["kind"] == "Town"
    assert "GeoNames" in place["description"] and "not stated by the report" in place["description"]
    assert place["status"] == "draft" and place["proposal"]["id"].startswith("e")
    assert ("hezbollah", "movedTo", "al-mayadeen") in triples(report)


UNITS = [
    ("The 5th Corps moved to Aleppo.", "5th-corps", "MilitaryUnit", "corps"),
    ("The Syrian 104th Brigade moved to Aleppo.", "syrian-104th-brigade", "MilitaryUnit", "brigade"),
    ("British special forces moved to Aleppo.", "british-special-forces", "MilitaryUnit", "unknown"),
    ("A Shia militia column moved to Aleppo.", "shia-militia-column", "Militia", None),
    ("Jaysh al-Islam fighters moved to Aleppo.", "jaysh-al-islam", "NonStateArmedGroup", None),
]


@pytest.mark.parametrize(("text", "entity", "kind", "echelon"), UNITS)
def test_new_units_are_proposed_from_how_units_are_written(
    names: NameIndex, text: str, entity: str, kind: str, echelon: str | None
) -> None:
    report = draft(names, text)
    unit = next(e for e in report["entities"] if e["id"] == entity)
    assert (unit["kind"], unit.get("echelon")) == (kind, echelon)
    assert (entity, "movedTo", "aleppo") in triples(report)


def test_a_known_unit_is_not_proposed_again(names: NameIndex) -> None:
    report = draft(names, "The 31st Guards Air Assault Brigade moved to Aleppo.")
    assert [e["kind"] for e in report["entities"]] == ["NewsOutlet"]
    assert triples(report) == {("31st-guards-air-assault-brigade", "movedTo", "aleppo")}


def test_a_person_is_proposed_with_their_role(names: NameIndex) -> None:
    report = draft(names, "Syrian general Fahd Jassem al-Freij commands the Republican Guards.")
    person = next(e for e in report["entities"] if e["kind"] == "Person" and e["id"] == "fahd-jassem-al-freij")
    assert person["description"] == "Role: Syrian general. Nationality: syria."
    assert ("fahd-jassem-al-freij", "commands", "syrian-republican-guard") in triples(report)


# ---------------------------------------------------------------- claims


ATTRIBUTIONS = [
    ("Hezbollah moved to Aleppo, according to a defence official.", "defence-official"),
    ("Hezbollah moved to Aleppo, CENTCOM said.", "us-central-command"),
    ("Citing Wael Al Hussaini, the outlet says Hezbollah moved to Aleppo.", "wael-al-hussaini"),
    ("A military source told Levant Wire that Hezbollah moved to Aleppo.", "military-source"),
]


@pytest.mark.parametrize(("text", "originator"), ATTRIBUTIONS)
def test_attribution_makes_the_originator_and_the_outlet_relays(names: NameIndex, text: str, originator: str) -> None:
    report = draft(names, text)
    claim = only(report, "movedTo")
    assert (claim["subject"], claim["object"], claim["originator"]) == ("hezbollah", "aleppo", originator)
    assert report["publisher"] == report["author"] == "levant-wire"  # the outlet: asserts, relays
    if originator.endswith(("official", "source")):
        assert next(e for e in report["entities"] if e["id"] == originator)["kind"] == "UnnamedSource"


def test_hedge_words_are_kept_and_lower_the_grade(names: NameIndex) -> None:
    claim = only(draft(names, "Hezbollah fighters have reportedly been deployed to Aleppo."), "deployedTo")
    assert claim["hedge"] == "reportedly" and claim["credibility"] == 4
    assert "hedged" in claim["proposal"]["reason"]


MODALITIES = [
    ("Did Hezbollah move to Aleppo?", "question"),
    ("Hezbollah did not move to Aleppo.", "denied"),
    ("Hezbollah could move to Aleppo.", "hypothetical"),
    ("Hezbollah is expected to move to Aleppo.", "prediction"),
    ("Hezbollah moved to Aleppo.", None),
]


@pytest.mark.parametrize(("text", "modality"), MODALITIES)
def test_the_modality_follows_how_the_text_puts_it(names: NameIndex, text: str, modality: str | None) -> None:
    relations = [c for c in draft(names, text)["claims"] if c["object"] == "aleppo"]
    assert relations and all(c.get("modality") == modality for c in relations)


TIMES = [
    ("on Tuesday", {"text": "on Tuesday", "from": dt.date(2017, 5, 9), "to": dt.date(2017, 5, 9)}),
    ("yesterday", {"text": "yesterday", "from": dt.date(2017, 5, 10), "to": dt.date(2017, 5, 10)}),
    ("on Thursday", {"text": "on Thursday", "from": THURSDAY, "to": THURSDAY}),
    ("on 9 May", {"text": "on 9 May", "from": dt.date(2017, 5, 9), "to": dt.date(2017, 5, 9)}),
    ("on December 30", {"text": "on December 30", "from": dt.date(2016, 12, 30), "to": dt.date(2016, 12, 30)}),
    ("last week", {"text": "last week", "from": dt.date(2017, 5, 1), "to": dt.date(2017, 5, 7)}),
    ("last month", {"text": "last month", "from": "2017-04", "to": "2017-04"}),
    ("since March", {"text": "since March", "from": "2017-03"}),
    ("last year", {"text": "last year", "from": 2016, "to": 2016}),
]


@pytest.mark.parametrize(("words", "expected"), TIMES, ids=[w for w, _ in TIMES])
def test_time_is_resolved_against_the_report_date_at_its_precision(words: str, expected: dict[str, Any]) -> None:
    assert valid_time(f"Hezbollah moved to Aleppo {words}.", THURSDAY) == expected


def test_without_a_report_date_relative_time_keeps_its_words_only() -> None:
    assert valid_time("Hezbollah moved to Aleppo on Tuesday.", None) == {"text": "on Tuesday"}


# ---------------------------------------------------------------- the draft file


def test_the_draft_is_a_report_file_of_proposals_quotes_verbatim_and_deterministic(names: NameIndex) -> None:
    data = (DRAFTS / "levant-wire-2017-05-11.txt").read_bytes()
    first, second = draft_report(data, names, name="a.txt"), draft_report(data, names, name="b.txt")
    assert first.yaml == second.yaml
    report = yaml.safe_load(first.yaml)
    assert report["text"] == first.draft.text and report["date"] == THURSDAY
    proposals = [c["proposal"]["id"] for c in report["claims"]] + [e["proposal"]["id"] for e in report["entities"]]
    assert len(proposals) == len(set(proposals)) and "p1" in proposals and "e1" in proposals
    for claim in report["claims"]:
        assert claim["status"] == "draft" and claim["quote"] in report["text"]
        assert 0 < claim["proposal"]["confidence"] <= 1 and claim["proposal"]["reason"]
    assert all(e["status"] == "draft" for e in report["entities"])


def without_proposals(text: str) -> bytes:
    """A draft as an analyst accepts it all (orbat accept's job, on another branch): marks removed."""
    report = yaml.safe_load(text)
    report.pop("aliases_learned", None)  # main's loader does not read them yet (the lifecycle branch does)
    for item in report["claims"] + report["entities"]:
        item.pop("status")
        item.pop("proposal")
    return yaml.safe_dump(report, sort_keys=False, allow_unicode=True).encode()


def test_an_accepted_draft_adds_and_answers_near(names: NameIndex, kb: EmbeddedStore, tmp_path: Path) -> None:
    from sparql_support import copy_of

    from orbat import answers

    workspace = init(tmp_path / "ours", example=True)
    store = copy_of(kb)
    result = draft_report((DRAFTS / "border-post-2017-05-15.txt").read_bytes(), names)
    added = changes.add(store, workspace, without_proposals(result.yaml), name="draft.yaml")
    assert added.action == "added" and added.claims == len(result.report["claims"])
    near = answers.near(store, NameIndex(store), "al-tanf", 5)
    assert "british-special-forces" in {r.actor.id for r in near.results}
    assert changes.add(store, workspace, without_proposals(result.yaml), name="draft.yaml").action == "unchanged"


# ---------------------------------------------------------------- the seed and the fixtures


def test_the_amn_item_alone_proposes_the_pmu_hezbollah_and_highway_claims(names: NameIndex, seed: Workspace) -> None:
    text = load_documents(seed.sources)[0].passage("amn").text
    proposed = triples(draft(names, text, dt.date(2017, 5, 21), "AMN"))
    assert {
        ("hezbollah", "supports", "syrian-arab-army"),
        ("popular-mobilization-units", "supports", "syrian-arab-army"),
        ("hezbollah", "movedTo", "southeastern-damascus-countryside"),
        ("popular-mobilization-units", "movedTo", "southeastern-damascus-countryside"),
        ("popular-mobilization-units", "secures", "baghdad-damascus-highway"),
        ("syrian-arab-army", "advancingToward", "baghdad-damascus-highway"),
    } <= proposed


def test_the_fixture_reports_meet_the_issues_aims(names: NameIndex) -> None:
    from bench.bench_draft import score

    tallies = score(names)
    assert tallies["mentions"].recall >= 0.95
    assert tallies["claims"].recall >= 0.7 and tallies["claims"].precision >= 0.7
    assert tallies["new places"].recall >= 0.7


# ---------------------------------------------------------------- the command line and the API


def test_orbat_draft_writes_the_draft_file(kb_env: dict[str, str], tmp_path: Path) -> None:
    from test_cli import orbat

    out = tmp_path / "draft.yaml"
    run = orbat("draft", DRAFTS / "levant-wire-2017-05-11.txt", "-o", out, "--title", "Militias", env=kb_env)
    report = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert report["title"] == "Militias" and report["publisher"] == "levant-wire" and len(report["claims"]) == 5
    assert "drafted 5 claim(s)" in run.stderr
    printed = orbat("draft", DRAFTS / "levant-wire-2017-05-11.txt", "--title", "Militias", env=kb_env).stdout
    assert printed == out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("content", "options", "message"),
    [
        (b"", (), "empty: there is no text to draft from"),
        (b"Hezbollah moved to Aleppo.", ("--date", "2017-13-01"), "--date: '2017-13-01' is not a date"),
        ("Hezbollah est à Alep.".encode("latin-1"), (), "not UTF-8 text (byte 0xe0 at offset 14)"),
        (b"\xff\xfeH\x00e\x00", (), "UTF-16 text"),
    ],
)
def test_orbat_draft_refuses_bad_input_in_one_line(
    kb_env: dict[str, str], tmp_path: Path, content: bytes, options: tuple[str, ...], message: str
) -> None:
    from test_cli import one_line_error, orbat

    path = tmp_path / "report.txt"
    path.write_bytes(content)
    assert message in one_line_error(orbat("draft", path, *options, env=kb_env, check=False))


def test_post_drafts_answers_the_draft_for_text_with_a_header(client: Any) -> None:
    body = (DRAFTS / "border-post-2017-05-15.txt").read_bytes()
    response = client.post("/api/drafts", content=body, headers={"Content-Type": "text/plain; charset=utf-8"})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["report"]["date"] == "2017-05-15" and answer["report"]["publisher"] == "border-post"
    assert {c["status"] for c in answer["report"]["claims"]} == {"draft"}
    assert {"entity": "al-tanf", "text": "al-Tanaf"}.items() <= next(
        m for m in answer["mentions"] if m["text"] == "al-Tanaf"
    ).items()
    in_file = yaml.safe_load(answer["yaml"])["claims"]
    assert [c["proposal"] for c in in_file] == [c["proposal"] for c in answer["report"]["claims"]]


def test_post_drafts_of_another_language_is_an_empty_draft_with_a_note(client: Any) -> None:
    body = b"language: ar\n---\nHezbollah moved to Aleppo."
    answer = client.post("/api/drafts", content=body, headers={"Content-Type": "text/plain"}).json()
    assert answer["report"]["claims"] == [] and "declared as language 'ar'" in answer["notes"][0]


def test_post_drafts_takes_json_fields(client: Any) -> None:
    body = {"text": "Hezbollah moved to Aleppo on Tuesday.", "source": "AMN", "date": "2017-05-11"}
    answer = client.post("/api/drafts", json=body).json()
    claim = answer["report"]["claims"][0]
    assert answer["report"]["publisher"] == "amn" and claim["valid_time"]["from"] == "2017-05-09"


def test_post_drafts_places_each_quote_in_the_text_and_names_its_entities(client: Any) -> None:
    """What a reviewer's page needs: each proposal's quote as offsets in the text, and labels, not ids."""
    text = "Briefing, 11 May.\nHezbollah fighters moved to Aleppo on Tuesday. The Syrian Arab Army moved to Aleppo."
    answer = client.post("/api/drafts", json={"text": text, "source": "AMN", "date": "2017-05-11"}).json()
    claims = answer["report"]["claims"]
    assert len(claims) == 2 and set(answer["quotes"]) == {c["proposal"]["id"] for c in claims}
    spans = [answer["quotes"][c["proposal"]["id"]] for c in claims]
    assert [answer["report"]["text"][start:end] for start, end in spans] == [c["quote"] for c in claims]
    assert {"hezbollah": "Hezbollah", "syrian-arab-army": "Syrian Arab Army", "aleppo": "Aleppo"}.items() <= (
        answer["labels"].items()
    )


@pytest.mark.parametrize(
    ("body", "content_type", "status", "message"),
    [
        (b"", "text/plain", 422, "empty"),
        (
            b'{"text": "Hezbollah moved to Aleppo.", "colour": "red"}',
            "application/json",
            422,
            "unknown field(s) colour",
        ),
        (b'{"text": "Hezbollah moved to Aleppo.", "date": "May"}', "application/json", 422, "is not a date"),
        (b'{"text": 5}', "application/json", 422, "the report's text in 'text'"),
        (b'{"text": "Hezbollah moved to Aleppo.", "source": "A\\u0000B"}', "application/json", 422, "one line"),
        (b"<report/>", "application/xml", 415, "unsupported Content-Type"),
        (b"a" * 1_000_001, "text/plain", 413, "limit"),
    ],
)
def test_post_drafts_refuses_bad_input_clearly(
    client: Any, body: bytes, content_type: str, status: int, message: str
) -> None:
    response = client.post("/api/drafts", content=body, headers={"Content-Type": content_type})
    assert response.status_code == status, response.text
    assert message in response.json()["error"]["message"]


def test_a_draft_without_a_date_says_so_rather_than_inventing_one(names: NameIndex) -> None:
    result = draft_report("Hezbollah moved to Aleppo on Tuesday.", names)
    report = yaml.safe_load(result.yaml)
    assert report["date"] is None and "No date was given" in report["date_basis"]
    assert report["claims"][0]["valid_time"] == {"text": "on Tuesday"}
