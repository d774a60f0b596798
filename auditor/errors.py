"""Exceptions that map to the CLI's exit codes."""

from __future__ import annotations


class ConfigError(Exception):
    """A configuration, lexicon or suite file is wrong: the run cannot be trusted (exit 2)."""

    def __init__(self, path: object, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = str(path)
        self.problem = problem


class CheckErrored(ConfigError):
    """An expectation raised while validating: reported apart from failed data (exit 2)."""


class OutputError(Exception):
    """`--out` cannot be used or written (refused folder, permission, disk full): nothing changed (exit 2)."""

    def __init__(self, path: object, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = str(path)
        self.problem = problem


class NothingToAudit(Exception):
    """No readable source among the inputs: a run that checked nothing must not pass (exit 2)."""


class MissingDependency(Exception):
    """A module the tool needs cannot be imported (say, for HTML input): a tool error, not a skipped input (exit 2)."""

    def __init__(self, package: str, detail: str = "") -> None:
        super().__init__(f"missing dependency {package}" + (f": {detail}" if detail else "")
                         + f" (install it: pip install {package})")
        self.package = package
        self.detail = detail

    def __reduce__(self) -> tuple:  # raised in a worker process, re-raised in the parent
        return (MissingDependency, (self.package, self.detail))
