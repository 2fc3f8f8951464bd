"""Training keyword-spotting models: specs, data generation, Keras training, int8 conversion.

Why a package apart: this is the ONLY part of the workbench that imports TensorFlow (an import-linter
contract keeps ``workbench.core`` and ``workbench.gui`` free of it), and it always runs in a child
process (``kws train``), so a crash, a cancel or TensorFlow's memory never touch the GUI. Importing
this package itself does not import TensorFlow: ``spec/`` (spec files), ``data/`` (sample plan,
augmentation, features in worker processes) and ``run/``'s progress, cancel, state and teacher
modules are plain numpy, so ``kws specs`` works without it; ``model/`` (Keras building, weight import,
conversion) and ``run/``'s trainer, checkpoints, model setup and pipeline import it.
"""

TENSORFLOW_MISSING = "training needs TensorFlow: pip install kws-workbench[train]"
