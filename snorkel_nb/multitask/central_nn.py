"""The central model's network: one trunk, one head per task, and how they train.

Why not ``MultitaskModel.fit``: it trains every head of a graph at once. The
central model must train *one* new head (or a chosen few) against the
trained trunk; with the trunk frozen its features are computed once, so
adding the 100th task costs what adding the 10th did. The modules are the
ones :class:`~snorkel_nb.multitask.model.MultitaskModel` compiles
(``MLPTrunk``, ``TextTrunk``, ``ChildHead``: a child head reads the trunk
features concatenated with its parents' softmax outputs).
"""

from __future__ import annotations

import copy
from typing import Any, Mapping, Sequence

import numpy as np
import torch
from torch import nn

from snorkel_nb.classification import cross_entropy_with_probs, set_seed
from snorkel_nb.multitask.model import ChildHead, MLPTrunk, TextTrunk
from snorkel_nb.progress import progress_bar

Feats = dict[str, torch.Tensor]


def build_trunk(config: Mapping[str, Any]) -> nn.Module:
    """A trunk from ``{"trunk": "mlp"|"text", "hidden", "emb_dim", "dropout",
    "in_dim" | "vocab_size"}``.

    Examples
    --------
    >>> t = build_trunk({"trunk": "mlp", "hidden": [8], "dropout": 0.0, "in_dim": 3})
    >>> t(torch.zeros(2, 3)).shape
    torch.Size([2, 8])
    """
    if config["trunk"] == "text":
        return TextTrunk(
            int(config["vocab_size"]),
            int(config["emb_dim"]),
            list(config["hidden"]),
            float(config["dropout"]),
        )
    return MLPTrunk(
        int(config["in_dim"]), list(config["hidden"]), float(config["dropout"])
    )


def build_head(config: Mapping[str, Any]) -> nn.Module:
    """``{"in_dim", "parent_dims", "k"}`` -> ``Linear`` or ``ChildHead``."""
    if config["parent_dims"]:
        return ChildHead(
            int(config["in_dim"]), list(config["parent_dims"]), int(config["k"])
        )
    return nn.Linear(int(config["in_dim"]), int(config["k"]))


def trunk_out_dim(trunk: nn.Module) -> int:
    return int(trunk.out_dim)  # type: ignore[arg-type]


def run_trunk(trunk: nn.Module, feats: Feats, batch_size: int = 4096) -> torch.Tensor:
    """Trunk features in eval mode (no dropout, no gradient), batched.

    Parameters
    ----------
    trunk
        The trunk; left in eval mode.
    feats
        Its inputs by name, each with n rows (passed positionally in order).
    batch_size
        Rows per forward pass.

    Returns
    -------
    torch.Tensor
        [n, trunk.out_dim] float features ([0, out_dim] for n = 0).

    Examples
    --------
    >>> t = build_trunk({"trunk": "mlp", "hidden": [8], "dropout": 0.0, "in_dim": 3})
    >>> run_trunk(t, {"x": torch.zeros(5, 3)}, batch_size=2).shape
    torch.Size([5, 8])
    """
    trunk.eval()
    n = len(next(iter(feats.values())))
    outs = []
    with torch.no_grad():
        for s in range(0, n, batch_size):
            outs.append(trunk(*[v[s : s + batch_size] for v in feats.values()]))
    return torch.cat(outs) if outs else torch.zeros(0, trunk_out_dim(trunk))


def run_heads(
    H: torch.Tensor,
    heads: Mapping[str, nn.Module],
    parents: Mapping[str, Sequence[str]],
    order: Sequence[str],
) -> dict[str, torch.Tensor]:
    """Logits of the tasks in ``order`` (parents before children).

    Parameters
    ----------
    H
        [n, d] trunk features.
    heads
        ``{task: head}``; a child head also takes its parents' logits.
    parents
        ``{task: graph parents}`` (tasks absent have none).
    order
        Tasks to run; each task's parents must come before it.

    Returns
    -------
    dict of str to torch.Tensor
        ``{task: [n, k_task] logits}``.

    Examples
    --------
    >>> heads = {"a": build_head({"in_dim": 4, "parent_dims": [], "k": 3})}
    >>> run_heads(torch.zeros(2, 4), heads, {}, ["a"])["a"].shape
    torch.Size([2, 3])
    """
    logits: dict[str, torch.Tensor] = {}
    for t in order:
        ps = parents.get(t, ())
        logits[t] = heads[t](H, *[logits[p] for p in ps]) if ps else heads[t](H)
    return logits


def closure(
    tasks: Sequence[str], parents: Mapping[str, Sequence[str]], order: Sequence[str]
) -> list[str]:
    """``tasks`` and all their graph ancestors, in ``order``.

    Parameters
    ----------
    tasks
        The tasks needed.
    parents
        ``{task: graph parents}``.
    order
        A topological order of all tasks.

    Returns
    -------
    list of str
        The needed tasks, in ``order``.

    Examples
    --------
    >>> closure(["f"], {"f": ["c"], "c": []}, ["c", "x", "f"])
    ['c', 'f']
    """
    need: set[str] = set()
    todo = list(tasks)
    while todo:
        t = todo.pop()
        if t not in need:
            need.add(t)
            todo.extend(parents.get(t, ()))
    return [t for t in order if t in need]


def _valid_rows(P: torch.Tensor) -> torch.Tensor:
    return (P >= 0).all(1) & (P.sum(1) > 0)


def dev_accuracy(logits: torch.Tensor, gold: torch.Tensor) -> float:
    """Accuracy of ``argmax(logits)`` on the rows whose gold is known.

    Parameters
    ----------
    logits
        [n, k] scores.
    gold
        [n] int class indices, -1 = unknown.

    Returns
    -------
    float
        NaN when no gold label is known.

    Examples
    --------
    >>> dev_accuracy(torch.tensor([[0.0, 1.0], [1.0, 0.0]]), torch.tensor([1, -1]))
    1.0
    """
    keep = gold >= 0
    if not keep.any():
        return float("nan")
    return float((logits[keep].argmax(1) == gold[keep]).double().mean())


def fit(
    trunk: nn.Module,
    heads: Mapping[str, nn.Module],
    parents: Mapping[str, Sequence[str]],
    order: Sequence[str],
    feats: Feats,
    targets: Mapping[str, torch.Tensor],
    train_modules: set[str],
    epochs: int,
    lr: float,
    batch_size: int,
    seed: int,
    dev: tuple[Feats, Mapping[str, torch.Tensor]] | None = None,
    patience: int = 5,
    progress: bool = False,
    desc: str = "train",
    features: tuple[torch.Tensor, torch.Tensor | None] | None = None,
) -> list[dict[str, float]]:
    """Train ``train_modules`` (``"trunk"`` and/or task names) on the soft
    cross-entropy of every task in ``targets`` ([n, k] probabilities; rows
    with a negative entry or zero mass are no label).

    Every other module stays frozen and unchanged. With a frozen trunk its
    features are computed once. With ``dev = (feats, {task: gold})`` the
    epoch with the best mean dev accuracy over those tasks is kept.
    ``features = (H_train, H_dev)`` passes frozen-trunk features already
    computed (the central model caches them per trunk).

    Parameters
    ----------
    trunk
        The shared trunk.
    heads
        ``{task: head}``; every task run (the loss tasks and their graph
        ancestors) must have one.
    parents
        ``{task: graph parents}``.
    order
        A topological order of the tasks.
    feats
        Trunk inputs by name, n rows each.
    targets
        ``{task: [n, k] float probabilities}`` for the loss.
    train_modules
        ``"trunk"`` and/or task names whose parameters are updated.
    epochs
        Maximum epochs.
    lr
        Adam learning rate.
    batch_size
        Rows per step.
    seed
        Seeds torch (weights, dropout) and the row shuffle.
    dev
        ``(dev feats, {task: [n_dev] int gold, -1 = unknown})`` for the
        best-epoch choice and early stopping, or ``None``.
    patience
        Stop after this many epochs without a better dev accuracy (0: never).
    progress
        Show a progress bar.
    desc
        The progress bar's label.
    features
        ``(H_train, H_dev or None)`` precomputed frozen-trunk features.

    Returns
    -------
    list of dict
        One row per epoch run: ``epoch``, ``loss`` (mean per row) and, with
        dev gold, ``dev_accuracy``.

    Raises
    ------
    ValueError
        If ``train_modules`` names no module in use.
    """
    set_seed(seed)
    loss_tasks = [t for t in order if t in targets]
    run = closure(loss_tasks, parents, order)
    train_trunk = "trunk" in train_modules
    params = [p for t in run if t in train_modules for p in heads[t].parameters()]
    if train_trunk:
        params += list(trunk.parameters())
    if not params:
        raise ValueError("nothing to train: train_modules names no module in use")
    for t in run:
        heads[t].train(t in train_modules)
    n = len(next(iter(feats.values())))
    H_all = None
    if not train_trunk:
        H_all = features[0] if features is not None else run_trunk(trunk, feats)
    masks = {t: _valid_rows(targets[t]) for t in loss_tasks}
    opt = torch.optim.Adam(params, lr=lr)
    gen = torch.Generator().manual_seed(seed)
    dev_tasks = [
        t
        for t in loss_tasks
        if dev is not None and t in dev[1] and bool((dev[1][t] >= 0).any())
    ]
    H_dev = None
    if dev is not None and dev_tasks and not train_trunk:
        H_dev = (
            features[1]
            if features is not None and features[1] is not None
            else run_trunk(trunk, dev[0])
        )
    best, best_state, bad = -1.0, None, 0
    history: list[dict[str, float]] = []
    for epoch in progress_bar(range(epochs), disable=not progress, desc=desc):
        if train_trunk:
            trunk.train()
        perm = torch.randperm(n, generator=gen)
        total = 0.0
        for s in range(0, n, batch_size):
            idx = perm[s : s + batch_size]
            if train_trunk:
                H = trunk(*[v[idx] for v in feats.values()])
            else:
                assert H_all is not None
                H = H_all[idx]
            logits = run_heads(H, heads, parents, run)
            loss = torch.zeros(())
            for t in loss_tasks:
                m = masks[t][idx]
                if m.any():
                    loss = loss + cross_entropy_with_probs(
                        logits[t][m], targets[t][idx][m]
                    )
            if loss.requires_grad:
                opt.zero_grad()
                loss.backward()
                opt.step()
            total += float(loss.detach()) * len(idx)
        row = {"epoch": float(epoch), "loss": total / max(n, 1)}
        if dev_tasks:
            assert dev is not None
            with torch.no_grad():
                for t in run:
                    heads[t].eval()
                Hd = H_dev if H_dev is not None else run_trunk(trunk, dev[0])
                dl = run_heads(Hd, heads, parents, run)
                for t in run:
                    heads[t].train(t in train_modules)
            accs = [dev_accuracy(dl[t], dev[1][t]) for t in dev_tasks]
            row["dev_accuracy"] = float(np.mean(accs))
            if row["dev_accuracy"] > best + 1e-9:
                best, bad = row["dev_accuracy"], 0
                best_state = _snapshot(trunk, heads, train_modules)
            else:
                bad += 1
        history.append(row)
        if dev_tasks and patience and bad >= patience:
            break
    if best_state is not None:
        _restore(trunk, heads, best_state)
    trunk.eval()
    for t in run:
        heads[t].eval()
    return history


def _snapshot(
    trunk: nn.Module, heads: Mapping[str, nn.Module], modules: set[str]
) -> dict[str, dict[str, torch.Tensor]]:
    out = {t: copy.deepcopy(heads[t].state_dict()) for t in modules if t in heads}
    if "trunk" in modules:
        out["trunk"] = copy.deepcopy(trunk.state_dict())
    return out


def _restore(
    trunk: nn.Module,
    heads: Mapping[str, nn.Module],
    state: Mapping[str, Mapping[str, torch.Tensor]],
) -> None:
    for name, sd in state.items():
        (trunk if name == "trunk" else heads[name]).load_state_dict(sd)


def state_arrays(module: nn.Module) -> dict[str, np.ndarray]:
    """A state dict as plain numpy arrays (saved with ``save_artifact``).

    Examples
    --------
    >>> sorted(state_arrays(torch.nn.Linear(2, 1)))
    ['bias', 'weight']
    """
    return {k: v.detach().cpu().numpy().copy() for k, v in module.state_dict().items()}


def load_state_arrays(module: nn.Module, arrays: Mapping[str, np.ndarray]) -> nn.Module:
    """Load :func:`state_arrays` output into ``module`` (in place).

    Parameters
    ----------
    module
        A module of the same architecture.
    arrays
        ``{state dict key: array}``.

    Returns
    -------
    torch.nn.Module
        ``module`` itself, in eval mode.

    Raises
    ------
    RuntimeError
        From ``load_state_dict`` when keys or shapes do not match.

    Examples
    --------
    >>> a, b = torch.nn.Linear(2, 1), torch.nn.Linear(2, 1)
    >>> _ = load_state_arrays(b, state_arrays(a))
    >>> bool(torch.equal(a.weight, b.weight))
    True
    """
    module.load_state_dict(
        {k: torch.from_numpy(np.asarray(v)) for k, v in arrays.items()}
    )
    module.eval()
    return module


def blend_states(
    a: Mapping[str, np.ndarray], b: Mapping[str, np.ndarray], alpha: float, what: str
) -> dict[str, np.ndarray]:
    """``(1 - alpha) * a + alpha * b`` per tensor (alpha 0 gives ``a`` exactly).

    Parameters
    ----------
    a, b
        ``{name: array}`` with the same names and shapes.
    alpha
        Weight of ``b``; 0 and 1 return exact copies of ``a`` and ``b``.
    what
        What is blended (e.g. ``"head"``), for the error message.

    Returns
    -------
    dict of str to numpy.ndarray
        New arrays in ``a``'s dtypes.

    Raises
    ------
    ValueError
        If the names or a shape differ.

    Examples
    --------
    >>> blend_states({"w": np.ones(2)}, {"w": np.zeros(2)}, 0.25, "head")["w"]
    array([0.75, 0.75])
    """
    if set(a) != set(b):
        raise ValueError(
            f"cannot blend the two {what}s: their tensors differ "
            f"({sorted(set(a) ^ set(b))})"
        )
    out = {}
    for k in a:
        if a[k].shape != b[k].shape:
            raise ValueError(
                f"cannot blend the two {what}s: {k} has shape "
                f"{a[k].shape} vs {b[k].shape}"
            )
        if alpha == 0:
            out[k] = a[k].copy()
        elif alpha == 1:
            out[k] = b[k].copy()
        else:
            out[k] = ((1 - alpha) * a[k] + alpha * b[k]).astype(a[k].dtype)
    return out
