"""`python -m site_builder.bot [-c site.toml] ...` runs the bot (what `site-builder bot` does);
`python -m site_builder.bot consents --db URL [FILES...] -o register.csv` is `site-builder consents --db ...`."""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from . import cli


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["consents"]:
        from ..cli import main as site_builder

        return site_builder(argv)
    parser = argparse.ArgumentParser(prog="python -m site_builder.bot", description="Run the consent bot.")
    cli.add_arguments(parser)
    return cli.run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
