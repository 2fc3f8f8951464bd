"""KWS Workbench: build, tune, profile and ship tiny keyword-spotting models for microcontrollers."""

__version__ = "0.1.0"
