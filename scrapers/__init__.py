"""Site scrapers: one pure parser per site family, plus the shared polite HTTP client."""
