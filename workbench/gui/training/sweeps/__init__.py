"""The Training workspace's Sweep tab: a ``kws sweep`` child over the form's spec, its trials' table and best ones.

Why a subpackage: the child and its view are one feature beside the workspace's single run, and the workspace only
places the tab.
"""
