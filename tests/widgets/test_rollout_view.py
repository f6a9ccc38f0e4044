"""The rollout widget's logic (render without a browser; the browser test clicks it).

Rules: apps/validation ValidateRollingUpdateDeployment ("may not be 0 when `maxSurge` is 0");
core/validation of the preStop sleep action (must be less than terminationGracePeriodSeconds):
the widget shows the API server's own refusal, raised by the simulated apply.
"""
from __future__ import annotations

import pytest

from k8snet.widgets.rollout import RolloutView, build_cluster
from k8snet.errors import ValidationError


@pytest.mark.parametrize("settings", [
    dict(max_surge="0", max_unavailable="0"),
    dict(prestop=10, grace=5),
], ids=["maxSurge and maxUnavailable both 0", "preStop sleep longer than the grace period"])
def test_refused_settings_show_the_api_servers_words(settings):
    with pytest.raises(ValidationError) as refused:
        build_cluster(**settings)
    out = RolloutView().render(**settings)
    assert out["summary"] == ""
    assert str(refused.value).replace('"', "&quot;") in out["chart"]


def test_accepted_settings_draw_a_timeline():
    out = RolloutView().render(probe=True, prestop=5, grace=30)
    assert out["chart"].startswith("<svg")
    assert "ok" in out["summary"]
