"""The simulated cell population: seed points that move, divide and wrap around a periodic domain.

Each cell is a seed point (its centre, in µm) with an additive weight (the radius of the ball painted for it, so
that bigger weights give bigger cells) and a brightness. Cells have unique ids; a cell that divides is replaced by
two daughters with new ids, and a cell that wraps around the periodic domain gets a new id (it re-enters as a
new cell).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class CellPopulation:
    """Positions and attributes of all seeds, in a periodic box ``[lower, upper)`` (µm, z-y-x order)."""

    positions: np.ndarray
    velocities: np.ndarray
    weights: np.ndarray
    brightness: np.ndarray
    ids: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    spacing: float
    next_id: int = 1
    #: daughter id -> parent id, for divisions of the last step only.
    new_daughters: dict = field(default_factory=dict)

    @classmethod
    def seeded(cls, *, lower, upper, spacing, rng, weight_fraction=0.22, brightness_sigma=0.35):
        """Fill the box with a jittered cubic lattice of seeds.

        Parameters
        ----------
        lower, upper : array-like of 3 float
            Corners of the periodic box in µm (z, y, x).
        spacing : float
            Mean distance between neighbouring seeds in µm (about one cell diameter).
        rng : numpy.random.Generator
            Source of randomness.
        weight_fraction : float, optional
            Largest additive weight as a fraction of ``spacing``. Default 0.22.
        brightness_sigma : float, optional
            Sigma of the log-normal per-cell brightness. Default 0.35.
        """
        lower, upper = np.asarray(lower, float), np.asarray(upper, float)
        axes = [np.arange(lo + spacing / 2, hi, spacing) for lo, hi in zip(lower, upper)]
        lattice = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, 3)
        positions = lattice + rng.uniform(-0.3, 0.3, lattice.shape) * spacing
        n = len(positions)
        return cls(
            positions=positions,
            velocities=np.zeros((n, 3)),
            weights=rng.uniform(0.0, weight_fraction, n) * spacing,
            brightness=rng.lognormal(0.0, brightness_sigma, n),
            ids=np.arange(1, n + 1),
            lower=lower,
            upper=upper,
            spacing=float(spacing),
            next_id=n + 1,
        )

    def _new_ids(self, count):
        ids = np.arange(self.next_id, self.next_id + count)
        self.next_id += count
        return ids

    def move(self, *, rng, flow_um, speed_um, persistence):
        """Advance one frame: persistent random walk plus a common flow; wrapped seeds get new ids."""
        noise = rng.standard_normal(self.velocities.shape) * speed_um
        self.velocities = persistence * self.velocities + np.sqrt(1.0 - persistence**2) * noise
        self.positions = self.positions + self.velocities + np.asarray(flow_um, float)
        size = self.upper - self.lower
        wrapped = np.any((self.positions < self.lower) | (self.positions >= self.upper), axis=1)
        self.positions = self.lower + np.mod(self.positions - self.lower, size)
        if wrapped.any():
            self.ids[wrapped] = self._new_ids(int(wrapped.sum()))

    def divide(self, candidates, *, rng, probability):
        """Divide each candidate cell with the given probability; record daughters in ``new_daughters``.

        Parameters
        ----------
        candidates : ndarray of bool, shape (n_cells,)
            Cells allowed to divide (those present in the tissue in the previous frame).
        rng : numpy.random.Generator
            Source of randomness.
        probability : float
            Division probability per cell and frame.
        """
        self.new_daughters = {}
        dividing = candidates & (rng.random(len(self.ids)) < probability)
        if not dividing.any():
            return
        index = np.flatnonzero(dividing)
        direction = rng.standard_normal((len(index), 3))
        direction /= np.linalg.norm(direction, axis=1, keepdims=True)
        offset = direction * self.spacing * 0.22
        daughters_a, daughters_b = self._new_ids(len(index)), self._new_ids(len(index))
        for parent, a, b in zip(self.ids[index], daughters_a, daughters_b):
            self.new_daughters[int(a)] = int(parent)
            self.new_daughters[int(b)] = int(parent)
        keep = ~dividing
        self.positions = np.concatenate([self.positions[keep], self.positions[index] + offset,
                                         self.positions[index] - offset])
        self.velocities = np.concatenate([self.velocities[keep], self.velocities[index], self.velocities[index]])
        half = self.weights[index] * 0.7
        self.weights = np.concatenate([self.weights[keep], half, half])
        self.brightness = np.concatenate([self.brightness[keep], self.brightness[index], self.brightness[index]])
        self.ids = np.concatenate([self.ids[keep], daughters_a, daughters_b])
