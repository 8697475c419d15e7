#!/usr/bin/env bash
# Rebuild the bundled demo models exactly as committed (see README.md). Usage, from the repository root:
#   bash python/volltrack/models/demo/build.sh WORK_FOLDER [FIRST_STEP]
# Steps, in order: data n2v prepare stardist unet stardist_resume stardist_resume2 unet_resume stardist_resume3
# unet_resume2 thresholds stardist_resume4 prepare_raw stardist_raw stardist_raw2 thresholds_raw,
# then the broad fine-tuning (issue 17): broad_data broad_prepare broad_stardist broad_unet broad_thresholds,
# which fine-tunes the bundled models (python/volltrack/models/demo, or $FROM) into WORK/models_broad
# (measured, not bundled: bench/README.md, section "generalise"). broad_unet_interior is an optional variant.
# WORK_FOLDER receives the simulated training data,
# the patch dataset and the model folders (WORK_FOLDER/models/{stardist,unet,n2v}); copy those into
# python/volltrack/models/demo/ afterwards. FIRST_STEP restarts the chain at that step.
set -euo pipefail
WORK=${1:?usage: build.sh WORK_FOLDER [FIRST_STEP]}
FIRST=${2:-data}
PY=${PYTHON:-python}
VT="$PY -m volltrack.cli train"
mkdir -p "$WORK/models"

# The demo's StarDist (smaller than the paper's network: 64 rays, 16 filters, grid 1,2,2, mae distance loss):
# train_stardist PATCHES EPOCHS LR SEED [--resume]
train_stardist() {
  $VT stardist "$WORK/$1" --model "$WORK/models/stardist" "${@:5}" --rays 64 --grid 1,2,2 --dist-loss mae \
      --depth 3 --filters 16 --batch 4 --epochs "$2" --steps 10 --lr "$3" --patch 16,64,64 --seed "$4"
}
# The demo's U-Net: train_unet EPOCHS SEED [--resume]
train_unet() {
  $VT unet "$WORK/patches.npz" --model "$WORK/models/unet" "${@:3}" --depth 2 --filters 8 --batch 4 \
      --epochs "$1" --steps 10 --lr 1e-3 --patch 16,64,64 --seed "$2"
}

step_data() {  # 4 simulator movies x 3 frames (22x256x256 at 2.0,0.5,0.5 um), seeds 101-104
  $PY -m volltrack.models.demo.make_training_data "$WORK/data" --seeds 101,102,103,104 --frames 3
}
step_n2v() {  # N2V denoiser on the raw volumes
  $VT n2v "$WORK/data" --model "$WORK/models/n2v" --patch 16,64,64 --patches-per-image 8 \
      --depth 2 --filters 8 --batch 4 --epochs 10 --steps 10 --lr 4e-4 --seed 1
}
step_prepare() {  # raw + N2V-denoised patches, one augmented copy each (flip/rotation + Poisson/Gaussian noise)
  $VT prepare "$WORK/data" --out "$WORK/patches.npz" --patch 16,64,64 --patches-per-image 16 \
      --copies 1 --validation 0.03 --denoise-model "$WORK/models/n2v" --seed 1
}
step_stardist() {  # smaller than the paper's network: 64 rays, 16 filters, grid 1,2,2; mae distance loss
  train_stardist patches.npz 60 6e-4 1
}
step_stardist_resume() {  # 40 more epochs from the weights of step_stardist (--resume, weights_last.h5)
  train_stardist patches.npz 40 6e-4 2 --resume
}
step_stardist_resume2() {  # 30 more epochs
  train_stardist patches.npz 30 6e-4 3 --resume
}
step_unet_resume() {  # 20 more epochs
  train_unet 20 3 --resume
}
step_stardist_resume3() {  # 50 more epochs
  train_stardist patches.npz 50 6e-4 4 --resume
}
step_unet_resume2() {  # 20 more epochs
  train_unet 20 4 --resume
}
step_stardist_resume4() {  # 50 more epochs (thresholds of step_thresholds kept)
  train_stardist patches.npz 50 6e-4 5 --resume
}
step_unet() {
  train_unet 40 1
}
step_thresholds() {  # VollSeg thresholds on a held-out simulator volume (seed 105, frame 0)
  $PY -m volltrack.models.demo.make_training_data "$WORK/validation" --seeds 105 --frames 1
  $VT thresholds "$WORK/validation" --models "$WORK/models" --target vollseg --nms 0.3 --evaluations 4 \
      --prob-range 0.4,0.8
}

step_prepare_raw() {  # raw-only patches (no N2V copies: VollSeg does not denoise by default), 32 per image
  $VT prepare "$WORK/data" --out "$WORK/patches_raw.npz" --patch 16,64,64 --patches-per-image 32 \
      --copies 1 --validation 0.03 --seed 11
}
step_stardist_raw() {  # 60 more epochs on the raw-only patches, lower learning rate
  train_stardist patches_raw.npz 60 3e-4 6 --resume
}
step_stardist_raw2() {  # 60 more
  train_stardist patches_raw.npz 60 3e-4 7 --resume
}
step_thresholds_raw() {  # VollSeg thresholds again (no denoising), on the held-out seed-105 volume
  [[ -d "$WORK/validation" ]] || $PY -m volltrack.models.demo.make_training_data "$WORK/validation" --seeds 105 --frames 1
  $VT thresholds "$WORK/validation" --models "$WORK/models" --target vollseg --nms 0.3 --evaluations 4 \
      --prob-range 0.6,0.85
}

# --- Broad fine-tuning (issue 17): the simulator's knobs drawn per volume, starting from the bundled weights.
FROM=${FROM:-python/volltrack/models/demo}
BROAD="$WORK/models_broad"
step_broad_data() {  # 48 broad volumes (make_training_data --broad: anisotropy 1-5, cell size, SNR 2-10, blur,
  # appearance) + 2 demo-geometry movies x 2 frames, so the demo's look is not forgotten
  $PY -m volltrack.models.demo.make_training_data "$WORK/broad" --broad --seeds "$(seq -s, 1001 1048)"
  $PY -m volltrack.models.demo.make_training_data "$WORK/broad" --seeds 101,103 --frames 2
}
step_broad_prepare() {  # raw-only patches, 16 per volume, one augmented copy (flips/rotations/noise)
  $VT prepare "$WORK/broad" --out "$WORK/patches_broad.npz" --patch 16,64,64 --patches-per-image 16 \
      --copies 1 --validation 0.03 --seed 21
}
step_broad_stardist() {  # fine-tune the bundled StarDist (same architecture) for at most 24 minutes
  mkdir -p "$BROAD"
  $VT stardist "$WORK/patches_broad.npz" --model "$BROAD/stardist" --from "$FROM" --rays 64 --grid 1,2,2 \
      --dist-loss mae --depth 3 --filters 16 --batch 4 --epochs 300 --steps 10 --lr 3e-4 --patch 16,64,64 \
      --seed 31 --minutes 24
}
step_broad_unet() {  # fine-tune the bundled U-Net (plain mask target, as bundled) for at most 8 minutes
  mkdir -p "$BROAD"
  $VT unet "$WORK/patches_broad.npz" --model "$BROAD/unet" --from "$FROM" --depth 2 --filters 8 --batch 4 \
      --epochs 200 --steps 10 --lr 5e-4 --patch 16,64,64 --seed 32 --minutes 8
}
step_broad_unet_interior() {  # optional variant (not in STEPS): a U-Net fine-tuned on cell interiors
  # (--erosion 2, so VollSeg's seed pool gets one U-Net component per cell), into WORK/models_broad_interior
  mkdir -p "$WORK/models_broad_interior"
  $VT unet "$WORK/patches_broad.npz" --model "$WORK/models_broad_interior/unet" --from "$FROM" --erosion 2 \
      --depth 2 --filters 8 --batch 4 --epochs 200 --steps 10 --lr 5e-4 --patch 16,64,64 --seed 33 --minutes 10
}
step_broad_thresholds() {  # VollSeg thresholds on held-out volumes: 2 broad (seeds 1901, 1902) + demo seed 105
  [[ -d "$WORK/broad_validation" ]] || {
    $PY -m volltrack.models.demo.make_training_data "$WORK/broad_validation" --broad --seeds 1901,1902
    $PY -m volltrack.models.demo.make_training_data "$WORK/broad_validation" --seeds 105 --frames 1; }
  [[ -d "$BROAD/n2v" || ! -d "$FROM/n2v" ]] || cp -r "$FROM/n2v" "$BROAD/n2v"
  $VT thresholds "$WORK/broad_validation" --models "$BROAD" --target vollseg --nms 0.3 --evaluations 4 \
      --prob-range 0.4,0.85
}

STEPS=(data n2v prepare stardist unet stardist_resume stardist_resume2 unet_resume stardist_resume3 unet_resume2 thresholds
       stardist_resume4 prepare_raw stardist_raw stardist_raw2 thresholds_raw
       broad_data broad_prepare broad_stardist broad_unet broad_thresholds)
started=0
for step in "${STEPS[@]}"; do
  [[ $step == "$FIRST" ]] && started=1
  if [[ $started == 1 ]]; then echo "== step $step"; "step_$step"; fi
done
