"""Media annotator: a desktop tool for annotating claims, opinions, source attribution and framing in news."""

from importlib import metadata

try:
    # pyproject.toml is the one place the version is written; a PyInstaller bundle carries this metadata too
    __version__ = metadata.version("media-annotator")
except metadata.PackageNotFoundError:  # a source tree that was never installed, or a bundle built without it
    __version__ = "0+unknown"
