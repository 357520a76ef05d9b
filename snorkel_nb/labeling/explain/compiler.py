"""Compile parsed explanations into :class:`~snorkel_nb.labeling.lf.LabelingFunction`s."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import numpy as np
import pandas as pd

from snorkel_nb.labeling.explain.grammar import (
    ExplanationParseError,
    normalize_labels,
    parse_explanation,
)
from snorkel_nb.labeling.explain.predicates import (
    Predicate,
    TextView,
    predicate_from_spec,
    single_regex,
)
from snorkel_nb.labeling.lf import LabelingFunction
from snorkel_nb.labeling.matrix import ABSTAIN

if TYPE_CHECKING:
    from snorkel_nb.labeling.explain.filter_bank import FilterResult

_MAX_NAME = 64


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


def _example_text(example: Any, field_name: str) -> str | None:
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
    """

    def __init__(self, name: str, predicate: Predicate, label: int, label_name: str,
                 field: str = "text", explanation: str = "") -> None:
        def f(x: Any, _p: Predicate = predicate, _y: int = label,
              _field: str = field) -> int:
            return _y if _p.test(_as_text(x[_field])) else ABSTAIN

        def batch(df: pd.DataFrame, _p: Predicate = predicate, _y: int = label,
                  _field: str = field) -> np.ndarray:
            return np.where(_p.mask(TextView(df[_field])), _y, ABSTAIN).astype(np.int8)

        pattern = single_regex(predicate)
        self.builder_lf = None
        if pattern is not None:  # it IS a regex LF: reuse the builder (group engine)
            from snorkel_nb.labeling.builders import regex_lf

            self.builder_lf = regex_lf(pattern, int(label), field=field, name=name)
            f, batch = self.builder_lf._f, self.builder_lf.batch  # type: ignore[assignment]
        description = f"{label_name} because {field if field != 'text' else 'it'} " \
            f"{predicate.describe()}"
        super().__init__(name, f, batch=batch, description=description)
        self.predicate = predicate
        self.label = int(label)
        self.label_name = label_name
        self.field = field
        self.explanation = explanation
        self.batch_group = (("snorkel_nb.explain", field), _group_batch) \
            if self.builder_lf is None else self.builder_lf.batch_group
        args = {"text": explanation, "label": label_name, "label_id": int(label),
                "field": field, "name": name, "parse": predicate.to_spec()}
        self.spec: dict[str, Any] = {"builder": "explanation_lf", "args": args}
        ident = re.sub(r"\W", "_", name)
        # read by snorkel_nb.labeling.source.export_lfs / import_lfs
        self.source = (
            "from snorkel_nb.labeling.explain import explanation_lf\n\n"
            f"{ident} = explanation_lf(\n"
            + "".join(f"    {k}={v!r},\n" for k, v in args.items()) + ")\n")

    def mask(self, texts: Any) -> np.ndarray:
        """Bool [n]: where this LF votes, for a column or a :class:`TextView`."""
        view = texts if isinstance(texts, TextView) else TextView(texts)
        return self.predicate.mask(view)


def explanation_lf(text: str, label: str, label_id: int, field: str = "text",
                   name: str | None = None, parse: Mapping[str, Any] | None = None
                   ) -> ExplanationLF:
    """Re-create an explanation LF (the form ``export_lfs`` writes).

    With ``parse`` (a predicate spec) the reading is rebuilt exactly; without
    it ``text`` is parsed again and its first reading used.

    Examples
    --------
    >>> lf = explanation_lf("SPAM because it contains a link", "SPAM", 1)
    >>> lf.name, lf.description
    ('spam_has_links', 'SPAM because it contains at least one link')
    """
    if parse is not None:
        pred = predicate_from_spec(dict(parse))
    else:
        pred = parse_explanation(text, {label: label_id})[0].predicate
    name = name or f"{label.lower()}_{pred.slug()}"[:_MAX_NAME].rstrip("_")
    return ExplanationLF(name, pred, label_id, label, field, text)


def lf_from_spec(spec: Mapping[str, Any]) -> ExplanationLF:
    """Rebuild an :class:`ExplanationLF` from its ``spec`` (no re-parsing).

    Examples
    --------
    >>> c = ExplanationCompiler(["HAM", "SPAM"])
    >>> lf = c.compile("SPAM because it contains a link")[0]
    >>> lf_from_spec(lf.spec).fingerprint == lf.fingerprint
    True
    """
    return explanation_lf(**spec["args"])


@dataclass
class Candidate:
    """One reading of one explanation, before filtering."""

    explanation: Explanation
    lf: ExplanationLF
    rank: int
    index: int = 0  # position of the explanation in the batch
    notes: list[str] = field(default_factory=list)


class ExplanationCompiler:
    """Turn plain-English explanations into labeling functions.

    Parameters
    ----------
    labels
        The label vocabulary: a mapping name -> id (``{"HAM": 0, "SPAM": 1}``)
        or a list of names (ids are positions).
    field
        The text column the LFs read.

    Examples
    --------
    >>> c = ExplanationCompiler({"HAM": 0, "SPAM": 1})
    >>> lfs = c.compile("Label SPAM because the comment contains the word 'subscribe'")
    >>> [lf.name for lf in lfs]
    ['spam_contains_subscribe']
    >>> lfs[0](pd.Series({"text": "Please SUBSCRIBE!"}))
    1
    >>> lfs[0].description
    "SPAM because it contains the word 'subscribe'"
    """

    def __init__(self, labels: Mapping[str, int] | Sequence[str], field: str = "text"
                 ) -> None:
        self.labels = normalize_labels(labels)
        if not self.labels:
            raise ValueError("labels is empty; give the label names, e.g. "
                             "{'HAM': 0, 'SPAM': 1}.")
        self.field = field

    def candidates(self, explanation: str | Explanation, index: int = 0
                   ) -> list[Candidate]:
        """Every reading of one explanation, as unfiltered candidates.

        Raises
        ------
        ExplanationParseError
            When the explanation cannot be read (see :data:`SUPPORTED_FORMS`).
        """
        exp = explanation if isinstance(explanation, Explanation) else \
            Explanation(str(explanation))
        parses = parse_explanation(exp.text, self.labels)
        out = []
        for p in parses:
            base = exp.name or f"{p.label_name.lower()}_{p.predicate.slug()}"
            name = base[:_MAX_NAME].rstrip("_")
            if exp.name and p.rank:
                name = f"{name}_{p.rank + 1}"
            lf = ExplanationLF(name, p.predicate, self.labels[p.label_name],
                               p.label_name, self.field, exp.text)
            out.append(Candidate(exp, lf, p.rank, index))
        return out

    def compile(self, explanation: str | Explanation) -> list[ExplanationLF]:
        """All candidate LFs of one explanation (most literal reading first).

        Use :meth:`compile_all` / :class:`FilterBank` to prune them.
        """
        return [c.lf for c in self.candidates(explanation)]

    def compile_all(self, explanations: Sequence[str | Explanation | tuple[str, Any]],
                    data: pd.DataFrame | None = None, max_per_explanation: int | None = 1,
                    errors: str = "raise") -> "FilterResult":
        """Parse many explanations and run the filter bank over ``data``.

        Parameters
        ----------
        explanations
            Strings, :class:`Explanation` objects, or ``(text, example)`` pairs.
        data
            Unlabelled data (a DataFrame with the compiler's field) for the
            duplicate and triviality filters; without it only the example
            filter runs.
        max_per_explanation
            Keep at most this many surviving readings per explanation (the most
            literal first); ``None`` keeps all distinct ones (Babble Labble).
        errors
            ``"raise"`` (default): raise the first :class:`ExplanationParseError`.
            ``"collect"``: record it in the report and go on.

        Returns
        -------
        FilterResult
        """
        from snorkel_nb.labeling.explain.filter_bank import FilterBank

        if errors not in ("raise", "collect"):
            raise ValueError(f"errors must be 'raise' or 'collect'; got {errors!r}.")
        cands: list[Candidate] = []
        failures: list[tuple[int, Explanation, ExplanationParseError]] = []
        for i, e in enumerate(explanations):
            exp = Explanation(e[0], e[1]) if isinstance(e, tuple) else \
                e if isinstance(e, Explanation) else Explanation(str(e))
            try:
                cands += self.candidates(exp, index=i)
            except ExplanationParseError as err:
                if errors == "raise":
                    raise
                failures.append((i, exp, err))
        bank = FilterBank(data, field=self.field, max_per_explanation=max_per_explanation)
        result: FilterResult = bank.filter(cands)
        result.parse_errors = failures
        return result
