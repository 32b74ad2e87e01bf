"""Parallel You: run many lines of work at once without burning out."""
