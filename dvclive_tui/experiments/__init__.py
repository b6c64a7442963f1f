"""Headless: DVC experiments read straight from git objects (no Textual, no dvc CLI)."""
