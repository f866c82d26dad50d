"""`python -m remiss.cli`: the same as the `remiss` console script."""

from remiss.cli import main

main()
