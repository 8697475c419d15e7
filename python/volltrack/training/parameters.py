"""Network training parameters with the paper's defaults (Kapoor & Carabaña 2021, "Network Training").

One typed, validated settings object is shared by the StarDist, U-Net and N2V trainers, so that every
command-line option and every Python keyword has one documented default.
"""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator

#: The paper's notebook values (NetworkDepth, startfilter, Kernel, Rays, LearningRate, batch_size, Epochs, Patch).
PAPER_DEFAULTS = {
    "depth": 3,
    "start_filters": 48,
    "kernel_size": 3,
    "n_rays": 192,
    "learning_rate": 1e-4,
    "batch_size": 5,
    "epochs": 100,
    "patch_shape": (16, 128, 128),
}


class TrainingParameters(BaseModel):
    """Hyper-parameters of one network training run.

    Every field defaults to the value used in the paper; fields the paper does not fix follow the
    StarDist/CSBDeep defaults. Unknown keys are rejected.

    Examples
    --------
    >>> params = TrainingParameters(epochs=2, n_rays=32)
    >>> params.depth, params.start_filters, params.epochs
    (3, 48, 2)
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    depth: int = Field(PAPER_DEFAULTS["depth"], ge=1, le=6,
                       description="U-Net depth; each level halves the patch, so patch / 2**depth must be >= 1")
    start_filters: int = Field(PAPER_DEFAULTS["start_filters"], ge=1,
                               description="number of filters of the first U-Net level (doubles per level)")
    kernel_size: int = Field(PAPER_DEFAULTS["kernel_size"], ge=1, description="convolution kernel size (3, 5 or 7)")
    n_rays: int = Field(PAPER_DEFAULTS["n_rays"], ge=6, description="StarDist rays (golden spiral)")
    learning_rate: float = Field(PAPER_DEFAULTS["learning_rate"], gt=0, le=1e-2,
                                 description="Adam learning rate at the start of training")
    batch_size: int = Field(PAPER_DEFAULTS["batch_size"], ge=1, description="patches per gradient step")
    epochs: int = Field(PAPER_DEFAULTS["epochs"], ge=1, description="training epochs")
    steps_per_epoch: Optional[int] = Field(
        None, ge=1, description="gradient steps per epoch; None = one pass over the training patches")
    patch_shape: tuple[int, int, int] = Field(PAPER_DEFAULTS["patch_shape"],
                                              description="training patch (Z, Y, X) in pixels")
    grid: tuple[int, int, int] = Field((1, 1, 1), description="StarDist output subsampling (Z, Y, X)")
    anisotropy: Optional[tuple[float, float, float]] = Field(
        None, description="StarDist ray anisotropy (Z, Y, X); None = estimated from the label extents")
    backbone: Literal["unet", "resnet"] = Field("unet", description="StarDist backbone")
    train_loss: Literal["mse", "mae"] = Field("mse", description="U-Net / N2V loss (the paper used mse)")
    dist_loss: Literal["mse", "mae"] = Field("mse", description="StarDist distance loss (the paper used mse)")
    seed: int = Field(0, description="random seed for sampling and weight initialisation")
    tensorboard: bool = Field(False, description="write TensorBoard logs into <model>/logs")

    @field_validator("patch_shape", "grid")
    @classmethod
    def _positive(cls, value: tuple[int, int, int]) -> tuple[int, int, int]:
        if any(v < 1 for v in value):
            raise ValueError(f"every entry must be >= 1, got {value}")
        return value

    def check_patch_divisible(self, *, grid: tuple[int, int, int] = (1, 1, 1)) -> None:
        """Raise ValueError unless the patch is divisible by ``grid * 2**depth`` along every axis.

        Parameters
        ----------
        grid : tuple of int, default (1, 1, 1)
            Extra subsampling factor of the network (StarDist's grid).
        """
        for axis, size, factor in zip("ZYX", self.patch_shape, grid):
            div = factor * 2 ** self.depth
            if size % div:
                raise ValueError(f"patch_shape {self.patch_shape}: size {size} along {axis} is not divisible "
                                 f"by {div} (= grid {factor} * 2**depth {self.depth}); change --patch or --depth")

    def steps_for(self, n_patches: int) -> int:
        """Return the steps per epoch: the configured value or one pass over ``n_patches`` patches."""
        if self.steps_per_epoch is not None:
            return self.steps_per_epoch
        return max(1, -(-n_patches // self.batch_size))
