"""Fast non-maximum suppression of StarDist 3D candidates (the default seed path of VollSeg).

StarDist keeps, in decreasing order of probability, every candidate polyhedron whose overlap with each kept one,
``intersection / min(volume_i, volume_j)``, is at most ``nms_thresh``; it decides each pair by exact polyhedron
intersection (convex hulls, kernels, rendering), which dominates VollSeg's run time. This module takes the same
greedy decisions with the same criterion, but estimates the overlap of an undecided pair by quadrature instead of
intersecting polyhedra exactly:

* Everything happens in a space stretched by the anisotropy the model's rays were made for (z voxels longer
  than x voxels), so that cells are round and spheres bound them tightly.
* Each candidate gets its exact volume (sum of the tetrahedra centre-vertex-vertex-vertex over the ray faces), an
  outer radius (longest ray) and an inner radius (nearest face plane: the ball of that radius lies inside the
  star-convex polyhedron).
* A pair whose outer spheres overlap too little is kept and a pair whose inner spheres overlap too much is
  suppressed, as in StarDist; the rest are decided by sampling the smaller polyhedron at fixed quadrature points
  (for every face, points on the line to the face centre at the radii that split its tetrahedron into shells of
  equal volume) and testing each point exactly against the other polyhedron's star-convex radial function: the
  face whose cone holds the point's direction is found from a cube-map table of directions, and the point is
  inside when its barycentric coordinates divided by the face's ray lengths sum to at most 1. One shell of
  points decides the pairs whose overlap is far from the threshold (most of them, with early exits); three
  shells decide the others. The faces are visited nearest the other candidate's direction first, so that a
  large overlap is known after fewer points (the same estimate, up to rounding, as in any order).
* :func:`paint` renders the kept polyhedra with the same exact interior test (the StarDist output and the
  centroids VollSeg seeds from).
* Each candidate is compared only with the kept candidates near it (a bucket table of the kept ones), nearest
  first, and is suppressed at the first that overlaps it too much.

The loop is compiled with numba (cached on disk after the first run).
"""

from __future__ import annotations

import numpy as np

try:
    import numba
except ImportError:  # pragma: no cover - numba comes with stardist
    numba = None

#: Radial shells per face in the fine quadrature of a polyhedron (3 x n_faces points).
SHELLS = 3

#: A pair whose overlap estimated from one shell (n_faces points) is this far from the threshold is decided
#: without the fine quadrature.
COARSE_MARGIN = 0.15

#: Cube-map cells per side edge of the direction table that finds the face holding a direction.
CUBE_CELLS = 12


def _jit(function):
    if numba is None:  # pragma: no cover
        return function
    return numba.njit(cache=True, nogil=True)(function)


def ray_geometry(vertices, faces, anisotropy=None):
    """Scale and face tables of a StarDist ray set, for :func:`suppress`.

    Parameters
    ----------
    vertices : ndarray of shape (n_rays, 3)
        Ray vectors (z, y, x) in voxels per unit distance (StarDist's ``rays.vertices``).
    faces : ndarray of int, shape (n_faces, 3)
        Triangles of ray indices (``rays.faces``).
    anisotropy : tuple of 3 float, optional
        Size of a voxel along z, y, x relative to each other (the anisotropy the model's rays were made for);
        coordinates are stretched by it so that cells are round. Default (1, 1, 1).

    Returns
    -------
    dict
        ``scale`` (3,) stretching voxel coordinates by the anisotropy, ``verts`` (scaled rays), ``faces``
        (int64), ``inverse`` (n_faces, 3, 3) mapping a direction to its coordinates in the face's three rays,
        ``face_volume`` (n_faces,) ``|det|/6`` of the face's rays, ``cube_faces`` (6 n^2, k): for each cell of
        a cube map of directions, the faces whose cones meet it (-1 padded), ``face_order`` (6 n^2, n_faces):
        for each cell of the same cube map, every face, nearest the cell's direction first.
    """
    vertices = np.asarray(vertices, np.float64).reshape(-1, 3)
    faces = np.asarray(faces, np.int64).reshape(-1, 3)
    if len(vertices) < 4 or len(faces) < 4 or faces.min() < 0 or faces.max() >= len(vertices):
        raise ValueError(f"ray set needs >= 4 rays and faces indexing them; got {len(vertices)} rays, "
                         f"{len(faces)} faces")
    anisotropy = np.ones(3) if anisotropy is None else np.asarray(anisotropy, np.float64).reshape(3)
    if not np.all(np.isfinite(anisotropy)) or anisotropy.min() <= 0:
        raise ValueError(f"anisotropy must be 3 positive numbers; got {anisotropy!r}")
    scale = anisotropy / anisotropy.min()
    verts = vertices * scale
    corners = verts[faces]                                   # (n_faces, 3 rays, 3 coordinates)
    matrices = np.transpose(corners, (0, 2, 1))              # columns are the face's rays
    face_volume = np.abs(np.linalg.det(matrices)) / 6.0
    inverse = np.linalg.inv(matrices)
    return {"scale": scale, "verts": verts, "faces": faces, "inverse": inverse, "face_volume": face_volume,
            "cube_faces": _cube_face_table(inverse), "face_order": _face_order_table(verts, faces)}


def _cube_directions(n, sub):
    """Directions sampling each cell of a cube map (6 sides x n x n cells, ``sub`` x ``sub`` points per cell)."""
    offsets = (np.arange(n * sub) + 0.5) / (n * sub) * 2 - 1           # in (-1, 1)
    a, b = np.meshgrid(offsets, offsets, indexing="ij")
    cell = (np.arange(n * sub) // sub)
    ca, cb = np.meshgrid(cell, cell, indexing="ij")
    directions, cells = [], []
    for side in range(6):
        axis, sign = side // 2, 1.0 if side % 2 == 0 else -1.0
        d = np.zeros(a.shape + (3,))
        d[..., axis] = sign
        others = [k for k in range(3) if k != axis]
        d[..., others[0]], d[..., others[1]] = a, b
        directions.append(d.reshape(-1, 3))
        cells.append((side * n * n + ca * n + cb).reshape(-1))
    return np.concatenate(directions), np.concatenate(cells)


def _cube_face_table(inverse, n=CUBE_CELLS, sub=6):
    """For each cube-map cell of directions, the faces whose cones its sample directions fall in (-1 padded)."""
    directions, cells = _cube_directions(n, sub)
    weights = np.einsum("fij,dj->dfi", inverse, directions)             # (n_directions, n_faces, 3)
    inside = np.all(weights >= -1e-6, axis=2)
    table = [set() for _ in range(6 * n * n)]
    for d, f in zip(*np.nonzero(inside)):
        table[cells[d]].add(int(f))
    width = max(1, max(len(t) for t in table))
    out = np.full((6 * n * n, width), -1, np.int64)
    for cell, listed in enumerate(table):
        out[cell, :len(listed)] = sorted(listed)
    return out


def _face_order_table(verts, faces, n=CUBE_CELLS):
    """For each cube-map cell of directions (:func:`_direction_cell`), all faces sorted by decreasing cosine between
    the cell's central direction and the face's centre direction (ties by face index)."""
    directions, cells = _cube_directions(n, 1)
    directions = directions / np.linalg.norm(directions, axis=1, keepdims=True)
    centres = verts[faces].mean(axis=1)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    table = np.empty((6 * n * n, len(faces)), np.int64)
    table[cells] = np.argsort(-(directions @ centres.T), axis=1, kind="stable")
    return table


@_jit
def _direction_cell(ux, uy, uz, n_cells):
    """Cell of the direction (ux, uy, uz) in a cube map of ``n_cells`` = 6 n^2 cells (0 for the null vector);
    the map of :func:`_cube_directions`."""
    n = int(np.sqrt(n_cells // 6) + 0.5)
    az, ay, ax = abs(ux), abs(uy), abs(uz)
    if az >= ay and az >= ax:
        side, a, b, m = (0 if ux > 0 else 1), uy, uz, az
    elif ay >= ax:
        side, a, b, m = (2 if uy > 0 else 3), ux, uz, ay
    else:
        side, a, b, m = (4 if uz > 0 else 5), ux, uy, ax
    if m <= 0:
        return 0
    ia = min(int((a / m + 1) * 0.5 * n), n - 1)
    ib = min(int((b / m + 1) * 0.5 * n), n - 1)
    return side * n * n + ia * n + ib


@_jit
def _shape_tables(dist, verts, faces, face_volume):
    """Volume, outer and inner radius of every candidate (scaled space)."""
    n, n_faces = dist.shape[0], faces.shape[0]
    lengths = np.sqrt((verts * verts).sum(axis=1))
    volume = np.zeros(n)
    outer = np.zeros(n)
    inner = np.full(n, np.inf)
    for i in range(n):
        for k in range(dist.shape[1]):
            if dist[i, k] * lengths[k] > outer[i]:
                outer[i] = dist[i, k] * lengths[k]
        for f in range(n_faces):
            a, b, c = faces[f, 0], faces[f, 1], faces[f, 2]
            da, db, dc = dist[i, a], dist[i, b], dist[i, c]
            volume[i] += da * db * dc * face_volume[f]
            # distance from the centre to the plane through the three vertices
            ax, ay, az = da * verts[a, 0], da * verts[a, 1], da * verts[a, 2]
            ux, uy, uz = db * verts[b, 0] - ax, db * verts[b, 1] - ay, db * verts[b, 2] - az
            vx, vy, vz = dc * verts[c, 0] - ax, dc * verts[c, 1] - ay, dc * verts[c, 2] - az
            nx, ny, nz = uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx
            norm = np.sqrt(nx * nx + ny * ny + nz * nz)
            plane = abs(nx * ax + ny * ay + nz * az) / norm if norm > 0 else 0.0
            if plane < inner[i]:
                inner[i] = plane
        if not np.isfinite(inner[i]):
            inner[i] = 0.0
    return volume, outer, inner


@_jit
def _sphere_overlap(r1, r2, d):
    """Volume of the intersection of two balls of radii r1, r2 whose centres are d apart."""
    if d >= r1 + r2:
        return 0.0
    small = min(r1, r2)
    if d <= abs(r1 - r2):
        return 4.0 / 3.0 * np.pi * small ** 3
    return np.pi * (r1 + r2 - d) ** 2 * (d * d + 2 * d * r2 - 3 * r2 * r2 + 2 * d * r1 + 6 * r1 * r2
                                         - 3 * r1 * r1) / (12.0 * d)


@_jit
def _inside(px, py, pz, o, centres, dist, faces, inverse, cube_faces, inner, outer):
    """Whether the point (scaled space) lies inside candidate ``o``'s star-convex polyhedron."""
    ux, uy, uz = px - centres[o, 0], py - centres[o, 1], pz - centres[o, 2]
    r2 = ux * ux + uy * uy + uz * uz
    if r2 <= inner[o] * inner[o]:
        return True
    if r2 >= outer[o] * outer[o]:
        return False
    cell = _direction_cell(ux, uy, uz, cube_faces.shape[0])
    for attempt in range(2):
        count = cube_faces.shape[1] if attempt == 0 else faces.shape[0]
        for k in range(count):
            f = cube_faces[cell, k] if attempt == 0 else k
            if f < 0:
                break
            w0 = inverse[f, 0, 0] * ux + inverse[f, 0, 1] * uy + inverse[f, 0, 2] * uz
            w1 = inverse[f, 1, 0] * ux + inverse[f, 1, 1] * uy + inverse[f, 1, 2] * uz
            w2 = inverse[f, 2, 0] * ux + inverse[f, 2, 1] * uy + inverse[f, 2, 2] * uz
            tolerance = -1e-9 * (abs(w0) + abs(w1) + abs(w2))
            if w0 >= tolerance and w1 >= tolerance and w2 >= tolerance:
                d0, d1, d2 = dist[o, faces[f, 0]], dist[o, faces[f, 1]], dist[o, faces[f, 2]]
                if d0 <= 0 or d1 <= 0 or d2 <= 0:
                    return False
                return w0 / d0 + w1 / d1 + w2 / d2 <= 1.0
    return False


@_jit
def _inside_fraction(s, o, low, high, shells, centres, dist, verts, faces, inverse, cube_faces, face_volume,
                     volume, inner, outer, face_order):
    """Quadrature estimate of the fraction of candidate ``s``'s volume inside candidate ``o``.

    Stops early, returning the running bound, once the fraction is known to exceed ``high`` or to stay below
    ``low``. The faces of ``s`` are visited in the order ``face_order`` gives for the direction from ``s`` to
    ``o`` (:func:`_face_order_table`).
    """
    total = volume[s]
    if total <= 0:
        return 0.0
    remaining = total
    inside = 0.0
    # faces facing ``o`` first: an overlap too large (the usual case) is then known after fewer points; the sum
    # does not depend on the order (up to rounding)
    cell = _direction_cell(centres[o, 0] - centres[s, 0], centres[o, 1] - centres[s, 1],
                           centres[o, 2] - centres[s, 2], face_order.shape[0])
    for q in range(faces.shape[0]):
        f = face_order[cell, q]
        a, b, c = faces[f, 0], faces[f, 1], faces[f, 2]
        da, db, dc = dist[s, a], dist[s, b], dist[s, c]
        weight = da * db * dc * face_volume[f] / shells
        mx = (da * verts[a, 0] + db * verts[b, 0] + dc * verts[c, 0]) / 3.0
        my = (da * verts[a, 1] + db * verts[b, 1] + dc * verts[c, 1]) / 3.0
        mz = (da * verts[a, 2] + db * verts[b, 2] + dc * verts[c, 2]) / 3.0
        for k in range(shells):
            radius = ((k + 0.5) / shells) ** (1.0 / 3.0)
            if _inside(centres[s, 0] + radius * mx, centres[s, 1] + radius * my, centres[s, 2] + radius * mz, o,
                       centres, dist, faces, inverse, cube_faces, inner, outer):
                inside += weight
                if inside > high * total:
                    return inside / total
            remaining -= weight
            if inside + remaining < low * total:
                return (inside + remaining) / total
    return inside / total


@_jit
def _overlap_exceeds(s, o, thresh, shells, margin, centres, dist, verts, faces, inverse, cube_faces, face_volume,
                     volume, inner, outer, face_order):
    """Whether more than ``thresh`` of candidate ``s``'s volume lies inside candidate ``o``.

    One shell of quadrature points first; the fine quadrature only when that estimate is within ``margin`` of
    the threshold.
    """
    coarse = _inside_fraction(s, o, thresh - margin, thresh + margin, 1, centres, dist, verts, faces, inverse,
                              cube_faces, face_volume, volume, inner, outer, face_order)
    if coarse > thresh + margin:
        return True
    if coarse < thresh - margin:
        return False
    fine = _inside_fraction(s, o, thresh, thresh, shells, centres, dist, verts, faces, inverse, cube_faces,
                            face_volume, volume, inner, outer, face_order)
    return fine > thresh


#: Largest number of buckets per axis in the table of kept candidates (:func:`_greedy`).
MAX_BUCKETS = 256


@_jit
def _bucket(point, origin, edge, n_buckets):
    """Index (flattened) of the bucket holding ``point`` in the table of kept candidates."""
    index = 0
    for axis in range(3):
        k = min(max(int((point[axis] - origin[axis]) / edge[axis]), 0), n_buckets[axis] - 1)
        index = index * n_buckets[axis] + k
    return index


@_jit
def _greedy(centres, dist, verts, faces, inverse, cube_faces, face_volume, volume, inner, outer, thresh, shells,
            margin, face_order):
    """Greedy suppression in candidate order (decreasing probability); returns the kept mask.

    Each candidate in turn is compared with the candidates already kept near it (a bucket table whose buckets
    are at least the largest pair reach wide, so that the 27 buckets around a candidate hold every kept one
    that can overlap it): first by the sphere bounds, then by quadrature, nearest first, stopping at the first
    kept candidate that overlaps it too much. Same decisions as comparing each kept candidate with every later
    one (a candidate is suppressed when any better kept candidate overlaps it by more than ``thresh``), with
    far fewer quadratures: most suppressed candidates are decided by their nearest kept neighbour.
    """
    n = centres.shape[0]
    kept = np.zeros(n, np.bool_)
    origin = np.empty(3)
    edge = np.empty(3)
    n_buckets = np.empty(3, np.int64)
    max_outer = 0.0
    for i in range(n):
        max_outer = max(max_outer, outer[i])
    for axis in range(3):
        low, high = centres[:, axis].min(), centres[:, axis].max()
        origin[axis] = low
        edge[axis] = max(2.0 * max_outer, (high - low) / MAX_BUCKETS, 1e-9)
        n_buckets[axis] = int((high - low) / edge[axis]) + 1
    head = np.full(n_buckets[0] * n_buckets[1] * n_buckets[2], -1, np.int64)
    following = np.full(n, -1, np.int64)
    near = np.empty(n, np.int64)
    near_distance = np.empty(n)
    bucket = np.empty(3, np.int64)
    for j in range(n):
        count = 0
        suppressed = False
        for axis in range(3):
            bucket[axis] = min(max(int((centres[j, axis] - origin[axis]) / edge[axis]), 0), n_buckets[axis] - 1)
        for bz in range(max(bucket[0] - 1, 0), min(bucket[0] + 2, n_buckets[0])):
            for by in range(max(bucket[1] - 1, 0), min(bucket[1] + 2, n_buckets[1])):
                for bx in range(max(bucket[2] - 1, 0), min(bucket[2] + 2, n_buckets[2])):
                    i = head[(bz * n_buckets[1] + by) * n_buckets[2] + bx]
                    while i >= 0 and not suppressed:
                        dz = centres[i, 0] - centres[j, 0]
                        dy = centres[i, 1] - centres[j, 1]
                        dx = centres[i, 2] - centres[j, 2]
                        d = np.sqrt(dz * dz + dy * dy + dx * dx)
                        smaller = min(volume[i], volume[j])
                        limit = thresh * smaller
                        if (d < outer[i] + outer[j] and smaller > 0
                                and _sphere_overlap(outer[i], outer[j], d) > limit):
                            if _sphere_overlap(inner[i], inner[j], d) > limit:
                                suppressed = True
                            else:
                                near[count] = i
                                near_distance[count] = d
                                count += 1
                        i = following[i]
        if not suppressed and count > 0:
            for k in np.argsort(near_distance[:count]):
                i = near[k]
                s, o = (i, j) if volume[i] <= volume[j] else (j, i)
                if _overlap_exceeds(s, o, thresh, shells, margin, centres, dist, verts, faces, inverse, cube_faces,
                                    face_volume, volume, inner, outer, face_order):
                    suppressed = True
                    break
        if not suppressed:
            kept[j] = True
            b = _bucket(centres[j], origin, edge, n_buckets)
            following[j] = head[b]
            head[b] = j
    return kept


def suppress(cells, dist, geometry, *, grid, nms_thresh, shells=SHELLS, margin=COARSE_MARGIN):
    """Greedy non-maximum suppression of StarDist candidates sorted by decreasing probability.

    Parameters
    ----------
    cells : ndarray of int, shape (n, 3)
        Grid positions (on the network's output grid) of the candidates, best first; at most one per cell.
    dist : ndarray of float, shape (n, n_rays)
        Their ray lengths (voxels along StarDist's ray vectors).
    geometry : dict
        :func:`ray_geometry` of the model's rays.
    grid : tuple of 3 int
        Voxels per grid step (StarDist's ``config.grid``).
    nms_thresh : float
        Largest overlap (intersection over the smaller volume) two kept candidates may have.
    shells : int, optional
        Quadrature shells per face of the fine estimate. Default :data:`SHELLS`.
    margin : float, optional
        Distance from ``nms_thresh`` beyond which the coarse estimate decides. Default :data:`COARSE_MARGIN`.

    Returns
    -------
    ndarray of bool, shape (n,)
        True for the kept candidates.
    """
    cells = np.asarray(cells, np.int64).reshape(-1, 3)
    if len(cells) == 0:
        return np.zeros(0, bool)
    dist = np.ascontiguousarray(dist, np.float64).reshape(len(cells), -1)
    if dist.shape[1] != len(geometry["verts"]):
        raise ValueError(f"distances have {dist.shape[1]} rays, the ray set {len(geometry['verts'])}")
    reach = np.asarray(grid, np.float64) * geometry["scale"]       # scaled length of one grid step per axis
    centres = cells * reach
    dist = np.maximum(dist, 0.0)
    volume, outer, inner = _shape_tables(dist, geometry["verts"], geometry["faces"], geometry["face_volume"])
    return _greedy(centres, dist, geometry["verts"], geometry["faces"], geometry["inverse"], geometry["cube_faces"],
                   geometry["face_volume"], volume, inner, outer, float(nms_thresh), int(shells), float(margin),
                   geometry["face_order"])


@_jit
def _paint(labels, order, centres, dist, faces, inverse, cube_faces, inner, outer, scale):
    """Paint candidates ``order`` (in painting order; later ones overwrite) as labels 1, 2, ... of ``order``."""
    shape = labels.shape
    for rank in range(order.shape[0]):
        o = order[rank]
        lo = np.empty(3, np.int64)
        hi = np.empty(3, np.int64)
        for axis in range(3):
            centre = centres[o, axis] / scale[axis]
            reach = outer[o] / scale[axis]
            lo[axis] = max(int(np.ceil(centre - reach)), 0)
            hi[axis] = min(int(np.floor(centre + reach)) + 1, shape[axis])
        for z in range(lo[0], hi[0]):
            for y in range(lo[1], hi[1]):
                for x in range(lo[2], hi[2]):
                    if _inside(z * scale[0], y * scale[1], x * scale[2], o, centres, dist, faces, inverse,
                               cube_faces, inner, outer):
                        labels[z, y, x] = rank + 1


def paint(points, dist, geometry, shape):
    """Label volume of star-convex polyhedra, the first (best) one on top where they overlap.

    Voxel centres are tested exactly against each polyhedron (the face whose cone holds the voxel's direction
    from the centre, then the voxel's barycentric coordinates over that face's ray lengths), as StarDist's own
    rendering does; objects hidden entirely by better ones leave no label, and labels are made sequential.

    Parameters
    ----------
    points : ndarray of float, shape (n, 3)
        Centres (voxels), best first.
    dist : ndarray of float, shape (n, n_rays)
        Ray lengths.
    geometry : dict
        :func:`ray_geometry` of the rays.
    shape : tuple of 3 int
        Volume shape.

    Returns
    -------
    ndarray of int32
    """
    labels = np.zeros(tuple(int(s) for s in shape), np.int32)
    points = np.asarray(points, np.float64).reshape(-1, 3)
    if len(points) == 0:
        return labels
    dist = np.maximum(np.ascontiguousarray(dist, np.float64).reshape(len(points), -1), 0.0)
    centres = points * geometry["scale"]
    _, outer, inner = _shape_tables(dist, geometry["verts"], geometry["faces"], geometry["face_volume"])
    order = np.arange(len(points))[::-1].copy()          # worst first, so the best is painted last (on top)
    _paint(labels, order, centres, dist, geometry["faces"], geometry["inverse"], geometry["cube_faces"], inner,
           outer, geometry["scale"].astype(np.float64))
    present = np.zeros(len(points) + 1, bool)
    present[labels.ravel()] = True
    present[0] = False
    lookup = np.zeros(len(points) + 1, np.int32)
    lookup[present] = np.arange(1, int(present.sum()) + 1, dtype=np.int32)
    return lookup[labels]
