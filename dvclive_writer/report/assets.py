"""The vendored Vega, Vega-Lite and Vega-Embed builds that ``report.html`` inlines."""

from __future__ import annotations

from functools import cache
from importlib import resources

#: Inlined in this order (vega-embed needs the other two).
SCRIPT_FILES = ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js")


@cache
def vega_scripts() -> str:
    """``<script>`` elements holding the three libraries (read once per process)."""
    static = resources.files("dvclive_writer.report").joinpath("static")
    parts = []
    for name in SCRIPT_FILES:
        source = static.joinpath(name).read_text(encoding="utf-8")
        # The builds contain no "</script" (checked in tests); guard anyway.
        source = source.replace("</script", "<\\/script")
        parts.append(f"<script>/* {name} */\n{source}\n</script>")
    return "\n".join(parts)
