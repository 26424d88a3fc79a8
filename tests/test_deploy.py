"""The deployment recipe (deploy/) names only settings orbat reads and options ``orbat serve`` has."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = "\n".join(p.read_text(encoding="utf-8") for folder in ("orbat", "api") for p in (ROOT / folder).rglob("*.py"))


def test_every_setting_of_the_recipe_is_read_by_orbat() -> None:
    recipe = (ROOT / "deploy" / "orbat.service").read_text(encoding="utf-8")
    settings = set(re.findall(r"\b(ORBAT_[A-Z_]+)=", recipe))
    assert {"ORBAT_SPARQL_URL", "ORBAT_WORKSPACE", "ORBAT_PUBLIC_URL"} <= settings
    assert not {s for s in settings if f'"{s}"' not in CODE}, "settings nobody reads"
    assert "--workers" in recipe and '"--workers"' not in CODE  # typer derives the option from the parameter
    assert "workers: Annotated[" in (ROOT / "orbat" / "cli.py").read_text(encoding="utf-8")


def test_the_proxy_forwards_to_the_port_the_workers_listen_on() -> None:
    service = (ROOT / "deploy" / "orbat.service").read_text(encoding="utf-8")
    proxy = (ROOT / "deploy" / "Caddyfile").read_text(encoding="utf-8")
    port = re.search(r"--port (\d+)", service)
    assert port is not None and f"reverse_proxy 127.0.0.1:{port.group(1)}" in proxy
