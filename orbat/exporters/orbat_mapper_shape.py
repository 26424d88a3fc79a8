"""The shape of an ORBAT Mapper scenario file, written from its TypeScript types.

Source: github.com/orbat-mapper/orbat-mapper (MIT), ``src/types/scenarioModels.ts`` (Scenario,
Side, SideGroup, Unit, State, ScenarioEventDescription), ``src/types/scenarioStackLayers.ts``
(layerStack) and ``src/types/base.ts`` (ScenarioTime: epoch milliseconds; the loader,
``src/scenariostore/newScenarioStore.ts``, also accepts a date string through dayjs), at release
1.4.7 (file version 3.4.0). Optional fields are optional here; a field the types do not declare is
an error (``extra="forbid"``), so an export that drifts from the format fails its check. Runtime-only
fields (``_state``, ``_pid``...) are not part of a file and are refused. The export checks itself
against ``Scenario`` before writing, and the tests do too. Both sample scenarios of that release
(public/scenarios/narvik40.json, falkland82.json) pass this check.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ScenarioTime = int | str  # epoch ms (base.ts), or a date string the loader reads with dayjs
Position = Annotated[list[float], Field(min_length=2, max_length=3)]  # [lon, lat] or [lon, lat, alt]
Sidc = Annotated[str, Field(pattern=r"^\d{20}(\d{10})?$")]  # a number SIDC: 2525D/APP-6D (20), 2525E (30)
SidValue = Literal["0", "1", "2", "3", "4", "5", "6", "7", "8"]  # symbology/values.ts standardIdentityValues
ReinforcedStatus = Literal["Reinforced", "Reduced", "ReinforcedReduced", "None"]
SymbologyStandard = Literal["2525d", "2525e", "app6d"]
ScenarioVersion = Literal[
    "3.4.0", "3.3.0", "3.2.0", "3.1.0", "3.0.0", "2.8.0", "2.7.0", "2.6.0", "2.5.0", "2.4.0", "2.3.0",
    "2.2.0", "2.1.0", "2.0.0", "1.1.0", "1.0.0",
]  # fmt: skip


class _Shape(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Media(_Shape):
    url: str
    caption: str | None = None
    credits: str | None = None
    creditsUrl: str | None = None


class Resource(_Shape):
    """UnitEquipment, UnitPersonnel and UnitSupply."""

    count: float
    name: str
    description: str | None = None
    onHand: float | None = None
    supplyClass: str | None = None
    uom: str | None = None


class State(_Shape):
    """A unit's state from time ``t`` on (with the ScenarioEventDescription fields it extends)."""

    id: str
    t: ScenarioTime
    location: Position | None = None
    sidc: Sidc | None = None
    symbolRotation: float | None = None
    via: list[Position] | None = None
    symbolOptions: dict[str, Any] | None = None
    textAmplifiers: dict[str, Any] | None = None
    interpolate: bool | None = None
    viaStartTime: ScenarioTime | None = None
    reinforcedStatus: ReinforcedStatus | None = None
    status: str | None = None
    update: dict[str, Any] | None = None
    diff: dict[str, Any] | None = None
    hierarchy: dict[str, Any] | None = None
    title: str | None = None
    subTitle: str | None = None
    description: str | None = None
    media: list[Media] | None = None
    externalUrl: str | None = None
    where: dict[str, Any] | None = None  # not in the State type, but in their own sample (falkland82.json)


class Unit(_Shape):
    id: str
    name: str
    sidc: Sidc
    shortName: str | None = None
    description: str | None = None
    externalUrl: str | None = None
    subUnits: list[Unit] | None = None
    location: Position | None = None
    state: list[State] | None = None
    symbolOptions: dict[str, Any] | None = None
    textAmplifiers: dict[str, Any] | None = None
    reinforcedStatus: ReinforcedStatus | None = None
    rangeRings: list[dict[str, Any]] | None = None
    equipment: list[Resource] | None = None
    personnel: list[Resource] | None = None
    supplies: list[Resource] | None = None
    media: list[Media] | None = None
    status: str | None = None
    template: str | None = None
    properties: dict[str, Any] | None = None
    locked: bool | None = None
    style: dict[str, Any] | None = None


class SideGroup(_Shape):
    id: str
    name: str
    description: str | None = None
    subUnits: list[Unit]
    symbolOptions: dict[str, Any] | None = None
    isHidden: bool | None = None
    locked: bool | None = None
    initiallyOpen: bool | None = None


class Side(_Shape):
    id: str
    name: str
    description: str | None = None
    standardIdentity: SidValue
    symbolOptions: dict[str, Any] | None = None
    isHidden: bool | None = None
    groups: list[SideGroup]
    locked: bool | None = None
    initiallyOpen: bool | None = None
    subUnits: list[Unit] | None = None


class ScenarioEvent(_Shape):
    title: str
    subTitle: str | None = None
    description: str | None = None
    media: list[Media] | None = None
    externalUrl: str | None = None
    startTime: ScenarioTime
    uiActions: list[dict[str, Any]] | None = None
    id: str | None = None
    where: dict[str, Any] | None = None


class StackLayer(_Shape):
    """ScenarioStackLayerBase with the overlay, reference and data variants' own fields."""

    id: str
    kind: Literal["overlay", "reference", "data"]
    name: str
    description: str | None = None
    attributions: str | None = None
    externalUrl: str | None = None
    visibleFromT: ScenarioTime | None = None
    visibleUntilT: ScenarioTime | None = None
    isHidden: bool | None = None
    opacity: float | None = None
    locked: bool | None = None
    items: list[dict[str, Any]] | None = None  # overlay
    source: dict[str, Any] | None = None  # reference, data
    style: dict[str, Any] | None = None  # data


class Metadata(_Shape):
    createdDate: str
    lastModifiedDate: str
    exportedFrom: str | None = None
    exportedDate: str | None = None


class Scenario(_Shape):
    type: Literal["ORBAT-mapper"]
    id: str
    version: ScenarioVersion
    name: str
    description: str | None = None
    startTime: ScenarioTime | None = None
    timeZone: str | None = None
    symbologyStandard: SymbologyStandard | None = None
    meta: Metadata | None = None
    sides: list[Side]
    events: list[ScenarioEvent]
    layerStack: list[StackLayer]
    equipment: list[dict[str, Any]] | None = None
    personnel: list[dict[str, Any]] | None = None
    supplyCategories: list[dict[str, Any]] | None = None
    unitTemplates: list[Unit] | None = None
    settings: dict[str, Any] | None = None
