"""MLTK's published firmware images: which exist (:mod:`.catalog`) and a download-once cache (:mod:`.cache`)."""
