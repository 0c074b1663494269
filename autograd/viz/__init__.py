"""Drawing graphs with Graphviz: draw_dot (micrograd's record nodes, coloured by role and by the size of
each chain-rule term), the layout that groups nodes by Module, the DOT elements, the styles, and SVG files."""

from .draw import draw_dot, save_svg
from .files import GraphvizError, GraphvizNotFoundError, GraphvizRenderError

__all__ = ["draw_dot", "save_svg", "GraphvizError", "GraphvizNotFoundError", "GraphvizRenderError"]
