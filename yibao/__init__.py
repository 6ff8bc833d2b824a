"""yibao: the 医保 policy-update pipeline (watch → diff → draft → review → deliver)."""

__version__ = "0.1.0"
