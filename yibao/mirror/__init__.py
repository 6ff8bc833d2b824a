"""A local mirror of the 医保局 sites scraped by yibao (for tests and the demo)."""
