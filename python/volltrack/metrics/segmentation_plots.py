"""The paper's segmentation comparison plots: accuracy, F1 and true-positive rate against IoU; MSE and SSIM."""

from __future__ import annotations

from pathlib import Path

#: Plot file name -> (matching column, axis label).
CURVES = {"accuracy.png": ("accuracy", "accuracy"), "f1.png": ("f1", "F1 score"),
          "true_positive_rate.png": ("recall", "true positive rate")}


def _save(figure, path):
    from volltrack.io import atomic_path

    with atomic_path(path) as temporary:
        figure.savefig(temporary, dpi=120, format="png")


def plot_comparison(matching, masks, folder):
    """Write accuracy.png, f1.png, true_positive_rate.png (against IoU) and mask_errors.png into ``folder``.

    Parameters
    ----------
    matching : pandas.DataFrame
        From :func:`~volltrack.metrics.segmentation.compare_methods`.
    masks : pandas.DataFrame
        Columns method, mse, ssim.
    folder : str or os.PathLike
        Output folder (must exist).

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder, written = Path(folder), []
    for name, (column, label) in CURVES.items():
        figure, axes = plt.subplots(figsize=(5, 4))
        for method, rows in matching.groupby("method", sort=False):
            axes.plot(rows["threshold"], rows[column], marker="o", label=method)
        axes.set(xlabel="IoU threshold", ylabel=label, ylim=(0, 1.02))
        axes.legend()
        figure.tight_layout()
        _save(figure, folder / name)
        plt.close(figure)
        written.append(folder / name)
    figure, (left, right) = plt.subplots(1, 2, figsize=(8, 4))
    left.bar(masks["method"], masks["mse"], color="tab:red")
    left.set(ylabel="mean squared error (binary masks)")
    right.bar(masks["method"], masks["ssim"], color="tab:blue")
    right.set(ylabel="structural similarity (binary masks)", ylim=(0, 1))
    figure.tight_layout()
    _save(figure, folder / "mask_errors.png")
    plt.close(figure)
    return written + [folder / "mask_errors.png"]
