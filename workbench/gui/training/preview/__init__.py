"""The Training workspace's "Preview augmentation…": run ``kws train … --preview-augmentation N`` on the form, then
list the samples it wrote, show each one's spectrogram and play its audio.

Why a subpackage: the child, the index reader, the player and the view are one feature beside the workspace's
training, and the workspace only wires its button (:mod:`.augmentation_preview`).
"""
