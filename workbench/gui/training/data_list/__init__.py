"""The Training workspace's Data list: the dataset folders a run trains on, their weights and clip counts, and
what a dataset built with "Synthesize…" brings into the form.
"""
