"""Dual-stack and IPv6 clusters (Cluster(ip_families=...)), each row naming its upstream rule."""
