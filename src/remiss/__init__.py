"""remiss: the budget remiss cycle of a Swedish municipality, from launch to compiled annex."""

__version__ = "0.1.0"
