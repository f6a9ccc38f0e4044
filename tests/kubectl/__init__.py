"""Tests for k8snet.kubectl: get tables, describe, -o outputs, JSONPath, warnings."""
