"""Exercises a checker grades, offline, with hints that say what is wrong.

Each exercise is a folder here (`l06_maxpool_backward/`: its metadata, its solution with the
learner's part marked, its checks and its realistic mistakes; `exercise.py` describes the
format in brief and README.md in full). `minigrad exercises` (in `minigrad/cli/exercises.py`)
is the learner's door to them; `run_checks` is the checker itself.
"""

from __future__ import annotations

import difflib
import importlib

from .checker import NOT_YET, Result, Wrong, check_module, run_checks, run_source
from .exercise import Exercise, Mistake

# Every exercise's folder, in the order `minigrad exercises` lists them (lesson by lesson).
FOLDERS = (
    "l01_chain_rule",
    "l01_neuron_grads",
    "l01_graph_walk",
    "l01_value_ops",
    "l01_value_backward",
    "l02_mlp_params",
    "l02_value_sgd_step",
    "l02_value_mlp",
    "l03_linear_backward",
    "l03_sigmoid_function",
    "l03_elu_function",
    "l03_prelu_function",
    "l03_gradcheck",
    "l04_log_softmax",
    "l04_softmax_cross_entropy",
    "l04_adam_step",
    "l04_bug_softmax_twice",
    "l04_lr_sweep",
    "l05_output_size",
    "l05_conv_params",
    "l05_keras_model",
    "l05_vgg_block",
    "l05_conv_loops",
    "l05_conv_backward",
    "l05_im2col",
    "l05_conv_forward_naive",
    "l05_conv_backward_naive",
    "l05_conv_fast",
    "l06_maxpool_backward",
    "l06_gap_classifier",
    "l07_lenet_counts",
    "l07_lenet_shapes",
    "l07_bug_zero_grad",
    "l07_overfit_batch",
    "l08_batchnorm_forward",
    "l08_batchnorm_backward",
    "l08_bug_eval_mode",
    "l09_resblock_params",
    "l09_residual_block",
    "l10_stacked_3x3",
    "l10_inception_params",
    "l10_dense_channels",
    "l10_inverted_dropout",
    "l11_saliency_by_hand",
    "l11_vanishing_layer",
)

# Build-it-yourself tracks: exercises that build one thing step by step, across lessons
# (CS231n and micrograd style); each step is an ordinary exercise of the list above.
TRACKS: dict[str, tuple[str, ...]] = {
    "Build Value yourself": ("value-ops", "value-backward", "value-mlp"),
    "Convolution in numpy": (
        "im2col",
        "conv-forward-naive",
        "conv-backward-naive",
        "conv-fast",
    ),
    "Debugging a network": ("gradcheck", "lr-sweep", "overfit-batch"),
    "Looking inside": ("saliency-by-hand", "vanishing-layer"),
}

EXERCISES: dict[str, Exercise] = {
    ex.id: ex
    for ex in (Exercise(importlib.import_module(f"{__name__}.{name}")) for name in FOLDERS)
}


def all_exercises() -> list[Exercise]:
    """Every exercise, in lesson order."""
    return list(EXERCISES.values())


def for_lesson(lesson: int) -> list[Exercise]:
    """The exercises that go with lesson `lesson` (a lesson ends by listing them)."""
    return [ex for ex in EXERCISES.values() if ex.lesson == lesson]


def get(exercise_id: str) -> Exercise:
    """The exercise called `exercise_id`; a KeyError that suggests near names otherwise."""
    if exercise_id in EXERCISES:
        return EXERCISES[exercise_id]
    near = difflib.get_close_matches(exercise_id, list(EXERCISES), n=3)
    hint = f" Did you mean {', '.join(near)}?" if near else ""
    raise KeyError(
        f"there is no exercise {exercise_id!r}.{hint} `minigrad exercises` lists them all."
    )


__all__ = [
    "EXERCISES",
    "FOLDERS",
    "NOT_YET",
    "TRACKS",
    "Exercise",
    "Mistake",
    "Result",
    "Wrong",
    "all_exercises",
    "check_module",
    "for_lesson",
    "get",
    "run_checks",
    "run_source",
]
