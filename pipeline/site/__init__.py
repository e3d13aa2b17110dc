"""The site: mkdocs build, the warta mkdocs plugin, the JSON API and feed, deploy, archive."""
