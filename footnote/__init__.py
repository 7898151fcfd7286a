"""The `footnote` command line: a thin driving adapter over the service layer."""
