"""Delivery of lessons to people: email, IM robots, signed links, rate limits."""
