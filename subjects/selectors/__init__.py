"""Selectors of the subjects app: who may see what (``access``), lists and filters, and a user's work."""
