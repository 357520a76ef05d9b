"""Types shared by the explanation compiler and the filter bank.

Kept apart so that ``filter_bank`` needs nothing from ``compiler`` (the old
import loop between the two): the compiler builds :class:`Candidate` readings,
the filter bank prunes them into a :class:`FilterResult`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd

from snorkel_nb.labeling.explain.grammar import ExplanationParseError
from snorkel_nb.labeling.explain.predicates import Predicate, TextView, single_regex
from snorkel_nb.labeling.lf import LabelingFunction
from snorkel_nb.labeling.matrix import ABSTAIN

__all__ = ["Candidate", "Explanation", "ExplanationLF", "FilterResult", "example_text"]


@dataclass(frozen=True)
class Explanation:
    """A plain-English explanation, optionally with the example it explains.

    Parameters
    ----------
    text
        E.g. ``"SPAM because the comment contains a link"``.
    example
        The data point it explains: its text, or a mapping / row holding the
        compiler's field. The filter bank drops readings that do not give this
        example the explanation's label.
    name
        Optional LF name (otherwise one is derived from the reading).
    """

    text: str
    example: Any = None
    name: str | None = None


def _as_text(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return str(v)


def example_text(example: Any, field_name: str) -> str | None:
    """The text of an explanation's example, whatever form the user gave it.

    Parameters
    ----------
    example : str, mapping, row or None
        The example itself, or a mapping / ``pandas`` row / object holding it
        under ``field_name``.
    field_name : str
        The text field's name.

    Returns
    -------
    str or None
        The text (a missing or NaN value reads as ``""``); ``None`` when there
        is no example.

    Raises
    ------
    AttributeError
        If ``example`` has no ``field_name`` key or attribute.

    Examples
    --------
    >>> example_text({"text": "Call now"}, "text"), example_text(None, "text")
    ('Call now', None)
    """
    if example is None:
        return None
    if isinstance(example, str):
        return example
    try:
        return _as_text(example[field_name])
    except (KeyError, TypeError, IndexError):
        return _as_text(getattr(example, field_name))


def _group_batch(df: pd.DataFrame, lfs: Sequence[LabelingFunction]) -> np.ndarray:
    """Label ``df`` with several compiled LFs sharing one :class:`TextView`."""
    field_name = lfs[0].spec["args"]["field"]  # type: ignore[attr-defined]
    view = TextView(df[field_name])
    out = np.full((len(df), len(lfs)), ABSTAIN, dtype=np.int8)
    for j, lf in enumerate(lfs):
        out[lf.predicate.mask(view), j] = lf.label  # type: ignore[attr-defined]
    return out


class ExplanationLF(LabelingFunction):
    """A labeling function compiled from an explanation.

    Besides the :class:`LabelingFunction` interface it carries ``predicate``
    (the parsed condition), ``label`` (the id it votes), ``label_name``,
    ``explanation`` (the original text) and ``spec`` (JSON-able; rebuild with
    :func:`lf_from_spec`). Applied by
    :class:`~snorkel_nb.labeling.apply.PandasLFApplier`, all explanation LFs on
    one field share a single lower-cased view of the column.

    Parameters
    ----------
    name : str
        The LF's name.
    predicate : Predicate
        The parsed condition on the text.
    label : int
        The class id voted where the predicate holds.
    label_name : str
        The class's name.
    field : str, default "text"
        The text column read.
    explanation : str, default ""
        The original explanation.
    """

    def __init__(
        self,
        name: str,
        predicate: Predicate,
        label: int,
        label_name: str,
        field: str = "text",
        explanation: str = "",
    ) -> None:
        def f(
            x: Any, _p: Predicate = predicate, _y: int = label, _field: str = field
        ) -> int:
            return _y if _p.test(_as_text(x[_field])) else ABSTAIN

        def batch(
            df: pd.DataFrame,
            _p: Predicate = predicate,
            _y: int = label,
            _field: str = field,
        ) -> np.ndarray:
            return np.where(_p.mask(TextView(df[_field])), _y, ABSTAIN).astype(np.int8)

        pattern = single_regex(predicate)
        self.builder_lf = None
        if pattern is not None:  # it IS a regex LF: reuse the builder (group engine)
            from snorkel_nb.labeling.builders import regex_lf

            self.builder_lf = regex_lf(pattern, int(label), field=field, name=name)
            f, batch = self.builder_lf._f, self.builder_lf.batch  # type: ignore[assignment]
        description = (
            f"{label_name} because {field if field != 'text' else 'it'} "
            f"{predicate.describe()}"
        )
        super().__init__(name, f, batch=batch, description=description)
        self.predicate = predicate
        self.label = int(label)
        self.label_name = label_name
        self.field = field
        self.explanation = explanation
        self.batch_group = (
            (("snorkel_nb.explain", field), _group_batch)
            if self.builder_lf is None
            else self.builder_lf.batch_group
        )
        args = {
            "text": explanation,
            "label": label_name,
            "label_id": int(label),
            "field": field,
            "name": name,
            "parse": predicate.to_spec(),
        }
        self.spec: dict[str, Any] = {"builder": "explanation_lf", "args": args}
        ident = re.sub(r"\W", "_", name)
        # read by snorkel_nb.labeling.source.export_lfs / import_lfs
        self.source = (
            "from snorkel_nb.labeling.explain import explanation_lf\n\n"
            f"{ident} = explanation_lf(\n"
            + "".join(f"    {k}={v!r},\n" for k, v in args.items())
            + ")\n"
        )

    def mask(self, texts: Any) -> np.ndarray:
        """Bool [n]: where this LF votes, for a column or a :class:`TextView`."""
        view = texts if isinstance(texts, TextView) else TextView(texts)
        return self.predicate.mask(view)


@dataclass
class Candidate:
    """One reading of one explanation, before filtering.

    Attributes
    ----------
    explanation : Explanation
        The explanation read.
    lf : ExplanationLF
        The LF of this reading.
    rank : int
        0 for the most literal reading, higher for looser ones.
    index : int
        Position of the explanation in the batch.
    notes : list of str
        Why a filter kept or dropped it.
    """

    explanation: Explanation
    lf: ExplanationLF
    rank: int
    index: int = 0  # position of the explanation in the batch
    notes: list[str] = field(default_factory=list)


@dataclass
class FilterResult:
    """What the filter bank kept and why it dropped the rest.

    Attributes
    ----------
    lfs
        The kept labeling functions, in explanation order.
    report
        One row per candidate: ``explanation``, ``reading``, ``lf``, ``kept``,
        ``reason`` and ``coverage`` (share of the data it labels; NaN without
        data).
    parse_errors
        ``(index, explanation, error)`` for explanations that could not be
        parsed (with ``errors="collect"``).
    """

    lfs: list[ExplanationLF]
    report: pd.DataFrame
    parse_errors: list[tuple[int, Explanation, ExplanationParseError]] = field(
        default_factory=list
    )

    def summary(self) -> str:
        """One line per explanation: what was kept or why nothing was."""
        lines = []
        for exp, rows in self.report.groupby("explanation", sort=False):
            kept = rows[rows["kept"]]
            if len(kept):
                names = ", ".join(kept["lf"])
                lines.append(f"kept {names} ({len(rows) - len(kept)} dropped) <- {exp}")
            else:
                lines.append(f"NOTHING kept: {rows['reason'].iloc[-1]} <- {exp}")
        for _, exp, err in self.parse_errors:
            lines.append(f"UNPARSED ({err.unparsed!r}) <- {exp.text}")
        return "\n".join(lines)
