"""SliceCombinerModule (Snorkel 0.9 name): attention over the slice experts.

Why: a slice-aware model learns one representation per slice (the
``*_pred_transform`` outputs). The base task's head sees their weighted sum,
weighted per example by how sure the model is that the example is in the slice
(indicator head) times how confident that slice's predictor is, so the
experts of the slices an example belongs to dominate its prediction.

Semantics follow Snorkel 0.9 ``snorkel.slicing.SliceCombinerModule``
(Apache-2.0, https://github.com/snorkel-team/snorkel); the code is our own.
"""

from __future__ import annotations

from typing import Mapping

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from snorkel_nb.classification.utils import collect_flow_outputs_by_suffix


def positive_class_probability(logits: Tensor) -> Tensor:
    """Softmax probability of class 1 of [n, 2] logits, as an [n, 1] column."""
    return F.softmax(logits, dim=1)[:, 1:2]


class SliceCombinerModule(nn.Module):
    r"""Combine the slice representations by indicator x predictor confidence.

    For each example and slice ``s``, with ``p_ind`` the indicator head's
    probability that the example is in ``s`` and ``p_pred`` the positive-class
    probability of ``s``'s predictor head, the weights are
    ``softmax_s(p_ind * p_pred / temperature)`` and the output is the
    weighted sum of the ``*_pred_transform`` representations.

    Binary tasks only: the predictor heads must output ``[n, 2]`` logits.

    Parameters
    ----------
    slice_ind_key
        Suffix of the indicator heads' operation names (their raw logits).
    slice_pred_key
        Suffix of the predictor heads' operation names (their raw logits).
    slice_pred_feat_key
        Suffix of the predictor transforms' operation names (representations).
    temperature
        Softmax temperature: large values average the slices evenly, small
        ones pick the highest-scoring slice.

    Examples
    --------
    >>> out = {"t_slice:a_ind_head": torch.zeros(3, 2),
    ...        "t_slice:a_pred_head": torch.zeros(3, 2),
    ...        "t_slice:a_pred_transform": torch.ones(3, 4),
    ...        "t_slice:b_ind_head": torch.zeros(3, 2),
    ...        "t_slice:b_pred_head": torch.zeros(3, 2),
    ...        "t_slice:b_pred_transform": 3 * torch.ones(3, 4)}
    >>> SliceCombinerModule()(out)[0].tolist()
    [2.0, 2.0, 2.0, 2.0]
    """

    def __init__(
        self,
        slice_ind_key: str = "_ind_head",
        slice_pred_key: str = "_pred_head",
        slice_pred_feat_key: str = "_pred_transform",
        temperature: float = 1.0,
    ) -> None:
        super().__init__()
        if not temperature > 0:
            raise ValueError(f"temperature must be > 0; got {temperature!r}")
        self.slice_ind_key = slice_ind_key
        self.slice_pred_key = slice_pred_key
        self.slice_pred_feat_key = slice_pred_feat_key
        self.temperature = temperature

    def forward(self, output_dict: Mapping[str, Tensor]) -> Tensor:  # type: ignore[override]
        """The reweighted [n, feat_dim] representation from the flow outputs."""
        ind = collect_flow_outputs_by_suffix(output_dict, self.slice_ind_key)
        pred = collect_flow_outputs_by_suffix(output_dict, self.slice_pred_key)
        feats = collect_flow_outputs_by_suffix(output_dict, self.slice_pred_feat_key)
        if not (ind and pred and feats):
            raise ValueError(
                "SliceCombinerModule found no slice outputs: it needs operations "
                f"ending in {self.slice_ind_key!r}, {self.slice_pred_key!r} and "
                f"{self.slice_pred_feat_key!r}; got {sorted(output_dict)}"
            )
        if not len(ind) == len(pred) == len(feats):
            raise ValueError(
                f"SliceCombinerModule: {len(ind)} indicator, {len(pred)} predictor "
                f"and {len(feats)} transform outputs; each slice needs one of each"
            )
        n_classes = pred[0].shape[1]
        if n_classes > 2:
            raise NotImplementedError(
                "SliceCombiner does not support more than 2 classes yet "
                f"(predictor heads output {n_classes})."
            )
        if n_classes < 2:
            raise NotImplementedError(
                "SliceCombiner currently requires output shape [..., 2] for "
                f"predictor heads (got [..., {n_classes}])."
            )
        in_slice = torch.cat([positive_class_probability(o) for o in ind], dim=1)
        confidence = torch.cat([positive_class_probability(o) for o in pred], dim=1)
        weights = F.softmax(in_slice * confidence / self.temperature, dim=1)
        representations = torch.stack(feats, dim=1)  # [n, n_slices, feat_dim]
        return (weights.unsqueeze(-1) * representations).sum(dim=1)
