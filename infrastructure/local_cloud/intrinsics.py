"""Resolve CloudFormation intrinsic functions against the physical resources the provisioner made."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_SUB_VAR = re.compile(r"\$\{([^}!][^}]*)\}")


class Unresolved(LookupError):  # noqa: N818
    """A reference to something not provisioned (yet)."""


class Resolver:
    def __init__(
        self,
        parameters: dict[str, Any],
        pseudo: dict[str, str],
        ref: Callable[[str], str],
        get_att: Callable[[str, str], str],
    ) -> None:
        self.parameters, self.pseudo, self._ref, self._get_att = parameters, pseudo, ref, get_att

    def ref(self, name: str) -> Any:
        if name in self.pseudo:
            return self.pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        return self._ref(name)

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, arg),) = value.items()
            handler = getattr(self, "_" + key.replace("Fn::", "fn_").replace("::", "_"), None)
            if key == "Ref":
                return self.ref(arg)
            if handler is not None:
                return handler(arg)
        return {k: self.resolve(v) for k, v in value.items()}

    def _fn_GetAtt(self, arg: Any) -> Any:  # noqa: N802
        logical_id, attribute = arg if isinstance(arg, list) else arg.split(".", 1)
        return self._get_att(logical_id, self.resolve(attribute))

    def _fn_Sub(self, arg: Any) -> str:  # noqa: N802
        text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], self.resolve(arg[1]))

        def lookup(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in variables:
                return str(variables[name])
            if "." in name:
                logical_id, attribute = name.split(".", 1)
                return str(self._get_att(logical_id, attribute))
            return str(self.ref(name))

        return _SUB_VAR.sub(lookup, text).replace("${!", "${")

    def _fn_Join(self, arg: Any) -> str:  # noqa: N802
        separator, items = arg
        return str(separator).join(str(i) for i in self.resolve(items))

    def _fn_Select(self, arg: Any) -> Any:  # noqa: N802
        index, items = self.resolve(arg)
        return items[int(index)]

    def _fn_Split(self, arg: Any) -> list[str]:  # noqa: N802
        separator, text = self.resolve(arg)
        return str(text).split(separator)

    def _fn_If(self, arg: Any) -> Any:  # noqa: N802
        # Conditions are not used by our template; take the "true" branch like a default deploy would.
        return self.resolve(arg[1])

    def _fn_GetAZs(self, _: Any) -> list[str]:  # noqa: N802
        region = self.pseudo["AWS::Region"]
        return [f"{region}a", f"{region}b", f"{region}c"]
