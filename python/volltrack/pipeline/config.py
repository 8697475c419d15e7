"""``run.yaml``: every parameter of ``volltrack run``, typed and validated; unknown keys are refused.

``volltrack run --write-config run.yaml`` writes the defaults with a comment per parameter.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal, Optional

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from volltrack.io.atomic import atomic_write_text


#: A voxel size or time step: a finite number > 0.
Positive = Annotated[float, Field(gt=0, allow_inf_nan=False)]
#: A StarDist threshold: strictly between 0 and 1.
Fraction = Annotated[float, Field(gt=0, lt=1)]
#: Network tiles along one axis.
Tiles = Annotated[int, Field(ge=1)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class ImageConfig(_Section):
    """Axes and calibration of the raw movie."""

    axes: Optional[str] = Field(None, description="axes of the raw movie, e.g. TZYX; null = read from the file")
    calibration: Optional[tuple[Positive, Positive, Positive]] = Field(
        None, description="voxel size (dz, dy, dx) in µm; null = read from the file (1, 1, 1 if absent)")
    frame_interval: Optional[Positive] = Field(None, description="time between frames; null = read from the file or 1")
    time_units: str = Field("frame", description="unit of frame_interval, e.g. sec, min, frame")


class SegmentationConfig(_Section):
    """VollSeg: optional N2V denoising, StarDist3D + U-Net, seed pooling, marker watershed."""

    models: Optional[str] = Field(None, description="folder holding stardist/, unet/ (and n2v/); null = bundled "
                                                    "demo models")
    denoise: bool = Field(False, description="denoise with the N2V model first (needs models/n2v)")
    use_probability: bool = Field(True, description="watershed on the StarDist probability map (else distance)")
    prob_thresh: Optional[Fraction] = Field(None, description="StarDist probability threshold; null = model's own")
    nms_thresh: Optional[Fraction] = Field(None, description="StarDist NMS threshold; null = model's own")
    nms: Literal["fast", "exact"] = Field("fast", description="suppression of overlapping StarDist candidates: fast "
                                          "(overlaps estimated by quadrature) or exact (StarDist's own, slow)")
    min_size: int = Field(10, ge=0, description="smallest cell kept, in voxels")
    n_tiles: Optional[tuple[Tiles, Tiles, Tiles]] = Field(None, description="network tiles (Z, Y, X); null = automatic")


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
    tracking: dict[str, Any] = Field(
        default_factory=lambda: {"LINKING_MAX_DISTANCE": 8.0, "GAP_CLOSING_MAX_DISTANCE": 10.0,
                                 "MAX_FRAME_GAP": 2, "ALLOW_TRACK_SPLITTING": True,
                                 "SPLITTING_MAX_DISTANCE": 10.0, "TISSUE_FILTER": True,
                                 "MIN_TRACKLET_LENGTH": 2, "PRUNE_MODE": "BRANCH"},
        description="BTrackmate settings (TrackMate keys + MIN_TRACKLET_LENGTH, PRUNE_MODE, TISSUE_FILTER, "
                    "TISSUE_MIN_FRACTION); keys not given take the engine's defaults")
    analysis: AnalysisConfig = Field(default_factory=AnalysisConfig)
    demo: DemoConfig = Field(default_factory=DemoConfig)

    @classmethod
    def from_yaml(cls, path: Path) -> "RunConfig":
        """Read and validate ``path``; errors name the file and the offending key."""
        path = Path(path)
        try:
            data = yaml.safe_load(path.read_text()) or {}
        except yaml.YAMLError as exc:
            raise ValueError(f"{path}: not valid YAML: {exc}") from None
        if not isinstance(data, dict):
            raise ValueError(f"{path}: expected a mapping of sections, got {type(data).__name__}")
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
                for sub, subfield in type(value).model_fields.items():
                    dumped = yaml.safe_dump(_plain(getattr(value, sub)), default_flow_style=True).strip()
                    dumped = dumped.removesuffix("\n...").removesuffix("...").strip()
                    lines.append(f"  {sub}: {dumped}  # {subfield.description}")
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
