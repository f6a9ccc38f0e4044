"""Go's ``text/tabwriter``, which kubectl uses to align every table and every describe.

kubectl writes cells separated by ``\\t`` and lines ended by ``\\n``; the tabwriter pads
each *column block* (consecutive lines that have a cell in that column) to the widest
cell plus ``padding``.  The last cell of a line is never padded and never counts
toward a column's width (cells are tab-*terminated*), which is why the MESSAGE column
of ``describe`` events can be as long as it likes.

Two configurations matter:

* ``kubectl get`` tables (cli-runtime ``printers.GetNewTabWriter``):
  minwidth 6, tabwidth 4, padding 3, padchar ' ';
* ``kubectl describe`` (kubectl ``describe.tabbedString``):
  minwidth 0, tabwidth 8, padding 2, padchar ' '.

The algorithm mirrors ``tabwriter.Writer.format``: it recurses column by column, so a
line with fewer cells ends the blocks of the columns it lacks.
"""
from __future__ import annotations

__all__ = ["TabWriter", "table_writer", "describe_writer"]


class TabWriter:
    """A buffer that aligns tab-separated cells the way Go's tabwriter does.

    ``write(text)`` buffers text; ``flush()`` formats everything buffered so far (a
    flush ends all column blocks, as ``DescribeEvents`` relies on); ``getvalue()``
    flushes and returns all output.
    """

    def __init__(self, minwidth: int, tabwidth: int, padding: int, padchar: str = " "):
        self.minwidth, self.tabwidth, self.padding, self.padchar = minwidth, tabwidth, padding, padchar
        self._pending = ""
        self._out: list[str] = []

    def write(self, text: str) -> None:
        """Buffer ``text``."""
        self._pending += text

    def flush(self) -> None:
        """Format the buffered text (ending every column block) and append it to the output."""
        if not self._pending:
            return
        text, self._pending = self._pending, ""
        # A trailing partial line (no '\n') is formatted like Go does: as a last line.
        raw_lines = text.split("\n")
        ends_with_newline = raw_lines[-1] == ""
        if ends_with_newline:
            raw_lines.pop()
        lines = [line.split("\t") for line in raw_lines]
        widths: list[int] = []
        out: list[str] = []
        self._format(lines, 0, len(lines), widths, out)
        rendered = "\n".join(out)
        if ends_with_newline:
            rendered += "\n"
        self._out.append(rendered)

    def getvalue(self) -> str:
        """Flush and return everything written."""
        self.flush()
        return "".join(self._out)

    # -- Go's tabwriter.format / writeLines -------------------------------------------

    def _format(self, lines: list[list[str]], line0: int, line1: int,
                widths: list[int], out: list[str]) -> None:
        column = len(widths)
        this = line0
        while this < line1:
            if column >= len(lines[this]) - 1:
                this += 1
                continue
            # A block of lines that all have a cell in this column starts here.
            self._write_lines(lines, line0, this, widths, out)
            line0 = this
            width = self.minwidth
            while this < line1 and column < len(lines[this]) - 1:
                width = max(width, len(lines[this][column]) + self.padding)
                this += 1
            widths.append(width)
            self._format(lines, line0, this, widths, out)
            widths.pop()
            line0 = this
        self._write_lines(lines, line0, line1, widths, out)

    def _write_lines(self, lines: list[list[str]], line0: int, line1: int,
                     widths: list[int], out: list[str]) -> None:
        for cells in lines[line0:line1]:
            parts = []
            for j, cell in enumerate(cells):
                parts.append(cell)
                if j < len(widths) and j < len(cells) - 1:
                    parts.append(self.padchar * (widths[j] - len(cell)))
            out.append("".join(parts))


def table_writer() -> TabWriter:
    """The tabwriter of ``kubectl get`` (cli-runtime printers.GetNewTabWriter)."""
    return TabWriter(minwidth=6, tabwidth=4, padding=3)


def describe_writer() -> TabWriter:
    """The tabwriter of ``kubectl describe`` (kubectl describe.tabbedString)."""
    return TabWriter(minwidth=0, tabwidth=8, padding=2)
