"""The watch dashboard: the app, its messages, tab panes, widgets and warnings overlay."""
