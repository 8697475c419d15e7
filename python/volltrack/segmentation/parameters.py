"""The parameters of VollSeg, typed: what :func:`~volltrack.segmentation.vollseg` (or ``vollseg_in_blocks``)
accepts as keywords, checked once where a segmentation starts; an unknown key is refused, not ignored.

``volltrack segment``, ``volltrack run`` and the napari widget all hand their options to
:func:`~volltrack.segmentation.batch.segment_file` or ``vollseg``; :meth:`VollSegParameters.options` gives back
exactly the keys that were set, so the settings recorded with the outputs keep their form.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

__all__ = ["VollSegParameters", "vollseg_options"]

#: A threshold strictly between 0 and 1.
Fraction = Annotated[float, Field(gt=0, lt=1)]
#: Network tiles along one axis.
Tiles = Annotated[int, Field(ge=1)]


class VollSegParameters(BaseModel):
    """Keyword parameters of VollSeg, one field each, with VollSeg's defaults; unknown keys are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    n_tiles: Optional[tuple[Tiles, Tiles, Tiles]] = Field(None, description="network tiles (Z, Y, X); null = no "
                                                          "tiling")
    denoise_first: bool = Field(False, description="denoise with the N2V model first (needs the models' n2v/)")
    normalization: Optional[tuple[float, float]] = Field(
        None, description="intensities mapped to 0 and 1; null = the volume's 1st and 99.8th percentiles")
    prob_thresh: Optional[Fraction] = Field(None, description="StarDist probability threshold; null = the model's")
    nms_thresh: Optional[Fraction] = Field(None, description="StarDist NMS threshold; null = the model's")
    nms: Literal["fast", "exact"] = Field("fast", description="suppression of overlapping StarDist candidates: fast "
                                          "(overlaps estimated by quadrature) or exact (StarDist's own, slow)")
    stardist_labels: bool = Field(True, description="paint the kept StarDist polyhedra")
    use_probability: bool = Field(True, description="watershed on the StarDist probability (else the distance)")
    watershed_map: Optional[Literal["stardist", "unet", "membrane"]] = Field(
        None, description="what the seeds flood: the StarDist map (as published), the U-Net probability (a U-Net "
        "trained on cell interiors) or the membrane image; null = the models' (train thresholds), else stardist")
    unet_threshold: Optional[float] = Field(None, description="U-Net foreground threshold; null = the model's")
    min_size_mask: int = Field(10, description="smallest U-Net component kept, in voxels")
    min_size: int = Field(10, ge=0, description="smallest cell kept, in voxels")
    max_size: Optional[int] = Field(None, description="largest cell kept, in voxels; null = no limit")
    marker_radius: int = Field(2, description="radius of the painted seed markers, in voxels")
    unite_stardist: bool = Field(True, description="add StarDist cells the U-Net mask misses")
    fill_holes: bool = Field(True, description="fill holes in the labels")
    snap_seeds: bool = Field(True, description="move seeds to the probability maximum nearby")
    mask_growth: Optional[int] = Field(None, description="voxels the U-Net mask is grown by; null = the model's")
    scale: Optional[Union[Literal["auto"], tuple[float, float, float]]] = Field(
        "auto", description="resample the volume before the networks: 'auto' (the factors that bring its cells, as "
        "measured from the image, to the size the models learnt; none when within 20 %), three factors Z, Y, X in "
        "(0, 4], or null = the models' input_scale.json; labels come back on the volume's own grid")
    stardist_margin: Optional[Union[tuple[int, int, int], str]] = Field(
        (0, 1, 1), description="how far (Z, Y, X voxels on the networks' grid) a StarDist-seeded cell may grow past "
        "its polyhedron, or 'x1.3' / 'x1,1.3,1.3': within its polyhedron scaled about its centre by these factors "
        "(Z, Y, X, in [1, 4]); null = flood the whole U-Net mask (as published)")
    block_shape: Optional[tuple[int, int, int]] = Field(None, description="segment in blocks of this core size")
    halo: Optional[tuple[int, int, int]] = Field(None, description="context around each block (Z, Y, X)")

    @field_validator("scale", mode="before")
    @classmethod
    def _scale(cls, value: Any) -> Any:
        from volltrack.segmentation.input_scale import parse_scale

        return parse_scale(value, where="scale")

    @field_validator("stardist_margin", mode="before")
    @classmethod
    def _margin(cls, value: Any) -> Any:
        from volltrack.segmentation.pipeline import parse_margin

        parsed = parse_margin(value, where="stardist_margin")
        return value if isinstance(value, str) else parsed

    @model_validator(mode="after")
    def _halo_with_blocks(self) -> "VollSegParameters":
        if self.block_shape is not None and self.halo is None:
            raise ValueError("block_shape needs halo, the context around each block (Z, Y, X), e.g. [4, 64, 64]")
        return self

    def options(self) -> dict[str, Any]:
        """The keyword arguments that were set, as ``vollseg(image, models, **options)`` takes them."""
        return self.model_dump(exclude_unset=True)


def vollseg_options(options: dict[str, Any] | None, *, source: str = "VollSeg parameters") -> dict[str, Any]:
    """Check ``options`` against :class:`VollSegParameters`; return them (coerced, same keys) or raise ValueError.

    The message is one line naming ``source``, the key and what was expected.
    """
    try:
        return VollSegParameters.model_validate(dict(options or {})).options()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = "".join(f"{part}: " for part in first["loc"][:1])
        known = ", ".join(VollSegParameters.model_fields)
        hint = f" (known: {known})" if first["type"] == "extra_forbidden" else ""
        raise ValueError(f"{source}: {where}{first['msg']}{hint}") from None
