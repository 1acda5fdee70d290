"""corroborate: neutral, sourced, geolocated incident records from news reports."""

from corroborate.model import Article, Extraction, Incident, Report

__all__ = ["Article", "Extraction", "Incident", "Report", "__version__"]

__version__ = "0.1.0"
