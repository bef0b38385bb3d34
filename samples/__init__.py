"""Sample articles with two annotators' work, shipped as annotator.samples for the one-click demo."""
