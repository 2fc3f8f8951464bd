"""Putting images and models in flash: image extents (:mod:`.firmware_image`), the model's place at the end
of flash (:mod:`.flash_layout`), and the checked flash sequence (:mod:`.programming`)."""
