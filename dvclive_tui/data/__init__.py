"""Headless data layer: tailing dvclive files into a run model. Never imports Textual."""
