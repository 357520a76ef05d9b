"""Teacher -> student distillation over servable features, qualification, ONNX."""

from snorkel_nb.distill.core import Lineage, distill, soften
from snorkel_nb.distill.export import (
    ExportResult,
    ParityError,
    export_onnx,
    load_student,
    onnx_available,
    read_onnx_lineage,
    save_student,
)
from snorkel_nb.distill.features import (
    FeatureSet,
    NonServableFeatureError,
    check_finite_features,
)
from snorkel_nb.distill.qualify import (
    Constraints,
    Qualification,
    measure_latency,
    qualify,
    select,
)
from snorkel_nb.distill.serve import OnnxStudent, predict_texts
from snorkel_nb.distill.students import (
    HashedLinear,
    Student,
    TfidfLogReg,
    TorchBag,
    make_student,
)
from snorkel_nb.distill.teachers import (
    Teacher,
    check_probs,
    data_hash,
    task_head_teacher,
)

__all__ = [
    "Constraints",
    "Qualification",
    "measure_latency",
    "qualify",
    "select",
    "ExportResult",
    "FeatureSet",
    "HashedLinear",
    "Lineage",
    "NonServableFeatureError",
    "OnnxStudent",
    "ParityError",
    "Student",
    "Teacher",
    "task_head_teacher",
    "TfidfLogReg",
    "TorchBag",
    "check_finite_features",
    "check_probs",
    "data_hash",
    "distill",
    "export_onnx",
    "load_student",
    "make_student",
    "onnx_available",
    "predict_texts",
    "read_onnx_lineage",
    "save_student",
    "soften",
]
