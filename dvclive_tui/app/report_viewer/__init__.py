"""The report viewer: a run's report.md (or its text rendered on the fly) in the terminal."""
