"""The REST API's routers, one module per URL segment under /api (datasette's views/ layout)."""
