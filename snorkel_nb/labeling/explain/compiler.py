"""Compile parsed explanations into labeling functions.

The output is a list of :class:`~snorkel_nb.labeling.lf.LabelingFunction`.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import pandas as pd

from snorkel_nb.labeling.explain.filter_bank import FilterBank
from snorkel_nb.labeling.explain.grammar import (
    ExplanationParseError,
    normalize_labels,
    parse_explanation,
)
from snorkel_nb.labeling.explain.predicates import (
    predicate_from_spec,
)

from snorkel_nb.labeling.explain.types import (
    Candidate,
    Explanation,
    ExplanationLF,
    FilterResult,
)

_MAX_NAME = 64


def explanation_lf(
    text: str,
    label: str,
    label_id: int,
    field: str = "text",
    name: str | None = None,
    parse: Mapping[str, Any] | None = None,
) -> ExplanationLF:
    """Re-create an explanation LF (the form ``export_lfs`` writes).

    With ``parse`` (a predicate spec) the reading is rebuilt exactly; without
    it ``text`` is parsed again and its first reading used.

    Parameters
    ----------
    text : str
        The explanation, e.g. ``"SPAM because it contains a link"``.
    label : str
        The class name the explanation votes for.
    label_id : int
        That class's integer label.
    field : str, default "text"
        The data column the predicates read.
    name : str, optional
        The LF's name; derived from the reading by default.
    parse : mapping, optional
        A saved predicate spec (``lf.parse``).

    Returns
    -------
    ExplanationLF

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

    Parameters
    ----------
    spec : mapping
        An ``ExplanationLF.spec``.

    Returns
    -------
    ExplanationLF

    Examples
    --------
    >>> c = ExplanationCompiler(["HAM", "SPAM"])
    >>> lf = c.compile("SPAM because it contains a link")[0]
    >>> lf_from_spec(lf.spec).fingerprint == lf.fingerprint
    True
    """
    return explanation_lf(**spec["args"])


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

    def __init__(
        self, labels: Mapping[str, int] | Sequence[str], field: str = "text"
    ) -> None:
        self.labels = normalize_labels(labels)
        if not self.labels:
            raise ValueError(
                "labels is empty; give the label names, e.g. {'HAM': 0, 'SPAM': 1}."
            )
        self.field = field

    def candidates(
        self, explanation: str | Explanation, index: int = 0
    ) -> list[Candidate]:
        """Every reading of one explanation, as unfiltered candidates.

        Parameters
        ----------
        explanation : str or Explanation
            The explanation text (``"LABEL because ..."``) or a parsed one.
        index : int, default 0
            The explanation's position, used in candidate names and reports.

        Returns
        -------
        list of Candidate

        Raises
        ------
        ExplanationParseError
            When the explanation cannot be read (see :data:`SUPPORTED_FORMS`).

        Examples
        --------
        >>> c = ExplanationCompiler(["HAM", "SPAM"])
        >>> [x.lf.name for x in c.candidates("SPAM because it contains a link")]
        ['spam_has_links']
        """
        exp = (
            explanation
            if isinstance(explanation, Explanation)
            else Explanation(str(explanation))
        )
        parses = parse_explanation(exp.text, self.labels)
        out = []
        for p in parses:
            base = exp.name or f"{p.label_name.lower()}_{p.predicate.slug()}"
            name = base[:_MAX_NAME].rstrip("_")
            if exp.name and p.rank:
                name = f"{name}_{p.rank + 1}"
            lf = ExplanationLF(
                name,
                p.predicate,
                self.labels[p.label_name],
                p.label_name,
                self.field,
                exp.text,
            )
            out.append(Candidate(exp, lf, p.rank, index))
        return out

    def compile(self, explanation: str | Explanation) -> list[ExplanationLF]:
        """All candidate LFs of one explanation (most literal reading first).

        Use :meth:`compile_all` / :class:`FilterBank` to prune them.

        Parameters
        ----------
        explanation : str or Explanation
            ``"LABEL because ..."``.

        Returns
        -------
        list of ExplanationLF

        Raises
        ------
        ExplanationParseError
            When the explanation cannot be read.
        """
        return [c.lf for c in self.candidates(explanation)]

    def compile_all(
        self,
        explanations: Sequence[str | Explanation | tuple[str, Any]],
        data: pd.DataFrame | None = None,
        max_per_explanation: int | None = 1,
        errors: str = "raise",
    ) -> "FilterResult":
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
            The surviving LFs, the filter report and any collected parse
            errors.

        Raises
        ------
        ValueError
            On an unknown ``errors`` mode.
        ExplanationParseError
            With ``errors="raise"``, on the first explanation that cannot be
            read.

        Examples
        --------
        >>> c = ExplanationCompiler(["HAM", "SPAM"])
        >>> df = pd.DataFrame({"text": ["check my channel", "nice song", "love it"]})
        >>> r = c.compile_all(["SPAM because it contains the word 'channel'",
        ...                    "HAM because it hums"], df, errors="collect")
        >>> [lf.name for lf in r.lfs], len(r.parse_errors)
        (['spam_contains_channel'], 1)
        """
        if errors not in ("raise", "collect"):
            raise ValueError(f"errors must be 'raise' or 'collect'; got {errors!r}.")
        cands: list[Candidate] = []
        failures: list[tuple[int, Explanation, ExplanationParseError]] = []
        for i, e in enumerate(explanations):
            exp = (
                Explanation(e[0], e[1])
                if isinstance(e, tuple)
                else e
                if isinstance(e, Explanation)
                else Explanation(str(e))
            )
            try:
                cands += self.candidates(exp, index=i)
            except ExplanationParseError as err:
                if errors == "raise":
                    raise
                failures.append((i, exp, err))
        bank = FilterBank(
            data, field=self.field, max_per_explanation=max_per_explanation
        )
        result: FilterResult = bank.filter(cands)
        result.parse_errors = failures
        return result
