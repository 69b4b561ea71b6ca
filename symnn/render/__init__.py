"""Strings from math: the layout of derivations (LaTeX, Markdown, terminal text) and network diagrams (TikZ)."""
