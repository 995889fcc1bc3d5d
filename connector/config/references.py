"""Values that live outside ``connector.yaml``: ``${VARIABLE}`` references and secret files.

Two rules:

- Any text value may use ``${VARIABLE}`` (letters, digits and ``_``; not starting with a digit)
  to take text from the environment, e.g. ``directory: ${DATA_ROOT}/inbox``. ``$${`` stands for
  a literal ``${``. A variable that is not set is a configuration problem naming it.
- A secret (a field typed :data:`Secret`) is never written in the file. It is either exactly one
  reference, ``${AHEAD_CLIENT_SECRET}``, or a secret file, ``{file: secrets/client_secret}``
  (relative to the deployment folder; one trailing newline is dropped). Anything else, a
  ``file:path`` string included, is taken for a secret written in clear and refused. Resolved
  secrets are :class:`~pydantic.SecretStr`, which never shows its value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import BeforeValidator, SecretStr, ValidationInfo
from pydantic_core import PydanticCustomError

from connector.config.documents import ConfigPath

_TOKEN = re.compile(r"\$\$\{|\$\{(?P<body>[^}]*)(?P<end>\}?)")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class EnvironmentValue(str):
    """Text written as exactly one ``${VARIABLE}`` and taken from the environment.

    It is a plain ``str`` to everything else; :data:`Secret` fields accept only these (or a
    secret file), which is how a reference is told apart from a secret written in clear.

    Attributes:
        variable: the name of the variable.
    """

    variable: str

    def __new__(cls, value: str, variable: str) -> EnvironmentValue:
        text = super().__new__(cls, value)
        text.variable = variable
        return text


@dataclass(frozen=True)
class ReferenceContext:
    """What resolving references needs besides the value; passed as pydantic's context.

    Attributes:
        directory: the deployment folder, against which secret files are found.
        defer_secrets: a secret that cannot be resolved (a variable unset or empty, a secret
            file missing) is left empty instead of being a problem; for commands that never
            use the secrets (see :func:`~connector.config.load_deployment`).
    """

    directory: Path
    defer_secrets: bool = False


def interpolate(text: str, environ: Mapping[str, str]) -> tuple[str, list[str]]:
    """``text`` with its ``${VARIABLE}`` references replaced from ``environ``.

    Returns:
        The text (an :class:`EnvironmentValue` when it is exactly one reference) and a message
        per problem: a variable that is not set, a malformed reference. A variable that is not
        set is replaced by nothing.
    """
    problems: list[str] = []
    variables: list[str] = []

    def replace(match: re.Match[str]) -> str:
        body = match.group("body")
        if body is None:
            return "${"
        if not match.group("end"):
            problems.append(
                "'${' starts a reference that is never closed with '}' (write $${ for a literal ${)"
            )
            return match.group(0)
        if not _NAME.fullmatch(body):
            problems.append(
                f"'${{{body}}}' is not a reference: a variable name has letters, digits and _ "
                "and does not start with a digit"
            )
            return match.group(0)
        variables.append(body)
        if body not in environ:
            problems.append(f"the environment variable {body} is not set")
            return ""
        return environ[body]

    value = _TOKEN.sub(replace, text)
    whole = _TOKEN.fullmatch(text)
    if whole is not None and len(variables) == 1 and whole.group("end"):
        return EnvironmentValue(value, variables[0]), problems
    return value, problems


def interpolate_tree(
    data: Any,
    environ: Mapping[str, str],
    *,
    path: ConfigPath = (),
    keep: Callable[[ConfigPath], bool] = lambda _: False,
) -> tuple[Any, list[tuple[ConfigPath, str]]]:
    """``data`` with every text value interpolated (see :func:`interpolate`).

    Args:
        data: plain data as read from YAML.
        environ: the environment.
        path: where ``data`` sits in the configuration, for the problems' paths.
        keep: paths whose subtree is checked (every reference must be resolvable) but left
            as written, to be resolved later against a model that knows its secrets.

    Returns:
        The interpolated data and the problems found, each with its path.
    """
    problems: list[tuple[ConfigPath, str]] = []

    def walk(value: Any, where: ConfigPath, kept: bool) -> Any:
        kept = kept or keep(where)
        if isinstance(value, str):
            text, messages = interpolate(value, environ)
            problems.extend((where, message) for message in messages)
            return value if kept else text
        if isinstance(value, dict):
            return {key: walk(item, (*where, key), kept) for key, item in value.items()}
        if isinstance(value, list):
            return [walk(item, (*where, index), kept) for index, item in enumerate(value)]
        return value

    return walk(data, path, False), problems


def _custom_error(message: str) -> PydanticCustomError:
    # The message goes through the context: a template would read "{file: ...}" as a field.
    return PydanticCustomError("config", "{message}", {"message": message})


def _resolve_secret(value: Any, info: ValidationInfo) -> SecretStr:
    if isinstance(value, SecretStr):
        return value
    deferred = isinstance(info.context, ReferenceContext) and info.context.defer_secrets
    if isinstance(value, EnvironmentValue):
        if not value:
            if deferred:
                return SecretStr("")
            raise _custom_error(f"the environment variable {value.variable} is empty")
        return SecretStr(str(value))
    field = info.field_name or "secret"
    how = (
        f"write ${{VARIABLE}} and set that variable in the environment, or write "
        f"{{file: secrets/{field}}} and keep the value in that file (outside version control)"
    )
    if isinstance(value, dict):
        try:
            return _secret_file(value, info, how)
        except PydanticCustomError:
            if deferred and set(value) == {"file"}:
                return SecretStr("")
            raise
    if isinstance(value, str):
        raise _custom_error(f"a secret must not be written in the file: {how}")
    raise _custom_error(f"expected a reference to a secret: {how}")


def _secret_file(value: dict[Any, Any], info: ValidationInfo, how: str) -> SecretStr:
    if set(value) != {"file"} or not isinstance(value["file"], str) or not value["file"]:
        raise _custom_error(f"a secret file is written {{file: path}}: {how}")
    path = Path(value["file"])
    if not path.is_absolute() and isinstance(info.context, ReferenceContext):
        path = info.context.directory / path
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise _custom_error(f"the secret file {value['file']} is not UTF-8 text") from None
    except OSError as exc:
        raise _custom_error(
            f"cannot read the secret file {value['file']}: {exc.strerror}"
        ) from None
    secret = text.removesuffix("\n").removesuffix("\r")
    if not secret:
        raise _custom_error(f"the secret file {value['file']} is empty")
    return SecretStr(secret)


Secret = Annotated[SecretStr, BeforeValidator(_resolve_secret)]
"""A secret field: ``${VARIABLE}`` or ``{file: path}`` in the file, a
:class:`~pydantic.SecretStr` in the model. Adapters use it in their settings models too.

Validated from Python, it also takes a :class:`~pydantic.SecretStr`; a plain ``str`` is refused
as a secret in clear."""


def has_literal_password(url: str) -> bool:
    """Whether a database URL, as written in the file, carries a password in clear.

    ``postgresql+psycopg://app:${PGPASSWORD}@db/app`` does not; ``...://app:hunter2@db/app``
    does.
    """
    try:
        password = urlsplit(url).password
    except ValueError:
        return False
    return bool(password) and "${" not in str(password)
