"""`python -m remiss.cli`: the `remiss` command."""

from remiss.cli import main

main()
