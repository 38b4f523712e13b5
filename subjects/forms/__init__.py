"""Forms of the subjects app, one module per views module."""
