"""The interactive compare view: experiment table, overlaid curves, params diff, media."""
