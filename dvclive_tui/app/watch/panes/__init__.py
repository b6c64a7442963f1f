"""The dashboard's tab panes: charts, system metrics, tables, images and plots."""
