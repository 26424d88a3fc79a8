"""The HTTP service: a SPARQL 1.1 endpoint and a REST API over the knowledge base."""
