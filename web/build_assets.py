"""Install the web page's browser libraries from the npm registry and copy the files it serves into
``api/static/vendor`` (git-ignored, shipped in the wheel).

The libraries are pinned in ``web/package.json`` and ``web/package-lock.json``; the files the page
loads are listed there too, under ``orbat.assets`` (served path -> path under node_modules), so the
list is data, not code. Run by the wheel build (``hatch_build.py``: ``pip install .`` and
``pip install -e .`` both), or by hand: ``python web/build_assets.py``. Nothing here runs when the
server runs: ``orbat serve`` only serves what was copied, from the package, with no network.

Only the standard library: the build runs this in hatchling's isolated environment.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import urllib.request
from pathlib import Path

WEB = Path(__file__).resolve().parent
ROOT = WEB.parent
VENDOR = ROOT / "api" / "static" / "vendor"
STAMP = VENDOR / ".installed"
REGISTRY = os.environ.get("NPM_CONFIG_REGISTRY", "https://registry.npmjs.org").rstrip("/")


class AssetError(RuntimeError):
    """The libraries could not be installed: the message says what to do."""


def assets() -> dict[str, str]:
    """Served path (under /static/vendor/) -> path under web/node_modules, from package.json."""
    package = json.loads((WEB / "package.json").read_text(encoding="utf-8"))
    return dict(package["orbat"]["assets"])


def fingerprint() -> str:
    """What the vendor folder is made from: the lock file and the list of files."""
    digest = hashlib.sha256((WEB / "package-lock.json").read_bytes())
    digest.update(json.dumps(assets(), sort_keys=True).encode())
    return digest.hexdigest()


def up_to_date() -> bool:
    return (
        STAMP.is_file()
        and STAMP.read_text(encoding="utf-8") == fingerprint()
        and all((VENDOR / name).is_file() for name in assets())
    )


def _package_of(source: str) -> str:
    """The npm package a listed file belongs to: ``@zazuko/yasgui/build/x.js`` -> ``@zazuko/yasgui``."""
    parts = source.split("/")
    return "/".join(parts[:2]) if parts[0].startswith("@") else parts[0]


def fetch_locked() -> None:
    """Without npm: each package that holds a listed file, fetched from the registry at the address
    and checked against the integrity hash that package-lock.json records, unpacked into node_modules
    (the page loads only the packages' built bundles, which need nothing else)."""
    lock = json.loads((WEB / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    for package in sorted({_package_of(source) for source in assets().values()}):
        entry = lock.get(f"node_modules/{package}")
        if not entry or "version" not in entry or "integrity" not in entry:
            raise AssetError(f"web/package-lock.json has no version and hash for {package}")
        url = entry.get("resolved") or f"{REGISTRY}/{package}/-/{package.split('/')[-1]}-{entry['version']}.tgz"
        try:
            with urllib.request.urlopen(url, timeout=60) as response:
                data = response.read()
        except OSError as exc:
            raise AssetError(f"could not fetch {url}: {exc}") from exc
        algorithm, expected = entry["integrity"].split("-", 1)
        if base64.b64encode(hashlib.new(algorithm, data).digest()).decode() != expected:
            raise AssetError(f"{url} does not match its integrity hash in package-lock.json")
        target = WEB / "node_modules" / package
        if target.exists():
            shutil.rmtree(target)
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            for member in archive.getmembers():
                name = member.name.split("/", 1)[1] if "/" in member.name else ""
                if member.isfile() and name and ".." not in Path(name).parts:
                    destination = target / name
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    extracted = archive.extractfile(member)
                    assert extracted is not None
                    destination.write_bytes(extracted.read())


def npm_ci() -> None:
    npm = shutil.which("npm")
    if npm is None:  # a machine with Python only: the same pinned, hash-checked packages
        fetch_locked()
        return
    command = [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"]
    done = subprocess.run(command, cwd=WEB, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise AssetError(f"npm ci in {WEB} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")


def build(force: bool = False) -> bool:
    """Make ``api/static/vendor`` hold the listed files of the locked versions; False if it already did."""
    if not force and up_to_date():
        return False
    npm_ci()
    modules = WEB / "node_modules"
    missing = [source for source in assets().values() if not (modules / source).is_file()]
    if missing:
        raise AssetError(f"web/package.json lists files npm did not install: {', '.join(missing)}")
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    for name, source in assets().items():
        target = VENDOR / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(modules / source, target)
    STAMP.write_text(fingerprint(), encoding="utf-8")
    return True


def main() -> int:
    try:
        copied = build(force="--force" in sys.argv[1:])
    except AssetError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"{'copied' if copied else 'up to date'}: {VENDOR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
