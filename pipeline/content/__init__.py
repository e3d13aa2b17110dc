"""Content: the front matter model, items on disk, the editor's review and the workflow."""
