"""`gongkai sources check [FILE]` and `gongkai discover URL [--county NAME]`: adding a county."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from pipelines.core.settings import Settings


def invalid_sources(path: Path, prog: str) -> bool:
    """Print every problem of the sources file to stderr; True when there is one."""
    from pipelines.core.sources_schema import SourcesError, validate_file

    try:
        validate_file(path)
    except SourcesError as exc:
        print(f"{prog}: the sources file cannot be used ({len(exc.problems)} problem"
              f"{'s' if len(exc.problems) > 1 else ''}):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return True
    return False


def cmd_sources_check(args) -> int:
    path = Path(args.file) if args.file else Settings.resolve(args.sources).sources_file
    if invalid_sources(path, "gongkai sources check"):
        return 2
    from pipelines.core.sources import load_sources

    sources = load_sources(path)
    print(f"{path}: {len(sources)} source(s) ok")
    for s in sources:
        extras = ", ".join(k for k in s.options) or "defaults"
        print(f"  {s.county}: {len(s.start_urls)} start URL(s); options: {extras}")
    return 0


def cmd_discover(args) -> int:
    from pipelines.crawl.discover import discover, render

    options = {"min_interval_seconds": args.min_interval_seconds}
    list_api = None
    if args.list_api:
        from pydantic import ValidationError

        from pipelines.core.sources_schema import ListApiModel

        try:
            list_api = tomllib.loads("list_api = " + args.list_api)["list_api"]
            ListApiModel.model_validate(list_api)
        except (tomllib.TOMLDecodeError, ValidationError) as exc:
            print(f"gongkai discover: --list-api is not a usable list_api table: {exc}", file=sys.stderr)
            return 2
    found = discover(args.url, args.county, options=options, list_api=list_api)
    print(render(found))
    if found.reason:
        print(f"gongkai discover: no reports found: {found.reason}", file=sys.stderr)
        return 1
    return 0


def add_commands(sub, common) -> None:
    p_src = sub.add_parser("sources", help="check a sources file")
    src_sub = p_src.add_subparsers(dest="sources_command", required=True)
    p_check = src_sub.add_parser("check", help="validate a sources file: exit 2 with file, line, "
                                               "key and what is expected")
    p_check.add_argument("file", nargs="?", help="the sources TOML (default: --sources, "
                                                 "GONGKAI_SOURCES, the bundled sample's)")
    p_check.add_argument("--sources", help=argparse_suppress())
    p_check.set_defaults(func=cmd_sources_check)
    p_dis = sub.add_parser("discover", help="walk one portal column (lists only, polite) and print "
                                            "what it finds and a ready [[source]] block")
    p_dis.add_argument("url", help="the column's list page (http(s):// or file:)")
    p_dis.add_argument("--county", help="the county's name for the [[source]] block")
    p_dis.add_argument("--list-api", help="a list_api table to try, as TOML: "
                                          "'{ url = \"…\", params = { page = \"{page}\" }, items = \"…\", "
                                          "title = \"…\", link = \"…\" }'")
    p_dis.add_argument("--min-interval-seconds", type=float, default=1.0,
                       help="seconds between two requests to one host (default 1)")
    p_dis.set_defaults(func=cmd_discover)


def argparse_suppress():
    import argparse

    return argparse.SUPPRESS
