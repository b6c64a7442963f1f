"""Plot maths shared by the reports and the terminal charts: M4 decimation, axis ticks and
number formats, the series palette. Headless (numpy only)."""
