"""Board commands: ``kws board …`` on a Silicon Labs EFR32 dev kit."""
