"""The augmentation preview (``kws train --preview-augmentation N``): training samples as training makes them, to
hear and see, without training.

Why: the spec's ``[augmentation]`` (background noise, loudness, speed and pitch, trimming, masks) decides what the
model learns from, yet nobody heard it -- MLTK's ``data_dump_dir`` answers the same need. The preview draws its
samples from the run's own plan, epoch and order (:mod:`.preview_samples`) and renders them with the training's
:class:`~workbench.training.data.features.SampleRenderer` (:mod:`.preview_run`), so what it shows is what the first
epoch trains on. Plain numpy, soxr and the native frontend, like ``data/``: it imports no TensorFlow.
"""
