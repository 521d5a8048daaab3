"""The public-posting site: project (the public view), render (Markdown), build (mkdocs and the swap)."""
