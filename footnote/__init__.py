"""The `footnote` command line: a thin driving adapter over the service layer.

`cli.py` parses, builds the Settings and dispatches; `arguments.py` holds what every command
shares; `commands/` has one module per subcommand; `follow.py` and `progress.py` are the
terminal's job follower and progress bar. Processes are started and stopped by
`tasks.processes`."""
