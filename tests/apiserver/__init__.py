"""Tests of the simulated API server's defaulting, validation and decoding (k8snet.apiserver)."""
