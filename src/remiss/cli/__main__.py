"""`python -m remiss.cli`: the same as the `remiss` command (tests and workers run it so)."""

from remiss.cli import main

main()
