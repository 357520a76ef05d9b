"""Test-session settings shared by unit tests and the nbval notebook runs."""

import os

# Tutorials shrink their data under tests; kernels started by nbval inherit this.
os.environ.setdefault("SNORKEL_NB_SMALL", "1")
# One thread each: 2-core CI machines oversubscribe otherwise.
for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(var, "1")
os.environ.setdefault("TQDM_DISABLE", "1")
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")

# The Dask backend is an optional extra: without it, skip its modules' doctests.
try:
    import dask.dataframe  # noqa: F401
    import dask.distributed  # noqa: F401
    import pyarrow  # noqa: F401
except ImportError:
    collect_ignore = [
        "snorkel_nb/labeling/apply/dask.py",
        "snorkel_nb/labeling/dask_stats.py",
        "snorkel_nb/pipeline.py",
    ]
