"""Icons, the default scheme and style sheets, shipped inside the package as annotator.resources."""
