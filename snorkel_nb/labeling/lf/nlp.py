"""LFs over spaCy ``Doc`` objects, sharing one parser and cache per LF class.

Every :class:`NLPLabelingFunction` reuses the same memoised
:class:`~snorkel_nb.preprocess.nlp.SpacyPreprocessor`, so a text is parsed once
however many NLP LFs read it; LFs asking for different parser settings in the
same class are refused (as in Snorkel). Needs the optional ``[nlp]`` extra.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, NamedTuple, Sequence

from snorkel_nb.labeling.lf.core import LabelingFunction
from snorkel_nb.preprocess.core import BasePreprocessor
from snorkel_nb.preprocess.nlp import EN_CORE_WEB_SM, SpacyPreprocessor
from snorkel_nb.types import HashingFunction


class SpacyPreprocessorParameters(NamedTuple):
    """The settings a :class:`SpacyPreprocessor` is built from."""

    text_field: str
    doc_field: str
    language: str
    disable: Sequence[str] | None
    pre: Sequence[BasePreprocessor]
    memoize: bool
    memoize_key: HashingFunction | None
    gpu: bool


class SpacyPreprocessorConfig(NamedTuple):
    """A shared :class:`SpacyPreprocessor` and the settings it was built with."""

    nlp: SpacyPreprocessor
    parameters: SpacyPreprocessorParameters


class BaseNLPLabelingFunction(LabelingFunction):
    """An LF whose data points carry a spaCy ``Doc`` (see ``NLPLabelingFunction``)."""

    _nlp_config: SpacyPreprocessorConfig

    @classmethod
    def _create_preprocessor(
        cls, parameters: SpacyPreprocessorParameters
    ) -> SpacyPreprocessor:
        return SpacyPreprocessor(**parameters._asdict())

    @classmethod
    def _create_or_check_preprocessor(
        cls, parameters: SpacyPreprocessorParameters
    ) -> None:
        config = cls.__dict__.get("_nlp_config")
        if config is None:
            nlp = cls._create_preprocessor(parameters)
            cls._nlp_config = SpacyPreprocessorConfig(nlp=nlp, parameters=parameters)
        elif parameters != config.parameters:
            raise ValueError(
                f"{cls.__name__} already configured with different parameters: "
                f"{config.parameters}"
            )

    def __init__(
        self,
        name: str,
        f: Callable[..., Any],
        resources: Mapping[str, Any] | None = None,
        pre: Sequence[BasePreprocessor] | None = None,
        text_field: str = "text",
        doc_field: str = "doc",
        language: str = EN_CORE_WEB_SM,
        disable: Sequence[str] | None = None,
        memoize: bool = True,
        memoize_key: HashingFunction | None = None,
        gpu: bool = False,
    ) -> None:
        self._create_or_check_preprocessor(
            SpacyPreprocessorParameters(
                text_field=text_field,
                doc_field=doc_field,
                language=language,
                disable=disable,
                pre=list(pre or []),
                memoize=memoize,
                memoize_key=memoize_key,
                gpu=gpu,
            )
        )
        super().__init__(name, f, resources=resources, pre=[self._nlp_config.nlp])


class NLPLabelingFunction(BaseNLPLabelingFunction):
    """An LF reading ``x.doc``, a spaCy ``Doc`` of ``x.text`` (shared parser).

    Examples
    --------
    >>> def has_person(x):
    ...     return 0 if any(e.label_ == "PERSON" for e in x.doc.ents) else -1
    >>> lf = NLPLabelingFunction(name="has_person", f=has_person)  # doctest: +SKIP
    """


class base_nlp_labeling_function:
    """Decorator base: builds ``_lf_cls`` from a function."""

    _lf_cls: type | None = None

    def __init__(
        self,
        name: str | None = None,
        resources: Mapping[str, Any] | None = None,
        pre: Sequence[BasePreprocessor] | None = None,
        text_field: str = "text",
        doc_field: str = "doc",
        language: str = EN_CORE_WEB_SM,
        disable: Sequence[str] | None = None,
        memoize: bool = True,
        memoize_key: HashingFunction | None = None,
        gpu: bool = False,
    ) -> None:
        if callable(name):
            raise ValueError("Looks like this decorator is missing parentheses!")
        self.name = name
        self.kwargs = dict(
            resources=resources,
            pre=pre,
            text_field=text_field,
            doc_field=doc_field,
            language=language,
            disable=disable,
            memoize=memoize,
            memoize_key=memoize_key,
            gpu=gpu,
        )

    def __call__(self, f: Callable[..., Any]) -> Any:
        if self._lf_cls is None:
            raise NotImplementedError("_lf_cls must be defined")
        return self._lf_cls(name=self.name or f.__name__, f=f, **self.kwargs)


class nlp_labeling_function(base_nlp_labeling_function):
    """Decorator making an :class:`NLPLabelingFunction` from ``f(x) -> label``.

    Examples
    --------
    >>> @nlp_labeling_function()  # doctest: +SKIP
    ... def short_doc(x):
    ...     return 0 if len(x.doc) < 5 else -1
    """

    _lf_cls = NLPLabelingFunction
