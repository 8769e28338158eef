"""Pictures of `explain` documents: a self-contained HTML page (inline SVG) and Markdown with a Mermaid graph."""
