"""papermill's parameters in the Tensorcell language.

papermill looks translators up in its own registry only, and loads no entry point for them;
it does load the `papermill.engine` entry points when it starts. The wheel names this module
there (as the engine "tensorcell", papermill's usual nbclient engine under another name), so
importing it registers the translator before any notebook is run, without the user importing
anything.
"""

from __future__ import annotations

import math

from papermill.engines import NBClientEngine
from papermill.translators import Translator, papermill_translators

# The engine the entry point names: papermill's own, so `--engine tensorcell` also works.
TensorcellEngine = NBClientEngine

# The only escapes the language's string literals know, besides the ones for \ and ".
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t"}


class TensorcellTranslator(Translator):
    """Python values from `-p`/`-y`/`-f` as Tensorcell literals, one `var` per parameter."""

    @classmethod
    def translate_str(cls, val):
        out = []
        for char in val:
            if char in _ESCAPES:
                out.append(_ESCAPES[char])
            elif ord(char) < 0x20 or ord(char) == 0x7F:
                raise ValueError(f"a Tensorcell string cannot hold the control character {char!r}: {val!r}")
            else:
                out.append(char)
        return '"' + "".join(out) + '"'

    @classmethod
    def translate_none(cls, val):
        return "nil"

    @classmethod
    def translate_int(cls, val):
        return str(val)

    @classmethod
    def translate_float(cls, val):
        if math.isnan(val):
            return "nan"
        if math.isinf(val):
            return "inf" if val > 0 else "-inf"
        text = repr(val)  # shortest round-trip form: 0.01, 1e-05, 2.0
        return text if any(c in text for c in ".e") else text + ".0"

    @classmethod
    def translate_bool(cls, val):
        return "true" if val else "false"

    @classmethod
    def translate_list(cls, val):
        return "[" + ", ".join(cls.translate(item) for item in val) + "]"

    @classmethod
    def translate_dict(cls, val):
        raise ValueError("Tensorcell has no dictionaries: pass each entry as its own parameter")

    @classmethod
    def comment(cls, cmt_str):
        return f"// {cmt_str}".strip()

    @classmethod
    def assign(cls, name, str_val):
        return f"var {name} = {str_val}"


papermill_translators.register("tensorcell", TensorcellTranslator)
