"""End-to-end tests: the course notebooks run in JupyterLab under headless Chromium."""
