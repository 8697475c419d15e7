package org.volltrack.btrackmate.tracker;

import java.util.Arrays;

import org.volltrack.btrackmate.util.IndexSort;

/**
 * Uniform 3D grid over a subset of spots for fixed-radius neighbour candidates.
 *
 * <p>With cell size equal to the search radius, every point within that radius of a query lies in the 27
 * cells around the query's cell. Cells are stored as a sorted array of cell keys, so memory is linear in
 * the number of points whatever the spatial extent.
 */
final class SpatialGrid {

    private final double cell;
    private final double minX;
    private final double minY;
    private final double minZ;
    private final long nx;
    private final long ny;
    private final long nz;
    private final long[] cellKeys;
    private final int[] cellStart;
    private final int[] members;
    /** Dense CSR offsets over every cell key when the grid is small enough, else null. */
    private final int[] denseStart;

    /**
     * @param spots the spot table
     * @param indices spot indices to index
     * @param count number of valid entries in {@code indices}
     * @param radius search radius (&gt; 0)
     */
    SpatialGrid(LapSpots spots, int[] indices, int count, double radius) {
        double mnx = Double.POSITIVE_INFINITY;
        double mny = Double.POSITIVE_INFINITY;
        double mnz = Double.POSITIVE_INFINITY;
        double mxx = Double.NEGATIVE_INFINITY;
        double mxy = Double.NEGATIVE_INFINITY;
        double mxz = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < count; k++) {
            int i = indices[k];
            mnx = Math.min(mnx, spots.x[i]);
            mny = Math.min(mny, spots.y[i]);
            mnz = Math.min(mnz, spots.z[i]);
            mxx = Math.max(mxx, spots.x[i]);
            mxy = Math.max(mxy, spots.y[i]);
            mxz = Math.max(mxz, spots.z[i]);
        }
        double extent = Math.max(mxx - mnx, Math.max(mxy - mny, mxz - mnz));
        // Slightly above the radius (rounding-safe); grown when extent / radius would overflow the key space.
        double c = Math.max(radius * (1 + 1e-9), count == 0 ? radius : extent / 1.0e6);
        this.cell = c;
        this.minX = mnx;
        this.minY = mny;
        this.minZ = mnz;
        this.nx = count == 0 ? 1 : (long) Math.floor((mxx - mnx) / c) + 1;
        this.ny = count == 0 ? 1 : (long) Math.floor((mxy - mny) / c) + 1;
        this.nz = count == 0 ? 1 : (long) Math.floor((mxz - mnz) / c) + 1;
        long[] keyOf = new long[count];
        for (int k = 0; k < count; k++) {
            int i = indices[k];
            keyOf[k] = key(cx(spots.x[i]), cy(spots.y[i]), cz(spots.z[i]));
        }
        int[] order = IndexSort.byKey(keyOf, count);
        members = new int[count];
        int nCells = 0;
        int[] firstOfCell = new int[count];
        for (int k = 0; k < count; k++) {
            members[k] = indices[order[k]];
            if (k == 0 || keyOf[order[k]] != keyOf[order[k - 1]]) {
                firstOfCell[nCells++] = k;
            }
        }
        cellKeys = new long[nCells];
        cellStart = new int[nCells + 1];
        for (int c2 = 0; c2 < nCells; c2++) {
            cellStart[c2] = firstOfCell[c2];
            cellKeys[c2] = keyOf[order[firstOfCell[c2]]];
        }
        cellStart[nCells] = count;
        long totalCells = nx * ny * nz;
        denseStart = totalCells <= 16L * count + 4096 ? denseOffsets((int) totalCells, keyOf, order) : null;
    }

    private static int[] denseOffsets(int totalCells, long[] keyOf, int[] order) {
        int[] start = new int[totalCells + 1];
        for (int k = 0; k < order.length; k++) {
            start[(int) keyOf[k] + 1]++;
        }
        for (int c = 0; c < totalCells; c++) {
            start[c + 1] += start[c];
        }
        return start;
    }

    /** @return index in {@link #members} of the first member whose cell key is &ge; key */
    private int lowerBound(long key) {
        if (denseStart != null) {
            return denseStart[(int) Math.min(key, denseStart.length - 1)];
        }
        int pos = Arrays.binarySearch(cellKeys, key);
        int cell = pos >= 0 ? pos : -pos - 1;
        return cellStart[cell];
    }

    private long cx(double v) {
        return (long) Math.floor((v - minX) / cell);
    }

    private long cy(double v) {
        return (long) Math.floor((v - minY) / cell);
    }

    private long cz(double v) {
        return (long) Math.floor((v - minZ) / cell);
    }

    private long key(long ix, long iy, long iz) {
        return (ix * ny + iy) * nz + iz;
    }

    /** Receives candidate spot indices. */
    interface Visitor {
        /** @param spot index of a spot in a neighbouring cell */
        void visit(int spot);
    }

    /**
     * Visits every indexed spot in the 27 cells around (x, y, z); a superset of those within the radius.
     *
     * @param x query X
     * @param y query Y
     * @param z query Z
     * @param visitor receives spot indices
     */
    void forNeighbours(double x, double y, double z, Visitor visitor) {
        if (cellKeys.length == 0) {
            return;
        }
        long ix = cx(x);
        long iy = cy(y);
        long iz = cz(z);
        long zLo = Math.max(0, iz - 1);
        long zHi = Math.min(nz - 1, iz + 1);
        if (zLo > zHi) {
            return;
        }
        for (long a = Math.max(0, ix - 1); a <= Math.min(nx - 1, ix + 1); a++) {
            for (long b = Math.max(0, iy - 1); b <= Math.min(ny - 1, iy + 1); b++) {
                int from = lowerBound(key(a, b, zLo));
                int to = lowerBound(key(a, b, zHi) + 1);
                for (int k = from; k < to; k++) {
                    visitor.visit(members[k]);
                }
            }
        }
    }
}
