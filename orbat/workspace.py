"""A workspace: the analysts' own folder of reports and knowledge, apart from the code.

The knowledge grows report by report, so it cannot live inside the package: a team keeps its
workspace (in git, say) and points ``orbat`` at it. A workspace holds

    reports/       one file per report: its document, the entities it introduces, its claims
                   (orbat.reports; ``orbat add`` / ``orbat remove`` write them)
    sources/       one YAML description per source document, beside the document's text
    annotations/   entities (the registry of who is who, Admiralty reliability of information
                   sources included) and the claims read from each document
    background/    background knowledge of the analysts, each claim with its basis
    ontology/      optional: *.ttl added to the package's ontology
    shapes/        optional: *.ttl added to the package's SHACL shapes
    queries/       optional: *.rq named queries added to the package's

The package's own ontology, shapes and queries (``ontology/``, ``shapes/``, ``queries/`` of the
repository, ``orbat/data/`` of the wheel) are always loaded first. ``kb/`` of the repository
(``orbat/data/kb`` of the wheel) is the example workspace holding the seed: it is read, copied by
``orbat init --example`` and for the default workspace, and never written to.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

OWN_FOLDERS = ("reports", "sources", "annotations", "background")
EXTENSION_FOLDERS = (("ontology", "*.ttl"), ("shapes", "*.ttl"), ("queries", "*.rq"))

README = """\
# An orbat workspace

The analysts' files; `orbat --workspace {name} build` turns them into the knowledge base.

    reports/       one file per report: the document's metadata and text, the entities it introduces,
                   its claims (`orbat add FILE`, `orbat remove ID`)
    sources/       one YAML description per source document, beside its text (see sources/README.md)
    annotations/   entities*.yaml: who and what the sources name (information sources with their
                   Admiralty reliability A-F and its reason); claims-*.yaml: the claims read from
                   one document, each with its verbatim quote
    background/    *.yaml: background knowledge of the analysts, each claim with its basis
    ontology/      optional: *.ttl added to orbat's ontology
    shapes/        optional: *.ttl added to orbat's SHACL shapes
    queries/       optional: *.rq named queries added to orbat's

The format of every file, with the rules the loader enforces: docs/annotating.md of orbat.
`orbat init DIR --example` makes a workspace holding the seed report, to copy from.
"""

SOURCES_README = """\
# Source documents

One `NAME.yaml` per document, beside the document's text (`file:`):

    id: a-stable-slug
    file: the-text.txt
    title: "..."
    publisher: an-entity-id      # listed in annotations/entities*.yaml
    author: an-entity-id
    date: 2017-05-21
    passages:                    # single-author parts, cut by markers found in the text
      - {id: post, kind: post, author: an-entity-id, starts_at: "first words", ends_after: "last words"}
"""

ENTITIES = """\
# Entities: every actor, place, event and equipment type the sources name, and the sources
# themselves (publishers, authors) with their Admiralty reliability:
#
# - id: a-stable-slug
#   kind: an ontology class (MilitaryUnit, Government, NewsOutlet, Person, Town, ...)
#   label: the preferred label
#   aliases: [every other spelling the sources use]
#   reliability: A-F (information sources)
#   reliability_basis: why
[]
"""


class WorkspaceError(ValueError):
    """A folder that is not a workspace, or cannot become one."""


@cache
def package_data() -> Path:
    """Where the package's own ontology/, shapes/, queries/ and the example kb/ are: beside the
    package when installed (the wheel copies them to ``orbat/data/``), at the repository root in a
    checkout."""
    package = Path(__file__).resolve().parent
    installed = package / "data"
    return installed if (installed / "ontology").is_dir() else package.parent


def package_files(folder: str, pattern: str) -> tuple[Path, ...]:
    """The package's own files of ``folder`` (``ontology``, ``queries/rules``...), sorted."""
    return tuple(sorted((package_data() / folder).glob(pattern)))


@dataclass(frozen=True)
class Workspace:
    """The locations of one workspace; hashable, so loaders may cache by it."""

    root: Path
    package: Path = field(default_factory=package_data)

    @classmethod
    def open(cls, root: Path | str) -> Workspace:
        """An existing workspace, or a one-line WorkspaceError saying what is wrong."""
        path = Path(root).expanduser()
        if not path.is_dir():
            raise WorkspaceError(f"no workspace at {path}: make one with 'orbat init {path}'")
        if not (path / "sources").is_dir():
            raise WorkspaceError(f"{path} is not an orbat workspace (it has no sources/ folder)")
        return cls(path.resolve())

    @classmethod
    def example(cls) -> Workspace:
        """The seed, read-only: ``kb/`` of the repository or ``orbat/data/kb`` of the wheel."""
        return cls(package_data() / "kb")

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def sources(self) -> Path:
        return self.root / "sources"

    @property
    def annotations(self) -> Path:
        return self.root / "annotations"

    @property
    def background(self) -> Path:
        return self.root / "background"

    def _files(self, folder: str, pattern: str) -> tuple[Path, ...]:
        return package_files(folder, pattern) + tuple(sorted((self.root / folder).glob(pattern)))

    def ontology_files(self) -> tuple[Path, ...]:
        return self._files("ontology", "*.ttl")

    def shape_files(self) -> tuple[Path, ...]:
        return self._files("shapes", "*.ttl")

    def query_files(self) -> tuple[Path, ...]:
        """Named queries: the package's, then the workspace's (only top folders; rules/, checks/
        and internal/ of the package are not named queries)."""
        return self._files("queries", "*.rq")

    def input_files(self) -> list[Path]:
        """Every file a build reads: a change to any of them makes the built store stale."""
        files = [*self.ontology_files(), *self.shape_files(), *package_files("queries/rules", "*.rq")]
        for folder in OWN_FOLDERS:
            files += sorted(p for p in (self.root / folder).rglob("*") if p.is_file())
        return files

    def fingerprint(self) -> str:
        """A digest of the build's inputs (names and bytes)."""
        digest = hashlib.sha256()
        for path in self.input_files():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
        return digest.hexdigest()[:16]


def init(root: Path, *, example: bool = False) -> Workspace:
    """Make a workspace in ``root`` (new or empty): empty, or a copy of the example (the seed)."""
    root = root.expanduser()
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise WorkspaceError(f"{root} is not empty: 'orbat init' makes a workspace in a new or empty folder")
    if example:
        shutil.copytree(Workspace.example().root, root, dirs_exist_ok=True)
        for path in [root, *root.rglob("*")]:  # an installed package may be read-only: the copy is not
            path.chmod(path.stat().st_mode | 0o200)
        (root / "reports").mkdir(exist_ok=True)
    else:
        for folder in OWN_FOLDERS:
            (root / folder).mkdir(parents=True, exist_ok=True)
        (root / "sources" / "README.md").write_text(SOURCES_README, encoding="utf-8")
        (root / "annotations" / "entities.yaml").write_text(ENTITIES, encoding="utf-8")
    if not (root / "README.md").exists():
        (root / "README.md").write_text(README.format(name=root.name), encoding="utf-8")
    return Workspace.open(root)
