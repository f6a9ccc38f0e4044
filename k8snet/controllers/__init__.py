"""Controllers: pure reconcilers that turn what was asked for into what exists.

Each module keeps upstream's name (``endpointslice.py`` is the EndpointSlice controller of
kube-controller-manager).  Their ``reconcile`` functions take objects and return changes;
``manager.py`` runs them, with the event plumbing kept apart from the logic.
"""
