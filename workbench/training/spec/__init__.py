"""Model spec files (TOML): the layer vocabulary, the settings dataclasses, loading and writing.

See :mod:`.model_spec` for the format; shipped specs live in ``workbench/training/specs/`` and
recipes (specs that extend another and fix every setting of a reproducible run) in ``recipes/``.
"""

from workbench.spec_files import shipped_spec_names
from workbench.training.spec.model_spec import (AugmentationSettings, ConversionSettings, DataSettings,
                                                DetectionDefaults, ModelSpec, TrainingSettings, load_spec,
                                                spec_from_table)

__all__ = ["AugmentationSettings", "ConversionSettings", "DataSettings", "DetectionDefaults", "ModelSpec",
           "TrainingSettings", "load_spec", "shipped_spec_names", "spec_from_table"]
