"""The bundle's executable: the `annotator` command line, which opens the window when given no command."""

from annotator.cli.main import main

main()
