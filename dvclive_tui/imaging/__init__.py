"""Headless image rasteriser: half-cell block rendering of PNG/JPG (no Textual)."""
