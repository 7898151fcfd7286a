"""Adapters: our ports implemented with real libraries. Only bootstrap imports these."""
