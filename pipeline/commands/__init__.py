"""Use cases: each module orchestrates domain modules for one command.

Use cases take a loaded :class:`~pipeline.config.Config`, return result
objects and raise :mod:`pipeline.errors`; they never print and never parse
arguments.
"""
