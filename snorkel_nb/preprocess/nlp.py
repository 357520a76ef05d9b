"""spaCy preprocessing (optional extra: ``pip install "snorkel_nb[nlp]"``).

spaCy models are separate downloads. Where a model cannot be loaded (not
installed, no network), :class:`SpacyPreprocessor` falls back to a *blank*
pipeline of the same language and warns once per model: tokens are right, but
there are no part-of-speech tags, parses or entities (``doc.ents`` is empty),
so LFs over those give different votes than with the model.
"""

from __future__ import annotations

import warnings
from typing import Any, Sequence

from snorkel_nb.preprocess.core import BasePreprocessor, Preprocessor
from snorkel_nb.types import FieldMap, HashingFunction

EN_CORE_WEB_SM = "en_core_web_sm"

_PIPELINES: dict[tuple[str, tuple[str, ...]], Any] = {}


class SpacyModelMissingWarning(UserWarning):
    """A spaCy model was not found; a blank pipeline is used instead."""


def import_spacy() -> Any:
    """Import spaCy, or explain how to install the optional extra."""
    try:
        import spacy
    except ImportError as e:
        raise ImportError(
            "spaCy is not installed; the NLP operators need the optional extra: "
            'pip install "snorkel_nb[nlp]"'
        ) from e
    return spacy


def load_spacy(language: str = EN_CORE_WEB_SM, disable: Sequence[str] = ()) -> Any:
    """A spaCy pipeline for ``language`` (a model name or a language code).

    Loaded pipelines are shared by every caller in the process. When the model
    cannot be loaded, a blank pipeline of its language (the code before the
    first ``_``, e.g. ``en`` for ``en_core_web_sm``) is returned with a
    :class:`SpacyModelMissingWarning`.

    Parameters
    ----------
    language
        A spaCy model name (``"en_core_web_sm"``) or a language code.
    disable
        Pipeline components not to load; part of the sharing key.

    Returns
    -------
    spacy.language.Language
        The loaded model, or a blank pipeline (``"xx"`` when the language
        code is unknown to spaCy).

    Raises
    ------
    ImportError
        If spaCy is not installed (the message names the ``nlp`` extra).
    """
    key = (language, tuple(disable or ()))
    if key in _PIPELINES:
        return _PIPELINES[key]
    spacy = import_spacy()
    try:
        nlp = spacy.load(language, disable=list(disable or ()))
    except (OSError, ImportError, ValueError) as e:
        lang = language.split("_")[0] if language else "en"
        try:
            nlp = spacy.blank(lang)
        except Exception:
            lang = "xx"
            nlp = spacy.blank(lang)
        warnings.warn(
            f"spaCy model {language!r} could not be loaded ({type(e).__name__}); "
            f"using a blank {lang!r} pipeline instead: tokens only, no tags, "
            "parses or named entities (doc.ents is empty). Install the model "
            f"(python -m spacy download {language}) where downloads are allowed.",
            SpacyModelMissingWarning,
            stacklevel=3,
        )
    _PIPELINES[key] = nlp
    return nlp


def clear_spacy_pipelines() -> None:
    """Forget the loaded pipelines (the next load reloads, and warns again)."""
    _PIPELINES.clear()


class SpacyPreprocessor(Preprocessor):
    """Parse a text field with spaCy and store the ``Doc`` in another field.

    Parameters
    ----------
    text_field
        Field holding the text.
    doc_field
        Field the parsed ``Doc`` is written to.
    language
        spaCy model name (or language code for a blank pipeline).
    disable
        Pipeline components to disable.
    pre
        Preprocessors run before parsing.
    memoize
        Cache parsed points by content (default False, as Snorkel).
    memoize_key
        Cache key of a data point (default: its content).
    gpu
        Ask spaCy to prefer a GPU.

    Examples
    --------
    >>> import warnings
    >>> from types import SimpleNamespace
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     spacy_pre = SpacyPreprocessor("text", "doc")  # doctest: +SKIP
    >>> [t.text for t in spacy_pre(SimpleNamespace(text="Hi there")).doc]
    ... # doctest: +SKIP
    ['Hi', 'there']
    """

    def __init__(
        self,
        text_field: str,
        doc_field: str,
        language: str = EN_CORE_WEB_SM,
        disable: Sequence[str] | None = None,
        pre: Sequence[BasePreprocessor] | None = None,
        memoize: bool = False,
        memoize_key: HashingFunction | None = None,
        gpu: bool = False,
    ) -> None:
        super().__init__(
            type(self).__name__,
            field_names=dict(text=text_field),
            mapped_field_names=dict(doc=doc_field),
            pre=pre,
            memoize=memoize,
            memoize_key=memoize_key,
        )
        self.gpu = gpu
        if gpu:
            import_spacy().prefer_gpu()
        self._nlp = load_spacy(language, disable or ())

    def run(self, text: str) -> FieldMap:  # type: ignore[override]
        """Parse ``text``; returns ``{"doc": Doc}``."""
        if not isinstance(text, str):
            raise TypeError(
                f"SpacyPreprocessor needs a str text field; got {type(text).__name__}"
            )
        return dict(doc=self._nlp(text))
