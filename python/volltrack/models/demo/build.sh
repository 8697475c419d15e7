#!/usr/bin/env bash
# Rebuild the bundled demo models exactly as committed (see README.md). Usage, from the repository root:
#   bash python/volltrack/models/demo/build.sh WORK_FOLDER
# WORK_FOLDER receives the simulated training data, the patch datasets and the trained model folders;
# copy WORK_FOLDER/models/{stardist,unet,n2v} into python/volltrack/models/demo/ afterwards.
set -euo pipefail
WORK=${1:?usage: build.sh WORK_FOLDER}
PY=${PYTHON:-python}
mkdir -p "$WORK/models"
export TF_NUM_INTEROP_THREADS=1 TF_NUM_INTRAOP_THREADS=2

# 1. training data: 4 simulator movies x 3 frames (22x256x256, calibration 2.0,0.5,0.5 um), seeds 101-104
$PY -m volltrack.models.demo.make_training_data "$WORK/data" --seeds 101,102,103,104 --frames 3

# 2. N2V denoiser on the raw volumes
$PY -m volltrack.cli train n2v "$WORK/data" --model "$WORK/models/n2v" --patch 16,64,64 --patches-per-image 8 \
    --depth 2 --filters 8 --batch 4 --epochs 10 --steps 10 --lr 4e-4 --seed 1

# 3. patches: raw and N2V-denoised copies, one augmented copy each (flip/rotation + Poisson/Gaussian noise)
$PY -m volltrack.cli train prepare "$WORK/data" --out "$WORK/patches.npz" --patch 16,64,64 --patches-per-image 16 \
    --copies 1 --validation 0.03 --denoise-model "$WORK/models/n2v" --seed 1

# 4. StarDist3D (smaller than the paper's: 64 rays, 16 filters, grid 1,2,2) and the U-Net
$PY -m volltrack.cli train stardist "$WORK/patches.npz" --model "$WORK/models/stardist" --rays 64 --grid 1,2,2 \
    --depth 3 --filters 16 --batch 4 --epochs 40 --steps 10 --lr 3e-4 --patch 16,64,64 --seed 1
$PY -m volltrack.cli train unet "$WORK/patches.npz" --model "$WORK/models/unet" --depth 2 --filters 8 --batch 4 \
    --epochs 15 --steps 10 --lr 4e-4 --patch 16,64,64 --seed 1
