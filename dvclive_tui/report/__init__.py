"""Headless report renderers: report.html and report.md (no Textual)."""
