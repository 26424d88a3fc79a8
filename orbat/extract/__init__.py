"""Drafts from raw report text: the analyst starts from a proposal, not a blank page (issue 8).

One small interface, ``Extractor.draft(text, meta) -> Draft``, so that a model can replace the
rules later; ``RuleExtractor`` (orbat.extract.extractor) is today's. ``draft_report`` is what the
CLI (``orbat draft``) and the API (``POST /api/drafts``) call: bytes in, a report file out, in
the workspace format (docs/annotating.md) with every claim and new entity a proposal
(docs/drafting.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from orbat.extract.inputs import MAX_BYTES, DraftInputError, ReportMeta, read_report
from orbat.extract.model import Draft
from orbat.names import NameIndex

__all__ = ["MAX_BYTES", "Draft", "DraftInputError", "DraftResult", "Extractor", "ReportMeta", "draft_report"]


class Extractor(Protocol):
    """Anything that proposes a draft for a report's text."""

    def draft(self, text: str, meta: ReportMeta) -> Draft: ...


@dataclass(frozen=True)
class DraftResult:
    draft: Draft
    meta: ReportMeta
    report: dict[str, Any]  # the report mapping (orbat.extract.output.report)
    yaml: str  # the report file's text


def rule_extractor(names: NameIndex, progress: Callable[[int, int], None] | None = None) -> Extractor:
    from orbat.extract.extractor import RuleExtractor
    from orbat.extract.gazetteer import gazetteer

    return RuleExtractor(gazetteer(names), progress=progress)


def draft_report(
    data: bytes | str,
    names: NameIndex,
    given: ReportMeta | None = None,
    name: str = "report",
    extractor: Extractor | None = None,
) -> DraftResult:
    """Read a report (checked: orbat.extract.inputs) and draft it; ``DraftInputError`` if it cannot be."""
    from orbat.extract.output import report, to_yaml

    source = read_report(data, name, given)
    if source.not_english:
        from orbat.extract.extractor import RuleExtractor
        from orbat.extract.gazetteer import gazetteer

        draft = RuleExtractor(gazetteer(names)).empty(source.text, source.meta, source.not_english)
    else:
        draft = (extractor or rule_extractor(names)).draft(source.text, source.meta)
    text = to_yaml(draft, source.meta)
    return DraftResult(draft, source.meta, report(draft, source.meta), text)
