"""CLI sub-commands, one module each (``add_arguments`` + ``run``)."""
