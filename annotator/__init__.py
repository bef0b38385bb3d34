"""Media annotator: a desktop tool for annotating claims, opinions, source attribution and framing in news."""

__version__ = "0.1.0"
