"""Widgets of the watch dashboard only: metric list, run header, runs and key/value tables."""
