"""The watch dashboard: the app and its panes."""
