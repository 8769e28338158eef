"""Autofix: plan rewrites that give each layer or direction its own cell, and apply them to files."""
