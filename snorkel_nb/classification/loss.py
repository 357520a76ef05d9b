"""Soft cross-entropy for probabilistic labels (Snorkel 0.9 name)."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def cross_entropy_with_probs(
    input: torch.Tensor,
    target: torch.Tensor,
    weight: torch.Tensor | None = None,
    reduction: str = "mean",
) -> torch.Tensor:
    """Cross-entropy of logits ``input`` [n, k] against probabilities ``target`` [n, k].

    ``-sum_y target[i, y] * weight[y] * log softmax(input)[i, y]``. A target
    row that sums to w < 1 (e.g. a child task that is N/A with probability
    1 - w) contributes w times its normalised loss.

    Parameters
    ----------
    input : torch.Tensor
        ``[n, k]`` logits.
    target : torch.Tensor
        ``[n, k]`` target probabilities.
    weight : torch.Tensor, optional
        ``[k]`` class weights.
    reduction : {"mean", "sum", "none"}, default "mean"
        As in :func:`torch.nn.functional.cross_entropy`.

    Returns
    -------
    torch.Tensor
        A scalar, or ``[n]`` with ``reduction="none"``.

    Raises
    ------
    ValueError
        If ``input`` and ``target`` differ in shape, or ``reduction`` is
        unknown.

    Examples
    --------
    >>> x = torch.tensor([[2.0, 0.0]])
    >>> hard = F.cross_entropy(x, torch.tensor([0]))
    >>> bool(torch.isclose(cross_entropy_with_probs(x, torch.tensor([[1.0, 0.0]])),
    ...                    hard))
    True
    """
    if input.shape != target.shape:
        raise ValueError(
            f"input {tuple(input.shape)} and target "
            f"{tuple(target.shape)} must have the same [n, k] shape"
        )
    logp = F.log_softmax(input, dim=1)
    w = target.float() if weight is None else target.float() * weight
    losses = -(w * logp).sum(dim=1)
    if reduction == "none":
        return losses
    if reduction == "mean":
        return losses.mean()
    if reduction == "sum":
        return losses.sum()
    raise ValueError("Keyword 'reduction' must be one of ['none', 'mean', 'sum']")
