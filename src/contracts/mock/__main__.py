"""``python -m contracts.mock``: the ``contracts mock`` command without the CLI group."""

from .command import main

main()
