"""One module per ``regionready`` command, each with the contract of
:class:`regionready.cli.parser.Command`: ``NAME``, ``HELP``, ``add_arguments(parser)``
and ``run(args) -> exit code``. :data:`regionready.cli.app.COMMANDS` lists them in the
order ``regionready --help`` shows them.

A command raises :class:`~regionready.errors.RegionReadyError` (usually
:class:`~regionready.errors.UsageError`) for bad input; :func:`regionready.cli.main`
turns it into one line and exit 2 (see :mod:`regionready.errors`).
"""
