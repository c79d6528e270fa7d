"""The page's pieces that are not layout: shared server resources."""
