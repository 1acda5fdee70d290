"""The monitor: live feeds (``watch``), alerts on incident changes and situation reports.

The commands are added to the main CLI by :func:`corroborate.monitor.cli.register`.
"""
