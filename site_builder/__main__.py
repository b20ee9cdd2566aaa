"""`python -m site_builder` runs the command line."""

from .cli import run

run()
