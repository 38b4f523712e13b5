"""Services of the subjects app by topic: the only code that writes people, cases and their records."""
