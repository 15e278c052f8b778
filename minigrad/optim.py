r"""Optimizers and learning-rate schedules: what turns gradients into better parameters.

An optimizer holds the parameters in `param_groups` (a list of dicts: the tensors under
`"params"` and that group's hyperparameters, such as `"lr"`), plus per-parameter `state`
(momentum buffers, moving averages), keyed by the parameter tensors themselves. `step()`
reads each parameter's `.grad` and updates the parameter in place: the same tensor, the
same memory, its version bumped (as an in-place change inside no_grad would); nothing it
does is recorded in a graph. The update rules, argument names and defaults are PyTorch's,
and the tests check every update against PyTorch step by step.

    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for x, y in loader:
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()

Notation in docstrings: p a parameter, g its gradient, t the step count (from 1),
lr the learning rate, wd the weight decay.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from . import inplace
from .nn.module import zero_grad
from .recording import enable_grad
from .tensor import Tensor

__all__ = [
    "Optimizer",
    "SGD",
    "Adam",
    "AdamW",
    "RMSprop",
    "LRScheduler",
    "StepLR",
    "CosineAnnealingLR",
]


class Optimizer:
    """The bookkeeping every optimizer shares: parameter groups, state, zero_grad, state_dict.

    `params` is an iterable of tensors, or of dicts `{"params": [...], "lr": ...}` to give
    groups of parameters their own hyperparameters (missing keys take `defaults`).
    A subclass writes `_update(p, g, state, group)`: one parameter, its gradient as an
    ndarray, its state dict and its group's hyperparameters.
    """

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        name = type(self).__name__
        if isinstance(params, Tensor):
            raise TypeError(
                f"{name}: params must be an iterable of tensors (such as model.parameters()), "
                "got a single Tensor; wrap it in a list: [x]"
            )
        self.defaults = dict(defaults)
        self.param_groups: list[dict[str, Any]] = []
        self.state: dict[Tensor, dict[str, Any]] = {}
        groups = list(params)
        if not groups:
            raise ValueError(
                f"{name}: got an empty list of parameters; pass model.parameters() of a model "
                "that has parameters, or a list of tensors created with requires_grad=True"
            )
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, group: dict[str, Any]) -> None:
        """Add a dict {"params": tensors, hyperparameter: value, ...} to `param_groups`."""
        name = type(self).__name__
        if not isinstance(group, dict) or "params" not in group:
            raise TypeError(
                f"{name}: a parameter group is a dict with a 'params' key, got {group!r}"
            )
        params = group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        for i, p in enumerate(params):
            if not isinstance(p, Tensor):
                raise TypeError(
                    f"{name}: parameter {i} is a {type(p).__name__}, expected a Tensor; "
                    "pass model.parameters() or a list of tensors"
                )
            if p.dtype.kind != "f":
                raise TypeError(
                    f"{name}: parameter {i} has dtype {p.dtype}; only floating-point tensors "
                    "can be optimized"
                )
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in params) or len({id(p) for p in params}) != len(params):
            raise ValueError(f"{name}: a parameter appears more than once in the groups")
        unknown = set(group) - set(self.defaults) - {"params", "initial_lr"}
        if unknown:
            raise TypeError(
                f"{name}: unknown hyperparameter(s) {sorted(unknown)} in a parameter group; "
                f"known: {sorted(self.defaults)}"
            )
        full = {**self.defaults, **group, "params": params}
        self._check_hyperparameters(full)
        self.param_groups.append(full)

    def _check_hyperparameters(self, group: dict[str, Any]) -> None:
        """Every hyperparameter is a number in its range, or a bool where a flag belongs."""
        name = type(self).__name__
        for key, value in group.items():
            if key in ("params", "initial_lr"):
                continue
            if key in _FLAGS:
                _check_flag(name, key, value)
            elif key == "betas":
                _check_betas(name, value)
            else:
                _check_number(name, key, value, minimum=_MINIMUM.get(key))

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients: set `.grad` to None (PyTorch's default), or with
        set_to_none=False fill each in place with zeros (the same tensor stays)."""
        for group in self.param_groups:
            for p in group["params"]:
                zero_grad(p, set_to_none)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient, in place (never recorded in a graph).

        `closure`, if given, recomputes the loss (zero_grad, forward, backward) and is called
        first; its loss is returned, as in PyTorch.
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad.numpy()
                if g.shape != p.shape:
                    raise RuntimeError(
                        f"{type(self).__name__}.step: a parameter of shape {p.shape} has a "
                        f"gradient of shape {g.shape}; they must be equal"
                    )
                self._update(p.numpy(), g, self.state.setdefault(p, {}), group)
                inplace.count_write(p)  # changed in place: a graph that saved p will say so
        return loss

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict, group: dict) -> None:
        raise NotImplementedError  # pragma: no cover - interface

    # --- saving and restoring -----------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        """{"state": {index: {...}}, "param_groups": [{..., "params": [indices]}]}, as PyTorch.

        Parameters are named by their position across the groups, so a dict saved from one
        run loads into an optimizer built the same way over a fresh model.
        """
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            ids = []
            for p in group["params"]:
                index.setdefault(id(p), len(index))
                ids.append(index[id(p)])
            groups.append({**{k: v for k, v in group.items() if k != "params"}, "params": ids})
        state = {
            index[id(p)]: {k: v.copy() if isinstance(v, np.ndarray) else v for k, v in s.items()}
            for p, s in self.state.items()
        }
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore hyperparameters and state saved by `state_dict()` (arrays are copied)."""
        name = type(self).__name__
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups):
            raise ValueError(
                f"{name}.load_state_dict: the saved state has {len(groups)} parameter groups, "
                f"this optimizer has {len(self.param_groups)}; build it the same way as the "
                "one that was saved"
            )
        params: dict[int, Tensor] = {}
        for i, (saved, group) in enumerate(zip(groups, self.param_groups)):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    f"{name}.load_state_dict: group {i} was saved with {len(saved['params'])} "
                    f"parameters but has {len(group['params'])} here"
                )
            params.update(zip((int(k) for k in saved["params"]), group["params"]))
        self.state = {}
        for k, s in state_dict["state"].items():
            p = params[int(k)]
            restored = {}
            for key, v in s.items():
                is_array = isinstance(v, np.ndarray) and v.shape != ()
                if is_array and v.shape != p.shape:
                    raise ValueError(
                        f"{name}.load_state_dict: state {key!r} of parameter {k} has shape "
                        f"{v.shape}, but the parameter has shape {p.shape}"
                    )
                restored[key] = v.astype(p.dtype, copy=True) if is_array else _number(v)
            self.state[p] = restored
        for saved, group in zip(groups, self.param_groups):
            for k, v in saved.items():
                if k != "params":  # betas may come back from a file as a list
                    group[k] = tuple(v) if isinstance(v, list) else _number(v)

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params"]
        return "\n".join(lines + [")"])


_FLAGS = ("nesterov", "amsgrad", "centered")
_MINIMUM = {"lr": 0.0, "momentum": 0.0, "weight_decay": 0.0, "eps": 0.0}


def _check_number(owner: str, key: str, value: Any, minimum: float | None = None) -> None:
    """`value` must be a real number (not a bool, not None), >= `minimum` if given."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        raise TypeError(f"{owner}: {key} must be a number, got {value!r}")
    if minimum is not None and not value >= minimum:  # (NaN fails too)
        raise ValueError(f"{owner}: {key} must be >= {minimum:g}, got {value}")


def _check_flag(owner: str, key: str, value: Any) -> None:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{owner}: {key} must be True or False, got {value!r}")


def _check_betas(owner: str, betas: Any) -> None:
    ok = isinstance(betas, (tuple, list)) and len(betas) == 2
    if ok:
        for b in betas:
            _check_number(owner, "betas", b)
        ok = all(0.0 <= b < 1.0 for b in betas)
    if not ok:
        raise ValueError(f"{owner}: betas must be two numbers in [0, 1), got {betas!r}")


def _hyperparameters(arguments: dict[str, Any]) -> dict[str, Any]:
    """An optimizer's defaults: its constructor's arguments (`locals()`) but self and params."""
    return {k: v for k, v in arguments.items() if k not in ("self", "params", "__class__")}


def _number(v: Any) -> Any:
    """Plain Python numbers back from 0-d arrays (as a loaded .npz gives them)."""
    is_0d = isinstance(v, np.generic) or (isinstance(v, np.ndarray) and v.shape == ())
    return v.item() if is_0d else v


class SGD(Optimizer):
    r"""Stochastic gradient descent, with optional momentum, Nesterov momentum and weight decay.

    g <- g + wd * p
    b <- g at the first step, then b <- momentum * b + (1 - dampening) * g
    g <- g + momentum * b  (nesterov)   or   g <- b  (momentum > 0)
    p <- p - lr * g
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
    ) -> None:
        _check_number("SGD", "momentum", momentum, minimum=0.0)
        _check_number("SGD", "dampening", dampening)
        _check_flag("SGD", "nesterov", nesterov)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError(
                f"SGD: nesterov=True needs momentum > 0 and dampening = 0, got momentum="
                f"{momentum}, dampening={dampening}"
            )
        super().__init__(params, _hyperparameters(locals()))

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict, group: dict) -> None:
        wd, momentum = group["weight_decay"], group["momentum"]
        if wd != 0:
            g = g + wd * p
        if momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = g.copy()
            else:
                buf *= momentum
                buf += (1 - group["dampening"]) * g
            g = g + momentum * buf if group["nesterov"] else buf
        p -= group["lr"] * g


class Adam(Optimizer):
    r"""Adam: a step along the running mean of g, scaled by its running root mean square.

    g <- g + wd * p                       (L2 penalty folded into the gradient)
    m <- beta1 * m + (1 - beta1) * g      v <- beta2 * v + (1 - beta2) * g^2
    m_hat = m / (1 - beta1^t)             v_hat = v / (1 - beta2^t)   (bias corrections)
    p <- p - lr * m_hat / (sqrt(v_hat) + eps)
    With amsgrad=True, v_hat uses the largest v seen so far.
    """

    decoupled = False  # AdamW sets True: decay p directly instead of adding wd * p to g

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
    ) -> None:
        _check_betas(type(self).__name__, betas)
        betas = tuple(betas)
        super().__init__(params, _hyperparameters(locals()))

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict, group: dict) -> None:
        lr, wd, eps = group["lr"], group["weight_decay"], group["eps"]
        beta1, beta2 = group["betas"]
        if not state:
            state["step"] = 0
            state["exp_avg"] = np.zeros_like(p)
            state["exp_avg_sq"] = np.zeros_like(p)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = np.zeros_like(p)
        state["step"] += 1
        t = state["step"]
        if wd != 0:
            if self.decoupled:
                p *= 1 - lr * wd
            else:
                g = g + wd * p
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m *= beta1
        m += (1 - beta1) * g
        v *= beta2
        v += (1 - beta2) * g * g
        if group["amsgrad"]:
            np.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
            v = state["max_exp_avg_sq"]
        denom = np.sqrt(v) / math.sqrt(1 - beta2**t) + eps
        p -= (lr / (1 - beta1**t)) * (m / denom)


class AdamW(Adam):
    r"""Adam with decoupled weight decay (Loshchilov and Hutter): decay the weights directly.

    p <- p * (1 - lr * wd), then the Adam step with the plain gradient g.
    Unlike Adam's L2 penalty, the decay is not rescaled by the running RMS of g.
    """

    decoupled = True

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad)


class RMSprop(Optimizer):
    r"""RMSprop (Hinton): divide the gradient by the running root mean square of past ones.

    g <- g + wd * p                       (L2 penalty folded into the gradient)
    v <- alpha * v + (1 - alpha) * g^2
    with centered=True: a <- alpha * a + (1 - alpha) * g and v is replaced by v - a^2
    step = g / (sqrt(v) + eps);   with momentum: b <- momentum * b + step, step = b
    p <- p - lr * step
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
    ) -> None:
        if not 0.0 <= alpha <= 1.0:
            raise ValueError(f"RMSprop: alpha must be in [0, 1], got {alpha}")
        if eps < 0 or momentum < 0:
            raise ValueError(f"RMSprop: eps and momentum must be >= 0, got {eps}, {momentum}")
        super().__init__(params, _hyperparameters(locals()))

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict, group: dict) -> None:
        alpha, eps, wd, mu = group["alpha"], group["eps"], group["weight_decay"], group["momentum"]
        if not state:
            state["step"] = 0
            state["square_avg"] = np.zeros_like(p)
            if mu > 0:
                state["momentum_buffer"] = np.zeros_like(p)
            if group["centered"]:
                state["grad_avg"] = np.zeros_like(p)
        state["step"] += 1
        if wd != 0:
            g = g + wd * p
        v = state["square_avg"]
        v *= alpha
        v += (1 - alpha) * g * g
        if group["centered"]:
            a = state["grad_avg"]
            a *= alpha
            a += (1 - alpha) * g
            denom = np.sqrt(v - a * a) + eps
        else:
            denom = np.sqrt(v) + eps
        if mu > 0:
            b = state["momentum_buffer"]
            b *= mu
            b += g / denom
            p -= group["lr"] * b
        else:
            p -= group["lr"] * (g / denom)


# --------------------------------------------------------------------------------------------
# Learning-rate schedules: call scheduler.step() once per epoch, after optimizer.step().


class LRScheduler:
    """Changes each group's `lr` once per epoch (`step()`), counting epochs in `last_epoch`.

    A subclass writes `next_lr(lr, base_lr)`: the learning rate of epoch `last_epoch` from
    that of the epoch before (`lr`) and the group's starting one (`base_lr`). Working from
    the current lr (PyTorch's "chainable" form) means a schedule resumes right whatever the
    order of restoring (scheduler built before or after `optimizer.load_state_dict`, its own
    state loaded or not), and keeps changes made to the lr from outside. Building a
    scheduler is epoch 0 and leaves the lr as it is, as in PyTorch.
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        name = type(self).__name__
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                f"{name}: expected an optimizer such as optim.SGD(...), "
                f"got {type(optimizer).__name__}"
            )
        if isinstance(last_epoch, bool) or not isinstance(last_epoch, (int, np.integer)):
            raise TypeError(f"{name}: last_epoch must be an int, got {last_epoch!r}")
        self.optimizer = optimizer
        for i, group in enumerate(optimizer.param_groups):
            if last_epoch == -1:
                group.setdefault("initial_lr", group["lr"])
            elif "initial_lr" not in group:
                raise KeyError(
                    f"{name}: last_epoch={last_epoch} resumes a schedule, but param_groups[{i}] "
                    "has no 'initial_lr'; load the optimizer's state_dict first, or leave "
                    "last_epoch out to start a new schedule"
                )
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = int(last_epoch)
        self._step_count = 0
        self.step()

    def next_lr(self, lr: float, base_lr: float) -> float:
        raise NotImplementedError  # pragma: no cover - interface

    def step(self) -> None:
        """Move to the next epoch and set its learning rate in every group."""
        self._step_count += 1
        self.last_epoch += 1
        for group, base in zip(self.optimizer.param_groups, self.base_lrs):
            group["lr"] = self.next_lr(group["lr"], base)
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self) -> list[float]:
        """The learning rates the last `step()` set, one per group."""
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what `state_dict()` saved (the lr itself is the optimizer's state)."""
        self.__dict__.update({k: _number(v) for k, v in state_dict.items()})


class StepLR(LRScheduler):
    r"""Multiply the learning rate by `gamma` every `step_size` epochs.

    lr(epoch) = base_lr * gamma ** (epoch // step_size), computed as one multiplication
    by gamma at each epoch that is a multiple of step_size
    """

    def __init__(
        self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        if (
            isinstance(step_size, bool)
            or not isinstance(step_size, (int, np.integer))
            or step_size < 1
        ):
            raise ValueError(f"StepLR: step_size must be a positive integer, got {step_size!r}")
        _check_number("StepLR", "gamma", gamma)
        self.step_size, self.gamma = int(step_size), gamma
        super().__init__(optimizer, last_epoch)

    def next_lr(self, lr: float, base_lr: float) -> float:
        if self.last_epoch == 0 or self.last_epoch % self.step_size:
            return lr
        return lr * self.gamma


class CosineAnnealingLR(LRScheduler):
    r"""Lower the learning rate from its start to `eta_min` along half a cosine over `T_max` epochs.

    lr(epoch) = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2
    (Past T_max it climbs back up, as PyTorch's does; usually T_max is the number of epochs.)
    Computed as PyTorch does, from the epoch before: lr - eta_min is scaled by the ratio of
    (1 + cos) at this epoch and the last.
    """

    def __init__(
        self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1
    ) -> None:
        _check_number("CosineAnnealingLR", "T_max", T_max)
        if T_max <= 0:
            raise ValueError(f"CosineAnnealingLR: T_max must be > 0 epochs, got {T_max}")
        _check_number("CosineAnnealingLR", "eta_min", eta_min)
        self.T_max, self.eta_min = T_max, eta_min
        super().__init__(optimizer, last_epoch)

    def next_lr(self, lr: float, base_lr: float) -> float:
        epoch, t_max, low = self.last_epoch, self.T_max, self.eta_min
        if self._step_count == 1:  # building the scheduler keeps the lr
            return lr
        if (epoch - 1 - t_max) % (2 * t_max) == 0:  # at the bottom: cos stops being a ratio
            return lr + (base_lr - low) * (1 - math.cos(math.pi / t_max)) / 2
        ratio = (1 + math.cos(math.pi * epoch / t_max)) / (
            1 + math.cos(math.pi * (epoch - 1) / t_max)
        )
        return ratio * (lr - low) + low
