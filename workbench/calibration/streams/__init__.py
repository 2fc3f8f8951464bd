"""Test streams: building labelled streams from dataset folders, and reading labels files."""
