"""The renderer of each `--format`: the one place the command line picks a Renderer."""

from __future__ import annotations

from reconciler.render.renderer import Renderer

FORMATS = ("text", "markdown", "html", "json")


def renderer_for(output_format: str, *, colour: bool = False) -> Renderer:
    """The renderer of `--format` (`colour` only for text at a terminal); KeyError if unknown."""
    if output_format == "text":
        from reconciler.render.text import TextRenderer

        return TextRenderer(colour=colour)
    if output_format == "markdown":
        from reconciler.render.markdown import MarkdownRenderer

        return MarkdownRenderer()
    if output_format == "html":
        from reconciler.render.html import HtmlRenderer

        return HtmlRenderer()
    if output_format == "json":
        from reconciler.render.json_form import JsonRenderer

        return JsonRenderer()
    raise KeyError(output_format)
