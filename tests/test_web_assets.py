"""The page's libraries on a machine without npm (web/build_assets.py): the locked packages are
fetched from the registry and must match the integrity hashes of web/package-lock.json; a package
that does not is refused. The registry is replaced here by a local answer (no network in tests)."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import io
import json
import tarfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]


def tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


@pytest.fixture
def builder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[ModuleType, bytes]:
    spec = importlib.util.spec_from_file_location("build_assets", ROOT / "web" / "build_assets.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    data = tarball({"dist/lib.js": b"window.lib = 1;", "README.md": b"lib"})
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    (tmp_path / "package.json").write_text(json.dumps({"orbat": {"assets": {"lib/lib.js": "@scope/lib/dist/lib.js"}}}))
    lock = {"packages": {"node_modules/@scope/lib": {"version": "1.2.3", "integrity": integrity}}}
    (tmp_path / "package-lock.json").write_text(json.dumps(lock))
    monkeypatch.setattr(module, "WEB", tmp_path)
    return module, data


def answering(body: bytes, asked: list[str]) -> Any:
    class Response(io.BytesIO):
        def __enter__(self) -> Response:
            return self

        def __exit__(self, *exc: object) -> None:
            self.close()

    def urlopen(url: str, timeout: float) -> Response:
        asked.append(url)
        return Response(body)

    return urlopen


def test_without_npm_the_locked_package_is_fetched_and_checked(
    builder: tuple[ModuleType, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    module, data = builder
    asked: list[str] = []
    monkeypatch.setattr(module.urllib.request, "urlopen", answering(data, asked))
    module.fetch_locked()
    assert asked == ["https://registry.npmjs.org/@scope/lib/-/lib-1.2.3.tgz"]
    assert (module.WEB / "node_modules/@scope/lib/dist/lib.js").read_bytes() == b"window.lib = 1;"


def test_a_package_that_does_not_match_its_hash_is_refused(
    builder: tuple[ModuleType, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    module, _ = builder
    monkeypatch.setattr(module.urllib.request, "urlopen", answering(tarball({"dist/lib.js": b"evil"}), []))
    with pytest.raises(module.AssetError, match="does not match its integrity hash"):
        module.fetch_locked()
    assert not (module.WEB / "node_modules").exists()
