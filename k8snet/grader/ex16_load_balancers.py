"""Exercise 16 — load balancers: MetalLB on bare metal, source ranges, the AWS Load Balancer
Controller's default scheme, loadBalancerClass, and which load balancers need NodePorts.

Every check runs the simulator: the learner's YAML is applied to a fresh cluster and requests
are sent through it, or the scenario behind a prediction is run.  Upstream rules: MetalLB's
controller and layer-2 speaker (v0.16), pkg/proxy/serviceport.go (kube-proxy reads only
``spec.loadBalancerSourceRanges``), k8s.io/cloud-provider ``wantsLoadBalancer``, the AWS Load
Balancer Controller's NLB docs ("an internal NLB by default"), cloud-provider-aws (ELB listeners
forward to NodePorts).
"""
from __future__ import annotations

from . import show_progress
from .answers import NameSet
from .core import ____, Exercise, Incorrect, MultipleChoice, Problem
from .scenario import BuildProblem, expect_error, expect_ok

__all__ = ["q1", "q2", "q3", "q4", "q5", "exercise", "____", "show_progress", "WEB", "lb_address", "CLOUDS"]

#: Deployment ``web`` (nginx, two replicas): every question starts from it.
WEB = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: nginx
        image: nginx
        ports: [{containerPort: 80}]
"""

#: The bare-metal cluster of the MetalLB questions.
METALLB_ARGS = {"nodes": 3, "seed": 16, "addons": ("metallb",)}

_POOL = """\
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: lan, namespace: metallb-system}
spec:
  addresses: [192.168.10.10-192.168.10.20]
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: {name: lan, namespace: metallb-system}
spec:
  ipAddressPools: [lan]
"""
_SERVICE = """\
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports: [{port: 80}]
"""


def lb_address(cluster, name: str = "web") -> str | None:
    """The first address in Service ``name``'s ``status.loadBalancer.ingress`` (None: pending)."""
    svc = cluster.get("service", name)
    ingress = ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    return (ingress[0].get("ip") or ingress[0].get("hostname")) if ingress else None


class BareMetal(BuildProblem):
    """Build. A bare-metal cluster runs MetalLB (`addons=("metallb",)`) and Deployment `web`. Write the
YAML that makes `http://<EXTERNAL-IP>/` answer **from the internet**, with an address from the LAN range
`192.168.10.10-192.168.10.20`: an `IPAddressPool`, an `L2Advertisement` (both in `metallb-system`) and a
`LoadBalancer` Service `web`."""

    scenario = WEB
    cluster_args = METALLB_ARGS
    only = ("ipaddresspool/*", "l2advertisement/*", "service/web")
    _hints = ["MetalLB assigns nothing without an IPAddressPool, and announces nothing without an L2Advertisement "
              "that covers the pool.",
              "Both objects are `apiVersion: metallb.io/v1beta1` in namespace `metallb-system`; the pool's "
              "`spec.addresses` takes a range `first-last` or a CIDR."]
    _solution_answer = _POOL + "---\n" + _SERVICE
    _solution = f"answer = '''\n{_solution_answer}'''"

    @property
    def wrong_answers(self) -> list:
        no_ad = _POOL.split("---")[0] + "---\n" + _SERVICE
        other_ns = self._solution_answer.replace("namespace: metallb-system", "namespace: default")
        wrong_range = self._solution_answer.replace("192.168.10.10-192.168.10.20", "192.168.20.10-192.168.20.20")
        node_port = self._solution_answer.replace("type: LoadBalancer", "type: NodePort")
        return [(no_ad, "not announced"), (other_ns, "metallb-system"), (wrong_range, "192.168.10.10"),
                (node_port, "LoadBalancer"), (_SERVICE, "pending")]

    def verify(self, cluster):
        import ipaddress
        cluster.advance(30)
        svc = cluster.get("service", "web")
        if svc["spec"].get("type") != "LoadBalancer":
            raise Incorrect("Service web must be type LoadBalancer: MetalLB gives addresses to LoadBalancer Services only")
        ip = lb_address(cluster)
        if ip is None:
            raise Incorrect("Service web is still <pending>: MetalLB found no IPAddressPool it can use "
                            f"(kubectl describe svc web shows why)")
        lo, hi = ipaddress.ip_address("192.168.10.10"), ipaddress.ip_address("192.168.10.20")
        if not lo <= ipaddress.ip_address(ip) <= hi:
            raise Incorrect(f"web got {ip}, outside the LAN range 192.168.10.10-192.168.10.20")
        expect_ok(cluster.request(f"http://{ip}/", from_internet=True), f"GET http://{ip}/ from the internet")
        return f"web answers at {ip}, announced in layer 2"


class OfficeOnly(BuildProblem):
    """Build. On the same kind of cluster (MetalLB, pool and advertisement in place), write Service `web`
(type LoadBalancer, port 80) so that **only** clients in the office network `198.51.100.0/24` can open a
connection through its address. A client on the internet (`203.0.113.10`) must time out."""

    scenario = WEB + "---\n" + _POOL
    cluster_args = METALLB_ARGS
    only = ("service/web",)
    _hints = ["There is no cloud firewall on bare metal: kube-proxy's KUBE-FW chain is the only filter.",
              "kube-proxy reads `spec.loadBalancerSourceRanges`, not the older annotation."]
    _solution_answer = _SERVICE + "  loadBalancerSourceRanges: [198.51.100.0/24]\n"
    _solution = f"answer = '''\n{_solution_answer}'''"

    @property
    def wrong_answers(self) -> list:
        annotation = _SERVICE.replace(
            "metadata: {name: web}",
            "metadata:\n  name: web\n  annotations:\n    service.beta.kubernetes.io/load-balancer-source-ranges: "
            "198.51.100.0/24")
        too_wide = _SERVICE + "  loadBalancerSourceRanges: [0.0.0.0/0]\n"
        wrong_net = _SERVICE + "  loadBalancerSourceRanges: [198.51.101.0/24]\n"
        return [(_SERVICE, "answered"), (annotation, "annotation"), (too_wide, "answered"),
                (wrong_net, "198.51.100.7")]

    def verify(self, cluster):
        from .. import proxy
        cluster.advance(30)
        ip = lb_address(cluster)
        if ip is None:
            raise Incorrect("Service web has no address: keep it type LoadBalancer")
        r = cluster.request(f"http://{ip}/", from_internet=True)
        if r.status is not None:
            ann = (cluster.get("service", "web")["metadata"].get("annotations") or {})
            if "service.beta.kubernetes.io/load-balancer-source-ranges" in ann:
                raise Incorrect("the internet client was answered: the annotation is read by cloud providers' "
                                "controllers, never by kube-proxy (pkg/proxy/serviceport.go reads only "
                                "spec.loadBalancerSourceRanges), and bare metal has no cloud firewall")
            raise Incorrect(f"the internet client (203.0.113.10) was answered HTTP {r.status}: it must time out")
        expect_error(r, "GET from the internet", "connection timed out")
        node = next(h.action.split()[0] for h in r.hops if h.component == "MetalLB") if any(
            h.component == "MetalLB" for h in r.hops) else "node-2"
        import random
        t = proxy.trace(cluster.kube_proxy.state(node), src_ip="198.51.100.7", dst_ip=ip, dst_port=80,
                        protocol="TCP", rng=random.Random(0), entry=proxy.Entry.EXTERNAL)
        if t.verdict is not proxy.Verdict.DNAT:
            raise Incorrect(f"an office client (198.51.100.7) is dropped too ({t.verdict.value} on {node}): the "
                            "office network must get through")
        return "the office (198.51.100.7) gets through kube-proxy's KUBE-FW chain; 203.0.113.10 is dropped"


class DefaultScheme(MultipleChoice):
    """On `Cluster(cloud="aws", addons=("aws-load-balancer-controller",))` you apply Deployment `web` and a plain
`type: LoadBalancer` Service `web` (no annotations). `kubectl get svc web` shows an `EXTERNAL-IP` ending in
`.elb.us-east-1.amazonaws.com`. What does `curl` from the internet get?"""

    options = [
        "the nginx page: the Classic ELB forwards to a NodePort",
        "connection timed out: the controller made an internal NLB (its default scheme), whose name resolves to "
        "private addresses",
        "connection refused: the NLB has no listener yet",
        "nothing: the Service stays <pending> until you set loadBalancerClass",
    ]
    correct = 1
    why_not = {0: "the controller's webhook gave the Service loadBalancerClass service.k8s.aws/nlb, so the in-tree "
                  "controller (Classic ELB) leaves it alone.",
               2: "the NLB listens on port 80 as the Service asks; what blocks the client is where the NLB lives.",
               3: "the webhook sets the class for you on create, and the controller provisions at once."}
    _hints = ["`kubectl get svc web -o yaml`: what did the controller's webhook add to the spec?",
              "LBC docs, Network Load Balancer: 'Since the v2.2.0 release, the LBC provisions an internal NLB "
              "by default.'"]
    _solution = ("(b) The AWS Load Balancer Controller's webhook sets loadBalancerClass service.k8s.aws/nlb; the NLB "
                 "it creates is internal unless the Service says service.beta.kubernetes.io/aws-load-balancer-scheme: "
                 "internet-facing. Its DNS name resolves to private VPC addresses: pods reach it, the internet does not.")
    _solution_answer = "b"

    def internet_result(self) -> str:
        """What the scenario really gives a client on the internet."""
        from .scenario import fresh_cluster
        c = fresh_cluster(WEB + "---\n" + _SERVICE, nodes=3, seed=16, cloud="aws",
                          addons=("aws-load-balancer-controller",))
        c.advance(30)
        r = c.request(f"http://{lb_address(c)}/", from_internet=True)
        return r.error or str(r.status)

    def check_answer(self, answer: int) -> None:
        if self.internet_result() != "connection timed out":  # pragma: no cover - guards the scenario
            raise Incorrect("the simulation did not show the internal NLB; please report this")
        super().check_answer(answer)


class ClassPending(MultipleChoice):
    """On `Cluster(cloud="gcp")`, Service `web` is `type: LoadBalancer` with `loadBalancerClass:
example.com/internal-lb`, and no controller for that class is installed. What does `kubectl get svc web` show
as `EXTERNAL-IP`, and why?"""

    options = [
        "a public IP: the cloud provisions every LoadBalancer Service",
        "<pending>: the cloud's service controller skips Services that name a loadBalancerClass, and nothing "
        "else implements example.com/internal-lb",
        "an internal IP: the class name says internal",
        "the apply fails: loadBalancerClass must name an installed controller",
    ]
    correct = 1
    why_not = {0: "cloud-provider's wantsLoadBalancer is 'type LoadBalancer and loadBalancerClass == nil'.",
               2: "a class is only a name; internal load balancers come from each cloud's annotation.",
               3: "the API server only checks that the class is a qualified name (example.com/internal-lb is); "
                  "it cannot know which controllers run."}
    _hints = ["Which Services does the cloud-controller-manager's service controller want?",
              "k8s.io/cloud-provider controllers/service: wantsLoadBalancer."]
    _solution = ("(b) wantsLoadBalancer: type LoadBalancer and no loadBalancerClass. With a class, the Service waits "
                 "for the controller that implements it; with none installed it stays <pending> (the nodePort works).")
    _solution_answer = "b"

    def check_answer(self, answer: int) -> None:
        from .scenario import fresh_cluster
        c = fresh_cluster(WEB + "---\n" + _SERVICE + "  loadBalancerClass: example.com/internal-lb\n",
                          nodes=3, seed=16, cloud="gcp")
        c.advance(30)
        if lb_address(c) is not None:  # pragma: no cover - guards the scenario
            raise Incorrect("the simulation gave the Service an address; please report this")
        super().check_answer(answer)


#: Where ``NodePortless`` runs the same Service: each simulated cloud, and bare metal with MetalLB.
CLOUDS = ("aws", "gcp", "azure", "metallb")


class NodePortless(Problem):
    """Prediction. Service `web` is `type: LoadBalancer` with `allocateLoadBalancerNodePorts: false`, so it has
no nodePort. On which of these does a request from the internet still reach nginx? `"aws"` (in-tree
controller, Classic ELB), `"gcp"`, `"azure"`, `"metallb"` (bare metal with MetalLB in layer 2).

    answer = {____}"""

    answer_type = NameSet('{"gcp"}', "environments")
    _hints = ["Which load balancers send the packet to a node's NodePort, and which keep the LB IP as the "
              "destination (kube-proxy's 'loadbalancer IP' rule)?",
              "cloud-provider-aws's ELB listeners forward to instance NodePorts."]
    _solution = 'answer = {"gcp", "azure", "metallb"}'
    _solution_answer = {"gcp", "azure", "metallb"}
    wrong_answers = [({"aws", "gcp", "azure", "metallb"}, "aws"), ({"gcp", "azure"}, "metallb"),
                     (set(), "gcp"), ({"gcp", "azure", "metallb", "openstack"}, "openstack"),
                     ("gcp", "give a set")]

    def truth(self) -> frozenset:
        """Run the Service on each environment and keep those where the internet client gets HTTP 200."""
        from .scenario import fresh_cluster
        ok = set()
        svc = _SERVICE + "  allocateLoadBalancerNodePorts: false\n"
        for env in CLOUDS:
            if env == "metallb":
                c = fresh_cluster(WEB + "---\n" + _POOL, **METALLB_ARGS)
            else:
                c = fresh_cluster(WEB, nodes=3, seed=16, cloud=env)
            c.apply(svc)
            c.advance(30)
            if c.request(f"http://{lb_address(c)}/", from_internet=True).status == 200:
                ok.add(env)
        return frozenset(ok)

    def check_answer(self, answer: frozenset) -> None:
        unknown = sorted(answer - set(CLOUDS))
        if unknown:
            raise Incorrect(f"{', '.join(unknown)} is not one of {', '.join(CLOUDS)}")
        truth = self.truth()
        if "aws" in answer and "aws" not in truth:
            raise Incorrect("aws: the Classic ELB's listeners forward to the nodes' NodePort, and there is none: "
                            "the packet has nowhere to go")
        missing = sorted(truth - answer)
        if missing:
            raise Incorrect(f"{' and '.join(missing)} reach nginx too: there the packet arrives at a node still "
                            "addressed to the LB IP (a passthrough load balancer, or the node that answers ARP for "
                            "MetalLB), and kube-proxy's 'loadbalancer IP' rule takes it, no NodePort needed")


q1, q2, q3, q4, q5 = BareMetal(), OfficeOnly(), DefaultScheme(), ClassPending(), NodePortless()
exercise = Exercise("Exercise 16 — load balancers", {"q1": q1, "q2": q2, "q3": q3, "q4": q4, "q5": q5})
