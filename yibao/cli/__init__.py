"""The `yibao` command line: every pipeline stage, runnable outside Airflow.

Each `yibao/cli/<name>_cmd.py` module adds its subcommand through
`register(subparsers)`; the chosen subcommand's `func(args)` returns the exit code.
Exit codes: 0 success, 1 the stage ran and found a problem, 2 bad input.
"""
from __future__ import annotations

import argparse
import importlib
import importlib.util
import logging
import os
import pkgutil
import sqlite3
import sys

from yibao import __version__


class CliError(Exception):
    """Bad input: printed as one line on stderr, exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="yibao",
        description="医保 policy-update pipeline: scrape → extract → diff → draft → review → deliver.",
    )
    parser.add_argument("--version", action="version", version=f"yibao {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug output")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _command_module_names():
        try:
            importlib.import_module(f"{__name__}.{name}").register(subparsers)
        except Exception as exc:  # a broken command must not take the whole CLI down
            _register_broken(subparsers, name.removesuffix("_cmd"), exc)
    return parser


def _command_module_names() -> list[str]:
    package = importlib.import_module(__name__)
    return sorted(i.name for i in pkgutil.iter_modules(package.__path__) if i.name.endswith("_cmd"))


def _register_broken(subparsers, command: str, exc: Exception) -> None:
    message = f"command unavailable: {type(exc).__name__}: {exc}"

    def fail(_args) -> int:
        raise CliError(message)

    subparsers.add_parser(command, help=f"(unavailable: {exc})").set_defaults(func=fail)


def _log_to_stderr(level: int) -> None:
    """Logs go to stderr, one line each; stdout carries only the command's output (e.g. --json).

    Importing Airflow (done lazily, by whichever command needs a Connection) reconfigures
    logging to write to stdout, so stderr is put back right after Airflow has done that."""
    def apply(force: bool = False) -> None:
        logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s",
                            stream=sys.stderr, force=force)
        logging.getLogger("alembic").setLevel(logging.WARNING)
        structlog = sys.modules.get("structlog")
        factory = structlog.get_config().get("logger_factory") if structlog else None
        if force and getattr(factory, "io", ...) is None:    # Airflow's structlog factory: None means stdout
            factory.io = sys.stderr.buffer if "Bytes" in getattr(factory.cls, "__name__", "") else sys.stderr

    apply()
    if "airflow.logging_config" in sys.modules:
        _after_airflow_logging(apply)
    elif not any(isinstance(f, _AirflowLoggingHook) for f in sys.meta_path):
        sys.meta_path.insert(0, _AirflowLoggingHook(apply))


def _after_airflow_logging(apply) -> None:
    module = sys.modules["airflow.logging_config"]
    configure = module.configure_logging
    if getattr(configure, "yibao_cli", False):
        return

    def configure_then_stderr(*args, **kwargs):
        try:
            return configure(*args, **kwargs)
        finally:
            apply(force=True)

    configure_then_stderr.yibao_cli = True
    module.configure_logging = configure_then_stderr


class _AirflowLoggingHook:
    """Wraps `airflow.logging_config.configure_logging` as that module is first imported."""

    def __init__(self, apply):
        self.apply = apply

    def find_spec(self, fullname, path, target=None):
        if fullname != "airflow.logging_config":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None:
            return spec
        exec_module, apply = spec.loader.exec_module, self.apply

        def exec_then_wrap(module):
            exec_module(module)
            _after_airflow_logging(apply)

        spec.loader.exec_module = exec_then_wrap
        return spec


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _log_to_stderr(logging.DEBUG if args.verbose else logging.INFO)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except CliError as exc:
        print(f"yibao {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:   # `yibao … | head`: the reader has gone, nothing is wrong
        sys.stdout = open(os.devnull, "w")
        return 0
    except Exception as exc:  # input and environment problems as one line; -v shows the traceback
        known = _one_line(exc)
        if known is None or args.verbose:
            raise
        print(f"yibao {args.command}: error: {known[1]}", file=sys.stderr)
        return known[0]


def _one_line(exc: Exception) -> tuple[int, str] | None:
    """(exit code, message) for problems of input or environment, None for anything else (a bug)."""
    from sqlalchemy.exc import DatabaseError

    from yibao.workdays import HolidayFileError

    if isinstance(exc, HolidayFileError):
        return 2, str(exc)
    if isinstance(exc, OverflowError):
        return 2, f"a number or date is out of range ({exc})"
    if isinstance(exc, OSError) and exc.filename:
        return 2, f"{exc.filename}: {exc.strerror or exc}"
    if isinstance(exc, DatabaseError):
        from yibao.settings import get_settings
        return 1, (f"the store cannot be used (YIBAO_HOME={get_settings().home}): "
                   f"{str(exc.orig or exc).splitlines()[0]}")
    if isinstance(exc, sqlite3.Error):   # the Q&A index or its vectors' file (yibao/qa/)
        from yibao.qa import vectors
        from yibao.qa.index import default_path
        return 1, (f"the 政策问答 index ({default_path()}) or its vectors ({vectors.default_path()}) "
                   f"cannot be used: {exc}")
    return None


if __name__ == "__main__":
    sys.exit(main())
