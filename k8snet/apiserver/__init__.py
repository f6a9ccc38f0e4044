"""The simulated API server: defaulting, validation, allocation and the object store."""
