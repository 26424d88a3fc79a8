"""Named tokens for a team (api.tokens, api.auth): each token's role decides what it may do, its
name is recorded as who added or removed a report, and a tokens file that cannot be used stops the
service at start with a message naming the file and the entry."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from report_support import FIRST, fixture_bytes
from sparql_support import TOKEN, bearer, error

from api.app import create_app
from api.settings import Settings, SettingsError
from api.tokens import Token
from orbat import manifest
from orbat.build import build
from orbat.store import EmbeddedStore
from orbat.workspace import Workspace, init

SECRETS = {"reader": "read-secret-0123456789", "alice": "alice-secret-0123456789", "root": "root-secret-012345678"}
TEAM = (
    Token("reader", "read", SECRETS["reader"]),
    Token("alice", "annotate", SECRETS["alice"]),
    Token("root", "admin", SECRETS["root"]),
)
TOKENS_FILE = "".join(f'[[token]]\nname = "{t.name}"\nrole = "{t.role}"\ntoken = "{t.secret}"\n\n' for t in TEAM)


def as_(name: str, content_type: str = "application/yaml") -> dict[str, str]:
    return {**bearer(SECRETS[name]), "Content-Type": content_type}


@pytest.fixture
def team(tmp_path: Path) -> Iterator[tuple[TestClient, EmbeddedStore, Workspace]]:
    """The app over a new workspace, with the team's tokens and the single update token of old."""
    workspace = init(tmp_path / "ours")
    store = EmbeddedStore()
    build(store, workspace, reason=False)
    settings = Settings(update_enabled=True, update_token=TOKEN, tokens=TEAM)
    with TestClient(create_app(store, settings, workspace=workspace)) as client:
        yield client, store, workspace


def test_the_token_name_is_recorded_as_who_added_and_removed_a_report(
    team: tuple[TestClient, EmbeddedStore, Workspace],
) -> None:
    client, store, _ = team
    added = client.post("/api/reports", content=fixture_bytes(FIRST), headers=as_("alice"))
    assert added.status_code == 201, added.text
    assert added.json()["by"] == "alice"
    entries = manifest.read(store, report=FIRST).of_report(FIRST)
    assert entries and {e.added_by for e in entries} == {"alice"}
    removed = client.delete(f"/api/reports/{FIRST}", headers=bearer(SECRETS["root"]))
    assert removed.status_code == 200 and removed.json()["by"] == "root"
    assert manifest.removed_by(store, FIRST) == "root"
    assert manifest.read(store).of_report(FIRST) == []  # the removal's record is not a graph


@pytest.mark.parametrize(
    ("who", "method", "url", "body", "content_type"),
    [
        ("reader", "POST", "/api/reports", fixture_bytes(FIRST), "application/yaml"),
        ("reader", "DELETE", f"/api/reports/{FIRST}", b"", "application/yaml"),
        ("alice", "POST", "/sparql", b"INSERT DATA { <urn:a> <urn:b> <urn:c> }", "application/sparql-update"),
        ("alice", "PUT", "/rdf-graphs?graph=urn:g", b"<urn:a> <urn:b> <urn:c> .", "application/n-triples"),
    ],
    ids=["read-adds", "read-removes", "annotate-updates", "annotate-puts-a-graph"],
)
def test_a_role_too_low_is_403_saying_which_role_is_needed(
    team: tuple[TestClient, EmbeddedStore, Workspace], who: str, method: str, url: str, body: bytes, content_type: str
) -> None:
    client, store, _ = team
    before = len(store)
    response = client.request(method, url, content=body, headers=as_(who, content_type))
    detail = error(response, 403)
    assert f"'{who}'" in detail["message"] and "needs" in detail["message"]
    assert detail["detail"]["needs"] in ("annotate", "admin")
    assert len(store) == before


def test_admin_and_the_old_update_token_write_to_the_store(team: tuple[TestClient, EmbeddedStore, Workspace]) -> None:
    client, _, _ = team
    for n, secret in enumerate((SECRETS["root"], TOKEN)):
        update = f"INSERT DATA {{ GRAPH <urn:g> {{ <urn:a> <urn:b> {n} }} }}"
        headers = {**bearer(secret), "Content-Type": "application/sparql-update"}
        assert client.post("/sparql", content=update, headers=headers).status_code in (200, 204)
    assert client.get("/api/entities", params={"q": "a"}).status_code == 200  # reads stay open


def test_reads_can_require_a_token(tmp_path: Path) -> None:
    settings = Settings(tokens=TEAM, reads_need_token=True)
    with TestClient(create_app(EmbeddedStore(), settings)) as client:
        assert error(client.get("/api/entities", params={"q": "a"}), 401)["message"]
        assert error(client.get("/sparql", params={"query": "ASK {}"}), 401)
        error(client.get("/api/entities", params={"q": "a"}, headers=bearer("not-a-token-of-ours")), 403)
        assert client.get("/api/entities", params={"q": "a"}, headers=bearer(SECRETS["reader"])).status_code == 200
        assert client.get("/api/health").status_code == 200  # a health check needs no token


def test_the_tokens_file_is_read_at_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "tokens.toml"
    path.write_text(TOKENS_FILE, encoding="utf-8")
    monkeypatch.setenv("ORBAT_TOKENS_FILE", str(path))
    monkeypatch.setenv("ORBAT_UPDATE_TOKEN", TOKEN)
    settings = Settings.from_env()
    assert [(t.name, t.role) for t in settings.all_tokens] == [("admin", "admin")] + [(t.name, t.role) for t in TEAM]
    assert SECRETS["alice"] not in repr(settings.tokens)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read it"),
        ("[[token]\n", "not TOML"),
        ("", "one or more [[token]]"),
        ('[[token]]\nname = "a"\nrole = "read"\n', "exactly the keys name, role and token"),
        ('[[token]]\nname = "a"\nrole = "writer"\ntoken = "0123456789abcdefgh"\n', "unknown role 'writer'"),
        ('[[token]]\nname = "a b"\nrole = "read"\ntoken = "0123456789abcdefgh"\n', "name 'a b'"),
        ('[[token]]\nname = "a"\nrole = "read"\ntoken = "short"\n', "at least 16 characters"),
        (TOKENS_FILE + '[[token]]\nname = "alice"\nrole = "read"\ntoken = "0123456789abcdefgh"\n', "used twice"),
    ],
    ids=["missing", "not-toml", "empty", "missing-key", "unknown-role", "bad-name", "short-token", "duplicate"],
)
def test_a_bad_tokens_file_stops_the_start_with_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str | None, message: str
) -> None:
    path = tmp_path / "tokens.toml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    monkeypatch.setenv("ORBAT_TOKENS_FILE", str(path))
    with pytest.raises(SettingsError, match=r"tokens\.toml") as raised:
        Settings.from_env()
    assert message in str(raised.value)
