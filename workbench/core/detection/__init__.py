"""Detection: the firmware's smoothing rules (:mod:`.detector`), their settings and the live tuning model."""
