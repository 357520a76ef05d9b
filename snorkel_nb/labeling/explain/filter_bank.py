"""The filter bank (Babble Labble): prune candidate readings of explanations.

Filters, in order, for each explanation's readings (most literal first):

1. **example** — the reading must give the explanation's own example the
   explanation's label (semantic filter);
2. **trivial** — it must label some but not all points of the data;
3. **duplicate** — its votes on the data must differ from every LF kept so far
   (a reading identical in effect to an earlier one adds nothing);
4. **alternative** — at most ``max_per_explanation`` readings per explanation
   survive; the rest are reported as alternatives of the one kept.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

from snorkel_nb.labeling.explain.types import (
    Candidate,
    ExplanationLF,
    FilterResult,
    example_text,
)
from snorkel_nb.labeling.explain.predicates import TextView


class FilterBank:
    """Drop candidate LFs that fail their example, are trivial, or duplicate others.

    Parameters
    ----------
    data
        Unlabelled data with the text ``field`` (a DataFrame, a Series or a list
        of strings), or ``None`` to run only the example filter.
    field
        The text column.
    max_per_explanation
        Readings kept per explanation (``None``: all distinct ones).

    Examples
    --------
    >>> from snorkel_nb.labeling.explain import Explanation, ExplanationCompiler
    >>> c = ExplanationCompiler(["HAM", "SPAM"])
    >>> cands = c.candidates(Explanation("SPAM because it contains 'subscribe'",
    ...                                  example="pls subscribed to me"))
    >>> res = FilterBank(["subscribe now", "hi", "subscribed"]).filter(cands)
    >>> [lf.name for lf in res.lfs]
    ['spam_has_substr_subscribe']
    >>> res.report["reason"].tolist()[0]
    'does not label its example as SPAM'
    """

    def __init__(
        self, data: Any = None, field: str = "text", max_per_explanation: int | None = 1
    ) -> None:
        if data is None:
            self.view = None
        elif isinstance(data, pd.DataFrame):
            if field not in data.columns:
                raise ValueError(
                    f"data has no column {field!r}; columns: {list(data.columns)}"
                )
            self.view = TextView(data[field])
        else:
            self.view = TextView(data)
        self.field = field
        if max_per_explanation is not None and max_per_explanation < 1:
            raise ValueError("max_per_explanation must be >= 1 or None.")
        self.max_per_explanation = max_per_explanation

    def filter(self, candidates: Sequence[Candidate]) -> FilterResult:
        """Run the filters; see the module docstring for their order."""
        kept: list[ExplanationLF] = []
        seen_votes: dict[bytes, str] = {}
        kept_per_exp: dict[int, list[str]] = {}
        names: set[str] = set()
        rows = []
        for c in candidates:
            lf = c.lf
            reason = ""
            cov = float("nan")
            ex = example_text(c.explanation.example, self.field)
            if ex is not None and not lf.predicate.test(ex):
                reason = f"does not label its example as {lf.label_name}"
            if self.view is not None:
                m = lf.predicate.mask(self.view)
                cov = float(m.mean()) if len(m) else 0.0
                if not reason:
                    if not m.any():
                        reason = "trivial: labels no point of the data"
                    elif m.all():
                        reason = "trivial: labels every point of the data"
                if not reason:
                    key = np.packbits(m).tobytes() + bytes([lf.label % 256])
                    if key in seen_votes:
                        reason = f"duplicate: same votes as {seen_votes[key]}"
            if not reason:
                got = kept_per_exp.setdefault(c.index, [])
                if (
                    self.max_per_explanation is not None
                    and len(got) >= self.max_per_explanation
                ):
                    reason = f"alternative reading; kept {', '.join(got)}"
            if not reason:
                if lf.name in names:  # same name from two explanations
                    k = 2
                    while f"{lf.name}_{k}" in names:
                        k += 1
                    lf = ExplanationLF(
                        f"{lf.name}_{k}",
                        lf.predicate,
                        lf.label,
                        lf.label_name,
                        lf.field,
                        lf.explanation,
                    )
                names.add(lf.name)
                kept.append(lf)
                kept_per_exp[c.index].append(lf.name)
                if self.view is not None:
                    seen_votes[key] = lf.name
            rows.append(
                {
                    "explanation": c.explanation.text,
                    "reading": lf.description,
                    "lf": lf.name,
                    "kept": not reason,
                    "reason": reason or "kept",
                    "coverage": cov,
                }
            )
        report = pd.DataFrame(
            rows, columns=["explanation", "reading", "lf", "kept", "reason", "coverage"]
        )
        return FilterResult(kept, report)
