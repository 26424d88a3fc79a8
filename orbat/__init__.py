"""orbat: an order-of-battle knowledge base built from evidence-backed claims."""

__version__ = "0.1.0"
