"""/api/reports over the real app: reports added, corrected and removed while it serves, their
claims answering ``near``, entity pages and exports at once; writes behind the update token, every
problem of a rejected report listed (422) with nothing changed, bodies sized before they are read
(413), two writers at once serialised. The store is on disk, so reads run in worker processes as
under ``orbat serve`` and must see each write as soon as it is acknowledged."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import uvicorn
import yaml
from fastapi.testclient import TestClient
from raw_http import exchange
from report_support import FIRST, FIXTURES, SECOND, THIRD, built_from_files, files, fixture_bytes, quads
from sparql_support import TOKEN, WRITABLE, assert_responsive, bearer, error

from api.app import create_app
from api.settings import Settings
from orbat.build import build
from orbat.servers import free_port
from orbat.store import EmbeddedStore
from orbat.workspace import Workspace, init

YAML = {**bearer(), "Content-Type": "application/yaml"}


def inline(name: str) -> bytes:
    """A fixture report with its text inline, as a body must carry it."""
    text = (FIXTURES / f"{name}.yaml").read_text(encoding="utf-8")
    body = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")
    block = "text: |\n" + "".join(f"  {line}\n" for line in body.splitlines())
    return text.replace(f"file: {name}.txt\n", block).encode()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[TestClient, EmbeddedStore, Workspace]]:
    """The app with updates on, over a new workspace built into a store on disk."""
    workspace = init(tmp_path / "ours")
    store = EmbeddedStore(tmp_path / "store")
    build(store, workspace, reason=False)
    with TestClient(create_app(store, WRITABLE, workspace=workspace)) as client:
        yield client, store, workspace


def post(client: TestClient, body: bytes, headers: dict[str, str] = YAML) -> httpx.Response:
    return client.post("/api/reports", content=body, headers=headers)


def health(client: TestClient) -> None:
    assert_responsive(lambda: client.get("/api/health"))


def test_reports_added_over_http_answer_at_once(served: tuple[TestClient, EmbeddedStore, Workspace]) -> None:
    client, store, workspace = served
    assert client.get("/api/reports").json() == {"reports": []}
    first = post(client, fixture_bytes(FIRST))
    assert first.status_code == 201 and first.json()["action"] == "added" and first.json()["claims"] == 3
    assert post(client, fixture_bytes(SECOND)).status_code == 201
    as_json = json.dumps(yaml.safe_load(inline(THIRD)), default=str).encode()
    third = post(client, as_json, {**bearer(), "Content-Type": "application/json"})
    assert third.status_code == 201, third.text
    near = client.get("/api/near", params={"place": "the Tanf outpost", "radius_km": 30}).json()
    actors = {r["actor"]["id"] for r in near["results"]}
    assert {"desert-hawks-brigade", "maghawir-al-thawra"} <= actors
    page = client.get("/api/entities/liwa-al-badiya").json()
    assert [p["id"] for p in page["parents"]] == ["desert-hawks-brigade"]
    assert any("holds the Hamad crossing" in c["evidence"][0]["quote"] for c in page["claims"])
    turtle = client.get("/api/export", params={"format": "turtle"}).text
    assert "Maghawir al-Thawra" in turtle and "Liwa al-Badiya" in turtle
    listed = client.get("/api/reports").json()["reports"]
    assert [r["id"] for r in listed] == sorted([FIRST, SECOND, THIRD])
    one = client.get(f"/api/reports/{THIRD}").json()
    assert one["introduces"] == ["coalition-press-office", "islamic-state", "maghawir-al-thawra"]
    assert error(client.get("/api/reports/no-such-report"), 404)
    assert quads(store) == built_from_files(workspace)
    health(client)


def test_a_correction_replaces_and_a_repeat_changes_nothing(
    served: tuple[TestClient, EmbeddedStore, Workspace],
) -> None:
    client, store, _ = served
    assert post(client, fixture_bytes(FIRST)).status_code == 201
    before = quads(store)
    again = post(client, fixture_bytes(FIRST))
    assert again.status_code == 200 and again.json()["action"] == "unchanged" and quads(store) == before
    corrected = (
        fixture_bytes(FIRST).replace(b"about 400 fighters", b"about 450 fighters").replace(b"value: 400", b"value: 450")
    )
    replaced = post(client, corrected)
    assert replaced.status_code == 200 and replaced.json()["action"] == "replaced"
    page = client.get("/api/entities/desert-hawks-brigade").json()
    strengths = [c["value"] for c in page["claims"] if c["relation"] == "hasStrength"]
    assert strengths == [450]


def test_a_removed_report_is_gone_from_every_answer(served: tuple[TestClient, EmbeddedStore, Workspace]) -> None:
    client, store, workspace = served
    post(client, fixture_bytes(FIRST))
    before, on_disk = quads(store), files(workspace)
    assert post(client, fixture_bytes(SECOND)).status_code == 201
    assert client.get("/api/entities/liwa-al-badiya").status_code == 200
    assert (
        f"is used by report '{SECOND}'"
        in error(client.delete(f"/api/reports/{FIRST}", headers=bearer()), 409)["message"]
    )
    removed = client.delete(f"/api/reports/{SECOND}", headers=bearer())
    assert removed.status_code == 200 and removed.json()["action"] == "removed"
    assert error(client.get("/api/entities/liwa-al-badiya"), 404)
    assert quads(store) == before and files(workspace) == on_disk
    assert error(client.delete(f"/api/reports/{SECOND}", headers=bearer()), 404)


def test_a_rejected_report_lists_every_problem_and_changes_nothing(
    served: tuple[TestClient, EmbeddedStore, Workspace],
) -> None:
    client, store, workspace = served
    post(client, fixture_bytes(FIRST))
    before, on_disk = quads(store), files(workspace)
    detail = error(post(client, fixture_bytes("many-problems")), 422)
    problems = detail["detail"]["problems"]
    assert len(problems) == 5 and all(p.startswith("report.yaml:") for p in problems), problems
    assert "5 problems" in detail["message"]
    assert quads(store) == before and files(workspace) == on_disk
    assert "nothing changed" in error(post(client, b"id: [\n"), 422)["message"]
    detail = error(post(client, (FIXTURES / f"{THIRD}.yaml").read_bytes()), 422)
    assert any("carries its text inline" in p for p in detail["detail"]["problems"])
    health(client)


@pytest.mark.parametrize(
    ("settings", "headers", "status"),
    [
        (WRITABLE, {"Content-Type": "application/yaml"}, 401),
        (WRITABLE, {**bearer("not-the-token"), "Content-Type": "application/yaml"}, 403),
        (Settings(), YAML, 403),
        (WRITABLE, {**bearer(), "Content-Type": "text/plain"}, 415),
    ],
    ids=["no-token", "wrong-token", "updates-off", "not-yaml"],
)
def test_writes_need_the_update_token_and_a_report_body(
    tmp_path: Path, settings: Settings, headers: dict[str, str], status: int
) -> None:
    workspace = init(tmp_path / "ours")
    store = EmbeddedStore()
    build(store, workspace, reason=False)
    before = quads(store)
    with TestClient(create_app(store, settings, workspace=workspace)) as client:
        error(post(client, fixture_bytes(FIRST), headers), status)
        if status != 415:
            error(
                client.delete(
                    f"/api/reports/{FIRST}", headers={k: v for k, v in headers.items() if k != "Content-Type"}
                ),
                status,
            )
    assert files(workspace) == {} and quads(store) == before


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[int, EmbeddedStore]]:
    """The app under uvicorn in a thread (real HTTP: a body can be announced and never sent)."""
    workspace = init(tmp_path / "ours")
    store = EmbeddedStore()
    build(store, workspace, reason=False)
    port = free_port()
    app = create_app(store, WRITABLE, workspace=workspace)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield port, store
    server.should_exit = True
    thread.join(timeout=10)


def test_a_100_mb_upload_is_refused_with_413_before_it_is_read(live: tuple[int, EmbeddedStore]) -> None:
    """Announced, not sent: the answer comes without the server waiting for one byte of it."""
    port, store = live
    before = quads(store)
    head = (
        "POST /api/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/yaml\r\n"
        f"Authorization: Bearer {TOKEN}\r\nContent-Length: {100 * 1024 * 1024}\r\n\r\n"
    )
    status, _, body = exchange(port, head.encode())
    assert status == 413
    detail = json.loads(body)["error"]
    assert detail["detail"] == {"limit": "body bytes", "maximum": WRITABLE.max_update_bytes, "size": 100 * 1024 * 1024}
    assert "ORBAT_MAX_UPDATE_BYTES" in detail["message"]
    assert quads(store) == before
    with httpx.Client(timeout=5) as http:  # made before the clock starts: a new client takes 60-100 ms
        assert_responsive(lambda: http.get(f"http://127.0.0.1:{port}/api/health"))


def test_two_writers_at_once_are_serialised_and_both_land(served: tuple[TestClient, EmbeddedStore, Workspace]) -> None:
    client, store, workspace = served
    post(client, fixture_bytes(FIRST))
    bodies = [fixture_bytes(SECOND), inline(THIRD), fixture_bytes(SECOND)]
    with ThreadPoolExecutor(3) as pool:
        answers = list(pool.map(lambda body: post(client, body), bodies))
    assert sorted(a.status_code for a in answers) == [200, 201, 201]
    assert sorted(a.json()["action"] for a in answers) == ["added", "added", "unchanged"]
    assert quads(store) == built_from_files(workspace)
    health(client)
