"""Maintainer tools for the course (not part of the k8snet package)."""
