"""The compiled annex (bilaga): its package, styles, sections, PDF and workbook."""
