"""Overlays shared by the apps: the help built from bindings, the scrolling box they sit in."""
