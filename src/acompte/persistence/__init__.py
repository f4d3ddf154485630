"""Persistence: the only package that imports SQLAlchemy. Implements the services' ports."""
