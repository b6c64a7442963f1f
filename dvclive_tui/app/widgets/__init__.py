"""Widgets shared by the apps: charts and their grid, image and plot views, the filter bar."""
