"""LF suggestions: keyword / n-gram LFs aimed at the points current LFs miss.

Targets are the points that no LF labels (uncovered) or that LFs disagree on
(conflict). Candidate n-grams come from a scikit-learn ``CountVectorizer`` over
the text column; each is scored by how many target points it reaches times a
smoothed precision for its best label, estimated on a small labelled dev set
when one is given (and the n-gram occurs there), else from agreement with the
current LFs' non-conflicting votes. Ties are broken by n-gram text, so the
result is deterministic. A greedy pass skips n-grams that mostly re-cover
targets already reached by a better suggestion.

Every suggestion is a :func:`~snorkel_nb.labeling.builders.keyword_lf`
(whole word, case-insensitive) and the coverage reported is that LF's exact
coverage; ``Suggestion.explanation`` gives the same rule as an explanation.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from snorkel_nb.labeling.explain.grammar import normalize_labels
from snorkel_nb.labeling.explain.predicates import TextView, slugify
from snorkel_nb.labeling.lf import LabelingFunction
from snorkel_nb.labeling.matrix import ABSTAIN, check_gold, check_label_matrix


@dataclass(frozen=True)
class Suggestion:
    """One proposed keyword LF.

    Attributes
    ----------
    ngram
        The word or phrase (lower case).
    label, label_name
        The label it would vote.
    coverage
        Share of all points the LF labels (exact, from the compiled LF).
    target_coverage
        Share of the target (uncovered / conflicting) points it labels.
    n_target
        Number of target points it labels.
    dev_precision
        Share of dev points containing the n-gram whose gold is ``label``
        (NaN when no dev gold or fewer than ``min_dev`` dev hits).
    n_dev
        Number of dev points containing it.
    weak_agreement
        Share of points with a non-conflicting LF vote containing the n-gram
        whose vote is ``label`` (NaN when there are none).
    label_source
        ``"dev"`` or ``"weak"``: what chose the label.
    score
        The ranking score (target hits x smoothed precision).
    """

    ngram: str
    label: int
    label_name: str
    coverage: float
    target_coverage: float
    n_target: int
    dev_precision: float
    n_dev: int
    weak_agreement: float
    label_source: str
    score: float

    @property
    def explanation(self) -> str:
        """The suggestion as an explanation the compiler reads."""
        return f"{self.label_name} because it contains the word '{self.ngram}'"

    def to_lf(self, field: str = "text") -> LabelingFunction:
        """The suggestion as a labeling function (a :func:`keyword_lf`).

        Parameters
        ----------
        field : str, default "text"
            The text column the LF reads.

        Returns
        -------
        LabelingFunction
        """
        return _keyword_lf(self.ngram, self.label, self.label_name, field)


class Suggestions(list):
    """A list of :class:`Suggestion` with a table view and LF export."""

    field: str = "text"

    def to_frame(self) -> pd.DataFrame:
        cols = list(Suggestion.__dataclass_fields__)
        return pd.DataFrame([asdict(s) for s in self], columns=cols)

    def lfs(self) -> list[LabelingFunction]:
        return [s.to_lf(self.field) for s in self]


def _keyword_lf(
    ngram: str, label: int, label_name: str, field: str
) -> LabelingFunction:
    from snorkel_nb.labeling.builders import keyword_lf

    lf = keyword_lf(
        [ngram],
        int(label),
        field=field,
        name=f"{label_name.lower()}_kw_{slugify(ngram)}",
    )
    lf.description = f"{label_name} because it contains the word '{ngram}' (suggested)"
    return lf


def _pseudo_labels(L: np.ndarray, k: int) -> np.ndarray:
    """Label where LFs vote without conflict (their common label), else -1."""
    voted = L != ABSTAIN
    lo = np.where(voted, L, k).min(axis=1)
    hi = np.where(voted, L, -1).max(axis=1)
    return np.where(voted.any(axis=1) & (lo == hi), hi, ABSTAIN)


def _class_counts(X: sp.csr_matrix, y: np.ndarray, k: int) -> np.ndarray:
    """[k, V] number of rows of each class containing each n-gram."""
    out = np.zeros((k, X.shape[1]))
    for c in range(k):
        rows = np.nonzero(y == c)[0]
        if len(rows):
            out[c] = np.asarray(X[rows].sum(axis=0)).ravel()
    return out


def suggest_lfs(
    data: pd.DataFrame,
    L: Any = None,
    lfs: Sequence[LabelingFunction] | None = None,
    labels: Mapping[str, int] | Sequence[str] | None = None,
    dev: pd.DataFrame | None = None,
    Y_dev: Any = None,
    field: str = "text",
    label_column: str = "label",
    target: str = "uncovered+conflict",
    ngram_range: tuple[int, int] = (1, 2),
    min_count: int = 3,
    min_precision: float = 0.7,
    min_dev: int = 2,
    min_new: float = 0.5,
    top_k: int = 10,
    stop_words: str | Sequence[str] | None = "english",
) -> Suggestions:
    """Propose keyword/n-gram LFs for the points current LFs miss or disagree on.

    Parameters
    ----------
    data
        Unlabelled data with the text ``field``.
    L
        The current [n, m] label matrix on ``data`` (or give ``lfs`` to have it
        computed). Without either every point is a target.
    lfs
        Current LFs; applied to ``data`` when ``L`` is not given.
    labels
        Label names (mapping name -> id, or list of names); default ``"0"``...
    dev
        Optional small labelled dev set (DataFrame with ``field`` and
        ``label_column``, or give gold as ``Y_dev``).
    Y_dev
        Gold labels of ``dev``'s rows (-1 = unknown); used only with ``dev``,
        instead of its ``label_column``.
    field
        The text column of ``data`` and ``dev``.
    label_column
        ``dev``'s gold column when ``Y_dev`` is not given.
    target
        ``"uncovered+conflict"``, ``"uncovered"``, ``"conflict"`` or ``"all"``.
    ngram_range, min_count, stop_words
        N-gram lengths; minimum number of points an n-gram must occur in;
        stop words (scikit-learn's English list by default) dropped from
        unigrams and from the ends of n-grams.
    min_precision
        Minimum (unsmoothed) precision for the chosen label.
    min_dev
        Dev hits needed to trust dev precision; rarer n-grams use weak votes.
    min_new
        A suggestion must reach at least this share of targets not already
        reached by higher-ranked suggestions.
    top_k
        Number of suggestions.

    Returns
    -------
    Suggestions
        Best first; ``.to_frame()`` for a table, ``.lfs()`` for LFs.

    Raises
    ------
    ValueError
        When no label can be estimated (neither dev gold nor ``L``/``lfs``),
        ``data`` has no ``field`` column, or ``L`` and ``data`` differ in row
        count.

    Examples
    --------
    >>> df = pd.DataFrame({"text": ["buy cheap pills", "cheap pills now", "nice song",
    ...                              "great song", "cheap pills here", "lovely song"]})
    >>> dev = pd.DataFrame({"text": ["cheap pills", "cheap pills!", "song"],
    ...                     "label": [1, 1, 0]})
    >>> s = suggest_lfs(df, labels=["HAM", "SPAM"], dev=dev, min_count=2, min_dev=1)
    >>> [(x.ngram, x.label_name, x.coverage) for x in s]
    [('cheap', 'SPAM', 0.5), ('song', 'HAM', 0.5)]
    """
    from sklearn.feature_extraction.text import CountVectorizer

    if field not in data.columns:
        raise ValueError(f"data has no column {field!r}.")
    n = len(data)
    if L is None and lfs:
        from snorkel_nb.labeling.apply import PandasLFApplier

        L = PandasLFApplier(lfs).apply(data, progress_bar=False)
    if L is not None:
        L = check_label_matrix(L, name="L")
        if len(L) != n:
            raise ValueError(f"L has {len(L)} rows but data has {n}.")
    label_map = normalize_labels(labels) if labels is not None else None
    k_from = [max(label_map.values()) + 1] if label_map else []
    if L is not None and L.size:
        k_from.append(int(L.max()) + 1)
    y_dev = None
    if dev is not None:
        y_dev = check_gold(Y_dev if Y_dev is not None else dev[label_column], len(dev))
        k_from.append(int(y_dev.max()) + 1 if len(y_dev) else 0)
    k = max(k_from + [2])
    names = {v: k_ for k_, v in label_map.items()} if label_map else {}
    names = {c: names.get(c, str(c)) for c in range(k)}
    if y_dev is None and L is None:
        raise ValueError(
            "suggest_lfs needs dev gold (dev / Y_dev) or the current "
            "LFs (L / lfs) to choose each suggestion's label."
        )

    # targets
    if L is None or target == "all":
        tmask = np.ones(n, dtype=bool)
    else:
        voted = L != ABSTAIN
        uncovered = ~voted.any(axis=1)
        lo = np.where(voted, L, k).min(axis=1)
        hi = np.where(voted, L, -1).max(axis=1)
        conflict = voted.any(axis=1) & (lo != hi)
        tmask = {
            "uncovered+conflict": uncovered | conflict,
            "uncovered": uncovered,
            "conflict": conflict,
        }.get(target)  # type: ignore[assignment]
        if tmask is None:
            raise ValueError(
                f"target must be 'uncovered+conflict', 'uncovered', "
                f"'conflict' or 'all'; got {target!r}."
            )
    out = Suggestions()
    out.field = field
    if not tmask.any():
        return out

    texts = TextView(data[field]).lower
    vec = CountVectorizer(
        ngram_range=ngram_range, binary=True, min_df=min_count, dtype=np.int32
    )
    try:
        X = vec.fit_transform(texts).tocsc()
    except ValueError:  # empty vocabulary
        return out
    vocab = vec.get_feature_names_out()
    stops = set()
    if stop_words == "english":
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

        stops = set(ENGLISH_STOP_WORDS)
    elif stop_words:
        stops = set(stop_words)
    keep_term = np.array(
        [not (g.split()[0] in stops or g.split()[-1] in stops) for g in vocab],
        dtype=bool,
    )
    Xr = X.tocsr()
    n_target = np.asarray(Xr[tmask].sum(axis=0)).ravel()

    # label estimates
    dev_counts = None
    if y_dev is not None:
        Xd = vec.transform(TextView(dev[field]).lower).tocsr()
        dev_counts = _class_counts(Xd, y_dev, k)
    weak_counts = None
    if L is not None:
        weak_counts = _class_counts(Xr, _pseudo_labels(L, k), k)

    V = len(vocab)
    label = np.full(V, -1)
    prec = np.full(V, np.nan)
    smooth = np.zeros(V)
    source = np.array([""] * V, dtype=object)
    if dev_counts is not None:
        tot = dev_counts.sum(axis=0)
        ok = tot >= min_dev
        best = dev_counts.argmax(axis=0)
        p = dev_counts[best, np.arange(V)] / np.maximum(tot, 1)
        sel = ok
        label[sel], prec[sel] = best[sel], p[sel]
        smooth[sel] = (dev_counts[best, np.arange(V)][sel] + 1) / (tot[sel] + k)
        source[sel] = "dev"
    if weak_counts is not None:
        tot = weak_counts.sum(axis=0)
        best = weak_counts.argmax(axis=0)
        p = weak_counts[best, np.arange(V)] / np.maximum(tot, 1)
        sel = (label == -1) & (tot >= min_count)
        label[sel], prec[sel] = best[sel], p[sel]
        smooth[sel] = (weak_counts[best, np.arange(V)][sel] + 1) / (tot[sel] + k)
        source[sel] = "weak"
    cand = np.nonzero(
        keep_term & (label >= 0) & (prec >= min_precision) & (n_target > 0)
    )[0]
    score = n_target[cand] * smooth[cand]
    order = cand[np.lexsort((vocab[cand], -n_target[cand], -score))]

    reached = np.zeros(n, dtype=bool)
    n_t = int(tmask.sum())
    weak_y = _pseudo_labels(L, k) if L is not None else None
    for j in order:
        if len(out) >= top_k:
            break
        rows = X[:, j].indices
        hit_t = rows[tmask[rows]]
        if len(hit_t) == 0 or np.mean(~reached[hit_t]) < min_new:
            continue
        g = str(vocab[j])
        y = int(label[j])
        lf = _keyword_lf(g, y, names[y], field)
        m = np.asarray(lf.batch(data)) != ABSTAIN  # exact coverage of the LF
        reached |= m & tmask
        dprec, ndev = float("nan"), 0
        if dev_counts is not None:
            ndev = int(dev_counts[:, j].sum())
            if ndev >= min_dev:
                dprec = float(dev_counts[y, j] / ndev)
        wagree = float("nan")
        if weak_y is not None:
            wm = m & (weak_y != ABSTAIN)
            if wm.any():
                wagree = float(np.mean(weak_y[wm] == y))
        out.append(
            Suggestion(
                ngram=g,
                label=y,
                label_name=names[y],
                coverage=float(m.mean()),
                target_coverage=float((m & tmask).sum() / n_t),
                n_target=int((m & tmask).sum()),
                dev_precision=dprec,
                n_dev=ndev,
                weak_agreement=wagree,
                label_source=str(source[j]),
                score=float(n_target[j] * smooth[j]),
            )
        )
    return out
