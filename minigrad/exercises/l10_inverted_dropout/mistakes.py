"""Realistic wrong answers to inverted-dropout, each with the words its diagnostic must
contain."""

from ..exercise import mistake


@mistake("dropout_forward", hint="1/(1-p)")
def not_rescaled(x, mask, p, training):
    return x * mask if training else x.copy()


@mistake("dropout_forward", hint="dropped at eval time")
def drops_in_eval_mode_too(x, mask, p, training):
    return x * mask / (1 - p)


@mistake("dropout_forward", hint="keep probability")
def divided_by_the_drop_probability(x, mask, p, training):
    return x * mask / p if training else x.copy()


@mistake("dropout_forward", hint="in place")
def scales_x_in_place(x, mask, p, training):
    if not training:
        return x.copy()
    x *= mask / (1 - p)
    return x


@mistake("dropout_forward", hint="you kept the dropped ones")
def mask_read_backwards(x, mask, p, training):
    return x * ~mask / (1 - p) if training else x.copy()


@mistake("dropout_forward", hint="non-inverted dropout")
def scaled_at_eval_time(x, mask, p, training):
    return x * mask if training else x * (1 - p)
