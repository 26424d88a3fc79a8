"""The wheel build hook: the web page's browser libraries, installed with npm from their pinned
versions and copied into api/static/vendor before the wheel (or the editable install) is made
(web/build_assets.py says how). Without Node.js and npm, the same pinned packages are fetched from the
registry and checked against the lock file's hashes."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class WebAssetsHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        path = Path(self.root) / "web" / "build_assets.py"
        spec = importlib.util.spec_from_file_location("orbat_build_assets", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        try:
            module.build()
        except module.AssetError as error:
            raise SystemExit(f"orbat: {error}") from None
