"""``run.yaml``: every parameter of ``volltrack run``, typed and validated; unknown keys are refused.

``volltrack run --write-config run.yaml`` writes the defaults with a comment per parameter.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal, Optional

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from volltrack.io.atomic import atomic_write_text
from volltrack.io.yaml_files import read_yaml_mapping
from volltrack.segmentation.parameters import VollSegParameters
from volltrack.tracking.settings import TrackerSettings


#: A voxel size or time step: a finite number > 0.
Positive = Annotated[float, Field(gt=0, allow_inf_nan=False)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class ImageConfig(_Section):
    """Axes and calibration of the raw movie."""

    axes: Optional[str] = Field(None, description="axes of the raw movie, e.g. TZYX; null = read from the file")
    calibration: Optional[tuple[Positive, Positive, Positive]] = Field(
        None, description="voxel size (dz, dy, dx) in µm; null = read from the file (1, 1, 1 if absent)")
    frame_interval: Optional[Positive] = Field(None, description="time between frames; null = read from the file or 1")
    time_units: str = Field("frame", description="unit of frame_interval, e.g. sec, min, frame")


class SegmentationConfig(VollSegParameters):
    """VollSeg: optional N2V denoising, StarDist3D + U-Net, seed pooling, marker watershed."""

    model_config = ConfigDict(extra="forbid", frozen=False, validate_assignment=True)

    models: Optional[str] = Field(None, description="folder holding stardist/, unet/ (and n2v/); null = bundled "
                                                    "demo models")

    @model_validator(mode="before")
    @classmethod
    def _earlier_names(cls, data: Any) -> Any:
        """run.yaml files written before the section was VollSeg's own parameters name ``denoise_first``
        ``denoise``."""
        if isinstance(data, dict) and "denoise" in data and "denoise_first" not in data:
            data = {("denoise_first" if key == "denoise" else key): value for key, value in data.items()}
        return data

    def vollseg_options(self) -> dict[str, Any]:
        """The VollSeg keywords of this section (all but ``models``; unset ones, null, left out), as
        :func:`~volltrack.segmentation.batch.segment_paths` takes them."""
        options = self.model_dump(exclude={"models"}, exclude_none=True)
        for key in ("scale", "stardist_margin"):     # null means something here: the models' scale, no margin
            if key in self.model_fields_set and getattr(self, key) is None:
                options[key] = None
        return options


#: ``volltrack run``'s tracker settings when run.yaml has no ``tracking`` section (a section given replaces them
#: all: keys it leaves out take :class:`~volltrack.tracking.settings.TrackerSettings`' defaults, the engine's).
RUN_TRACKING = {"LINKING_MAX_DISTANCE": 8.0, "GAP_CLOSING_MAX_DISTANCE": 10.0, "MAX_FRAME_GAP": 2,
                "ALLOW_TRACK_SPLITTING": True, "SPLITTING_MAX_DISTANCE": 10.0, "TISSUE_FILTER": True,
                "MIN_TRACKLET_LENGTH": 2, "PRUNE_MODE": "BRANCH"}


class AnalysisConfig(_Section):
    """Track analysis: tracklets, distance to the tissue boundary, intensity and FFT, movie."""

    smoothing_window: int = Field(3, ge=1, description="frames in the rolling mean before the FFT")
    movie: bool = Field(True, description="write an MP4 following the longest dividing track (else the longest "
                                          "track) in a crop, with cell outlines, scale bar and time stamp")
    movie_projection: Literal["slice", "max"] = Field("slice", description="the movie shows the Z slice through "
                                                      "the tracked cells (slice) or the max projection over Z (max)")


class DemoConfig(_Section):
    """The synthetic movie of ``volltrack run --demo`` (ground truth included)."""

    frames: int = Field(20, ge=2, description="number of time points")
    shape: tuple[int, int, int] = Field((22, 256, 256), description="volume shape (Z, Y, X)")
    cells: int = Field(250, ge=1, description="cells at the first time point")
    seed: int = Field(0, description="random seed")


class RunConfig(_Section):
    """Every parameter of ``volltrack run``, in the order the data travels."""

    image: ImageConfig = Field(default_factory=ImageConfig)
    segmentation: SegmentationConfig = Field(default_factory=SegmentationConfig)
    tracking: TrackerSettings = Field(
        default_factory=lambda: TrackerSettings.from_mapping(RUN_TRACKING),
        description="BTrackmate settings (TrackMate keys + MIN_TRACKLET_LENGTH, PRUNE_MODE, TISSUE_FILTER, ...); "
                    "a key left out takes the engine's default")
    analysis: AnalysisConfig = Field(default_factory=AnalysisConfig)
    demo: DemoConfig = Field(default_factory=DemoConfig)

    @classmethod
    def from_yaml(cls, path: Path) -> "RunConfig":
        """Read and validate ``path``; errors name the file and the offending key."""
        path = Path(path)
        data = read_yaml_mapping(path, expected="a mapping of sections")
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            raise ValueError(f"{path}: {problems}") from None

    def to_yaml_with_comments(self) -> str:
        """Return this configuration as YAML with the description of each parameter as a comment."""
        lines = ["# volltrack run configuration (volltrack run --config run.yaml)"]
        for name, field in type(self).model_fields.items():
            value = getattr(self, name)
            lines.append("")
            if isinstance(value, BaseModel):
                lines.append(f"{name}:  # {type(value).__doc__.strip().splitlines()[0]}")
                for sub, subfield in type(value).model_fields.items():   # keys as run.yaml spells them
                    dumped = yaml.safe_dump(_plain(getattr(value, sub)), default_flow_style=True).strip()
                    dumped = dumped.removesuffix("\n...").removesuffix("...").strip()
                    lines.append(f"  {subfield.alias or sub}: {dumped}  # {subfield.description}")
            else:
                lines.append(f"# {field.description or name}")
                block = yaml.safe_dump({name: _plain(value)}, default_flow_style=False, sort_keys=False)
                lines.extend(block.rstrip().splitlines())
        return "\n".join(lines) + "\n"

    def write_yaml(self, path: Path) -> None:
        """Write the commented YAML to ``path`` atomically."""
        atomic_write_text(Path(path), self.to_yaml_with_comments())


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    return value
