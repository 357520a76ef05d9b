"""Altair chart builders for LF and label-model views (tidy DataFrame in, chart out)."""

# The public names are listed once, in charts.__all__.
from snorkel_nb.viz.charts import *  # noqa: F403
from snorkel_nb.viz.charts import __all__  # noqa: F401
