"""Headless chart maths: decimation, smoothing, ticks and the braille rasteriser (no Textual)."""
