"""``Cluster.traffic``: requests over simulated time while a rollout happens.

Rules: KEP-1669 / pkg/proxy/topology.go CategorizeEndpoints (serving-terminating endpoints
only when a Service has no ready one, in every proxy mode); kube-proxy's minSyncPeriod and
watch latency (propagation.py); deployment rolling.go / recreate.go; ingress-nginx
proxy-next-upstream (3 tries) and its 503 with no endpoints.
"""
from __future__ import annotations

import pytest

from k8snet import Cluster
from k8snet.errors import UsageError
from k8snet.widgets.rollout import _manifest


def _cluster(*, mode="iptables", replicas=3, strategy="RollingUpdate", surge="25%", unavailable="25%",
             probe=False, prestop=0, grace=30, addons=()):
    c = Cluster(3, seed=13, proxy_mode=mode, addons=addons)
    c.apply(_manifest(replicas, strategy, surge, unavailable, probe, prestop, grace))
    c.advance(10)
    return c


@pytest.mark.parametrize("kwargs, message", [
    pytest.param({"rate": -1}, "traffic(rate=-1): must be > 0 and <= 1000", id="negative rate"),
    pytest.param({"rate": 0}, "traffic(rate=0): must be > 0 and <= 1000", id="zero rate"),
    pytest.param({"duration": 0}, "traffic(duration=0): must be > 0 and <= 3600", id="zero duration"),
    pytest.param({"rate": 1e9}, "traffic(rate=1000000000.0): must be > 0 and <= 1000", id="absurd rate"),
    pytest.param({"rate": 1000, "duration": 3600}, "3600000 requests; at most 100000 per run", id="absurd size"),
    pytest.param({"rate": "fast"}, "traffic(rate='fast'): give a number", id="not a number"),
    pytest.param({"rate": 0.01, "duration": 10}, "that is less than one request", id="no request at all"),
    pytest.param({"during": 42}, "traffic(during=42): give a callable", id="during is not an action"),
    pytest.param({"during": [(30, "get pods")]}, "traffic(at=30): must be >= 0 and <= 20", id="action after the end"),
    pytest.param({"request_time": -1}, "traffic(request_time=-1): must be >= 0 and <= 60", id="negative request time"),
])
def test_impossible_parameters_get_a_clear_error(kwargs, message):
    # A clear error before anything runs: never a traceback from deep inside, never a half-run.
    c = _cluster()
    before = c.now
    with pytest.raises(UsageError) as e:
        c.traffic("http://web", **kwargs)
    assert message in str(e.value)
    assert c.now == before  # nothing ran


def test_unknown_client_pod_is_the_api_servers_not_found():
    from k8snet.errors import NotFoundError
    with pytest.raises(NotFoundError, match='pods "nope" not found'):
        _cluster().traffic("http://web", from_pod="default/nope")


@pytest.mark.parametrize("mode", ["iptables", "nftables", "ipvs"])
@pytest.mark.parametrize("prestop, lost", [
    pytest.param(5, False, id="KEP-1669: the only endpoint is serving-terminating, so it is used"),
    pytest.param(0, True, id="no preStop: the pod exits at once, the Service has no endpoint"),
])
def test_terminating_endpoints_used_when_no_ready_one(mode, prestop, lost):
    c = _cluster(mode=mode, replicas=1, surge="0", unavailable="1", probe=True, prestop=prestop)
    t = c.traffic("http://web", rate=20, duration=12, at=1, during="rollout restart deployment/web")
    assert bool(t.errors) == lost
    if lost:
        assert ("connection refused", "kube-proxy", "the Service had no endpoint") in t.by_cause()


@pytest.mark.parametrize("settings, causes", [
    pytest.param({}, {"a new pod's app was not listening yet (Ready before it listens)",
                      "a stale endpoint: the pod is gone, the change had not arrived"},
                 id="no probe, no preStop: both races"),
    pytest.param({"probe": True}, {"a stale endpoint: the pod is gone, the change had not arrived"},
                 id="readiness probe: only the old pods' race is left"),
    pytest.param({"probe": True, "prestop": 5}, set(), id="readiness probe + preStop sleep: no request lost"),
    pytest.param({"strategy": "Recreate", "probe": True}, {"the Service had no endpoint",
                                                           "a stale endpoint: the pod is gone, the change had not arrived"},
                 id="recreate.go: every old pod gone before a new one starts"),
])
def test_rollout_races(settings, causes):
    c = _cluster(**settings)
    t = c.traffic("http://web", rate=20, duration=15, at=1, during="rollout restart deployment/web")
    assert {cause for _, _, cause in t.by_cause()} == causes


def test_same_seed_same_requests():
    runs = [_cluster().traffic("http://web", rate=20, duration=8, during="rollout restart deployment/web")
            for _ in range(2)]
    assert runs[0] == runs[1]


def test_outside_traffic_changes_are_everywhere_at_once():
    # Between calls the clock stands still and every change has arrived (propagation.py).
    c = _cluster(probe=True)
    c.kubectl("rollout restart deployment/web")
    c.advance(5)
    assert all(c.request("http://web").status == 200 for _ in range(20))


def test_in_flight_requests_reset_when_the_app_exits():
    # An app that exits on SIGTERM cuts the requests it is serving; nginx would let them finish.
    c = _cluster(probe=True)
    t = c.traffic("http://web", rate=50, duration=6, at=1, request_time=2.0,
                  during="rollout restart deployment/web")
    assert any(s.error == "connection reset by peer" for s in t.errors)


def test_ingress_nginx_retries_then_answers_502_or_503():
    c = _cluster(strategy="Recreate", probe=True, addons=("ingress-nginx",))
    c.apply({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "web"},
             "spec": {"ingressClassName": "nginx", "rules": [{"host": "web.example", "http": {"paths": [
                 {"path": "/", "pathType": "Prefix",
                  "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}})
    t = c.traffic("http://web.example/", from_internet=True, rate=20, duration=12, at=1,
                  during="rollout restart deployment/web")
    outcomes = {(o, w) for o, w, _ in t.by_cause()}
    assert ("503", "Ingress controller") in outcomes  # no ready endpoint: ingress-nginx's own 503
    assert all(s.status in (200, 502, 503) for s in t.samples)
