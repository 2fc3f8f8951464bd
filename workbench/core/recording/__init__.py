"""Where recordings go and how none is lost: the user's recordings folder, and the copy on disk a recording is
spooled to while it is made, so that the window dying never takes it along.

Grouped apart from :mod:`workbench.core.audio` (where audio comes from): these hold what is kept of it.
"""
