"""kubectl's command line as cobra and pflag read it (k8snet/kubectl/flags.py).

Error rows carry the text kubectl v1.37 prints; when the real binary is installed each row
is also run through it (a kubeconfig pointing at port 1: these errors come before any server
contact), so the expectation is checked against upstream, not just written down.
"""
from __future__ import annotations

import os
import shlex
import subprocess

import pytest

from k8snet import Cluster
from k8snet.errors import UsageError
from k8snet.kubectl import flags, flagsets
from tests.serve.conftest import find_kubectl

KUBECTL = find_kubectl()
SEE_GET = "See 'kubectl get --help' for usage."

# (command line, what kubectl prints, upstream rule)
ERRORS = [
    ("get pods --foo", f"error: unknown flag: --foo\n{SEE_GET}", "pflag parseLongArg: unknown flag"),
    ("get pods --foo=bar", f"error: unknown flag: --foo\n{SEE_GET}", "pflag parseLongArg: the name before '='"),
    ("get --foo", f"error: unknown flag: --foo\n{SEE_GET}", "cobra: flags parsed before the command runs"),
    ("get pods -z", f"error: unknown shorthand flag: 'z' in -z\n{SEE_GET}", "pflag parseSingleShortArg: %q of the byte"),
    ("get pods -Az", f"error: unknown shorthand flag: 'z' in -z\n{SEE_GET}",
     "pflag parseShortArg: -A (bool, NoOptDefVal) then the rest of the group"),
    ("get pods -Azx", f"error: unknown shorthand flag: 'z' in -zx\n{SEE_GET}", "pflag: the shorthands left in the group"),
    ("get pods --force", f"error: unknown flag: --force\n{SEE_GET}", "flags are per command: get has no --force"),
    ("get pods ---x", f"error: bad flag syntax: ---x\n{SEE_GET}", "pflag parseLongArg: name starting with '-'"),
    ("get pods --=x", f"error: bad flag syntax: --=x\n{SEE_GET}", "pflag parseLongArg: name starting with '='"),
    ("get pods -n", f"error: flag needs an argument: 'n' in -n\n{SEE_GET}", "pflag: a value flag at the end (short)"),
    ("get pods --namespace", f"error: flag needs an argument: --namespace\n{SEE_GET}",
     "pflag: a value flag at the end (long)"),
    ("get pods -A=maybe", 'error: invalid argument "maybe" for "-A, --all-namespaces" flag: strconv.ParseBool: '
     f'parsing "maybe": invalid syntax\n{SEE_GET}', "pflag FlagSet.set: shorthand and name in the message"),
    ("delete pod x --force=maybe", 'error: invalid argument "maybe" for "--force" flag: strconv.ParseBool: '
     "parsing \"maybe\": invalid syntax\nSee 'kubectl delete --help' for usage.", "boolValue.Set: strconv.ParseBool"),
    ("delete pod x --force=", 'error: invalid argument "" for "--force" flag: strconv.ParseBool: '
     "parsing \"\": invalid syntax\nSee 'kubectl delete --help' for usage.", "boolValue.Set: an empty value"),
    ("delete pods x --force=T -z", "error: unknown shorthand flag: 'z' in -z\nSee 'kubectl delete --help' for usage.",
     "strconv.ParseBool accepts T"),
    ("logs -f -p -z", "error: unknown shorthand flag: 'z' in -z\nSee 'kubectl logs --help' for usage.",
     "logs: -f is --follow, -p --previous (bools)"),
    ("exec -itz x", "error: unknown shorthand flag: 'z' in -z\nSee 'kubectl exec --help' for usage.",
     "pflag: grouped bool shorthands"),
    ("apply -z", "error: unknown shorthand flag: 'z' in -z\nSee 'kubectl apply --help' for usage.", "apply's flags"),
    ("rollout status --foo deploy/x", "error: unknown flag: --foo\nSee 'kubectl rollout status --help' for usage.",
     "cobra CommandPath of a sub-command"),
    ("rollout --foo", "error: unknown flag: --foo\nSee 'kubectl rollout --help' for usage.", "the parent's own flags"),
    ("create deploy --foo", "error: unknown flag: --foo\nSee 'kubectl create deployment --help' for usage.",
     "cobra: an alias resolves to the command's name"),
    ("create --foo", "error: unknown flag: --foo\nSee 'kubectl create --help' for usage.", "create's own flags"),
    ("-n default get pods -z", f"error: unknown shorthand flag: 'z' in -z\n{SEE_GET}",
     "cobra stripFlags: a global flag before the command"),
    ("--namespace=x get -z", f"error: unknown shorthand flag: 'z' in -z\n{SEE_GET}", "stripFlags keeps --name=value"),
    ("--foo get pods", "Error: flags cannot be placed before plugin name: --foo",
     "kubectl HandlePluginCommand: an unknown flag swallows the command name"),
    ("-n default foo", "Error: flags cannot be placed before plugin name: -n", "HandlePluginCommand: no command found"),
    ("scale --replicas=abc deploy/x", 'error: invalid argument "abc" for "--replicas" flag: strconv.ParseInt: '
     "parsing \"abc\": invalid syntax\nSee 'kubectl scale --help' for usage.", "intValue.Set: ParseInt(s, 0, 64)"),
    ("create deployment x --image=a -r 2147483648", 'error: invalid argument "2147483648" for "-r, --replicas" flag: '
     "strconv.ParseInt: parsing \"2147483648\": value out of range\nSee 'kubectl create deployment --help' for usage.",
     "int32Value.Set: ParseInt(s, 0, 32)"),
    ("logs --tail=x pod", 'error: invalid argument "x" for "--tail" flag: strconv.ParseInt: parsing "x": invalid '
     "syntax\nSee 'kubectl logs --help' for usage.", "int64Value.Set"),
    ("drain n --timeout=x", 'error: invalid argument "x" for "--timeout" flag: time: invalid duration "x"\n'
     "See 'kubectl drain --help' for usage.", "durationValue.Set: time.ParseDuration"),
    ("drain n --timeout=5", 'error: invalid argument "5" for "--timeout" flag: time: missing unit in duration "5"\n'
     "See 'kubectl drain --help' for usage.", "time.ParseDuration: missing unit"),
    ("drain n --timeout=5x", 'error: invalid argument "5x" for "--timeout" flag: time: unknown unit "x" in duration '
     "\"5x\"\nSee 'kubectl drain --help' for usage.", "time.ParseDuration: unknown unit"),
    ("delete --grace-period=x pod y", 'error: invalid argument "x" for "--grace-period" flag: strconv.ParseInt: '
     "parsing \"x\": invalid syntax\nSee 'kubectl delete --help' for usage.", "delete --grace-period is an int"),
    ("get pods -v=x", 'error: invalid argument "x" for "-v, --v" flag: strconv.ParseInt: parsing "x": invalid syntax\n'
     f"{SEE_GET}", "klog's -v: a global flag of every command"),
    ("get pods -v=0x1", 'error: invalid argument "0x1" for "-v, --v" flag: strconv.ParseInt: parsing "0x1": invalid '
     f"syntax\n{SEE_GET}", "klog Level.Set: ParseInt(s, 10, 32), no base prefix"),
    ("get pods -v=1_0", 'error: invalid argument "1_0" for "-v, --v" flag: strconv.ParseInt: parsing "1_0": invalid '
     f"syntax\n{SEE_GET}", "klog Level.Set: base 10 takes no underscores"),
    ("get pods -v=2147483648", 'error: invalid argument "2147483648" for "-v, --v" flag: strconv.ParseInt: parsing '
     f'"2147483648": value out of range\n{SEE_GET}', "klog Level.Set: 32 bits"),
    ("get pods -L '\"a'", 'error: invalid argument "\\"a" for "-L, --label-columns" flag: parse error on line 1, '
     f'column 3: extraneous or missing " in quoted-field\n{SEE_GET}', "pflag readAsCSV: encoding/csv ParseError, %q"),
    ("get pods -L 'a\"b'", 'error: invalid argument "a\\"b" for "-L, --label-columns" flag: parse error on line 1, '
     f'column 2: bare " in non-quoted-field\n{SEE_GET}', "encoding/csv: a quote inside an unquoted field"),
    ("create foo", "error: Unexpected args: [foo]\nSee 'kubectl create -h' for help and examples",
     "create.go RunCreate: arguments that name no sub-command"),
    ("create", "error: must specify one of -f and -k", "create.go: neither a sub-command nor -f"),
    ("rollout foo", "error: unknown command \"foo\"\nSee 'kubectl rollout -h' for help and examples",
     "cobra: a parent without Run given an unknown sub-command"),
    ("foo", 'error: unknown command "foo" for "kubectl"\n\nDid you mean this?\n\ttop',
     "cobra SuggestionsFor: Levenshtein distance <= 2"),
    ("gett pods", 'error: unknown command "gett" for "kubectl"\n\nDid you mean this?\n\tset\n\tget',
     "cobra SuggestionsFor: in the root's command order (kubectl's groups), not sorted"),
    ("desc", 'error: unknown command "desc" for "kubectl"\n\nDid you mean this?\n\tdescribe',
     "cobra SuggestionsFor: a prefix of a command"),
    ("Get pods", 'error: unknown command "Get" for "kubectl"\n\nDid you mean this?\n\tset\n\tget',
     "cobra: commands are case-sensitive, suggestions are not"),
    ("xyzzyq", 'error: unknown command "xyzzyq" for "kubectl"', "cobra: nothing close, no suggestion"),
]

# (command line, command path, positional args, flags, words after --, upstream rule)
PARSED = [
    ("delete pod x --force=false", "delete", ("pod", "x"), {"--force": False}, (), "boolValue.Set(\"false\")"),
    ("delete pod x --force=true", "delete", ("pod", "x"), {"--force": True}, (), "boolValue.Set(\"true\")"),
    ("delete pod x --force", "delete", ("pod", "x"), {"--force": True}, (), "bool NoOptDefVal \"true\""),
    ("delete pod x --force false", "delete", ("pod", "x", "false"), {"--force": True}, (),
     "a bool never takes the next word: 'false' is an argument"),
    ("delete pod x --force=0 --wait=F", "delete", ("pod", "x"), {"--force": False, "--wait": False}, (),
     "strconv.ParseBool: 0 and F"),
    ("get pods -A=true", "get", ("pods",), {"--all-namespaces": True}, (), "'-f=arg' for a shorthand"),
    ("get pods -ndefault -owide", "get", ("pods",), {"--namespace": "default", "--output": "wide"}, (),
     "'-farg': the rest of the group is the value"),
    ("get pods -n=", "get", ("pods",), {"--namespace": "="}, (), "'-n=' is two characters: the value is '='"),
    ("get pods --all_namespaces", "get", ("pods",), {"--all-namespaces": True}, (),
     "kubectl's WordSepNormalizeFunc: '_' reads as '-'"),
    ("get pods -", "get", ("pods", "-"), {}, (), "pflag: a lone '-' is an argument"),
    ("get pods -- -z", "get", ("pods",), {}, ("-z",), "pflag: '--' ends the flags"),
    ("exec x -it -- ls -z", "exec", ("x",), {"--stdin": True, "--tty": True}, ("ls", "-z"),
     "grouped bools, then the command after --"),
    ("run x --image=a --dry-run", "run", ("x",), {"--image": "a", "--dry-run": "unchanged"}, (),
     "--dry-run's NoOptDefVal 'unchanged' (GetDryRunStrategy: deprecated client)"),
    ("run x --image=a --dry-run client", "run", ("x", "client"), {"--image": "a", "--dry-run": "unchanged"}, (),
     "a NoOptDefVal flag does not take the next word"),
    ("create deploy web --image nginx -r 3", "create deployment", ("web",),
     {"--image": ("nginx",), "--replicas": "3"}, (), "alias deploy; '--image nginx' takes the next word"),
    ("get pods -L app,role -L tier", "get", ("pods",), {"--label-columns": ("app", "role", "tier")}, (),
     "pflag stringSliceValue.Set: each value read as CSV, repetitions appended"),
    ("get pods -L 'a,\"b,c\"'", "get", ("pods",), {"--label-columns": ("a", "b,c")}, (),
     "pflag readAsCSV: a quoted field keeps its comma"),
    ("get pods --label-columns=", "get", ("pods",), {"--label-columns": ()}, (), "pflag readAsCSV: an empty value is no values"),
    ("apply -f a.yaml -f b.yaml,c.yaml", "apply", (), {"--filename": ("a.yaml", "b.yaml", "c.yaml")}, (),
     "-f is a StringSlice (FilenameOptions): every file, in order"),
    ("run x --image=a --env=A=1,B=2 --env C=3", "run", ("x",), {"--image": "a", "--env": ("A=1,B=2", "C=3")}, (),
     "run --env is a StringArray: a comma stays in the value"),
    ("run x --image=a --annotations=a=1,b=2 --annotations c=3", "run", ("x",),
     {"--image": "a", "--annotations": ("a=1,b=2", "c=3")}, (), "run --annotations is a StringArray"),
    ("create deploy web --image=a,b --image c", "create deployment", ("web",), {"--image": ("a", "b", "c")}, (),
     "create deployment --image is a StringSlice"),
    ("get pods -v=010", "get", ("pods",), {"--v": "010"}, (), "klog Level.Set: ParseInt(s, 10, 32): 010 is ten"),
    ("get pods -v=-1", "get", ("pods",), {"--v": "-1"}, (), "klog Level.Set: a sign is allowed"),
    ("get pods --chunk-size=0x10", "get", ("pods",), {"--chunk-size": "0x10"}, (),
     "int64Value.Set: ParseInt(s, 0, 64) reads 0x"),
    ("-n kube-system get pods", "get", ("pods",), {"--namespace": "kube-system"}, (),
     "cobra stripFlags skips a global flag's value"),
    ("logs web -f -p --tail 5", "logs", ("web",), {"--follow": True, "--previous": True, "--tail": "5"}, (),
     "logs' own shorthands"),
]


@pytest.fixture(scope="module")
def cluster():
    return Cluster(seed=1)


@pytest.fixture(scope="module")
def real_kubectl(tmp_path_factory):
    """The real binary with a kubeconfig whose server (port 1) never answers."""
    if KUBECTL is None:
        return None
    config = tmp_path_factory.mktemp("kubeconfig") / "config"
    config.write_text("apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]\n"
                      "contexts: [{name: c, context: {cluster: c}}]\ncurrent-context: c\n")

    def run(line: str) -> str:
        env = dict(os.environ, KUBECONFIG=str(config))
        done = subprocess.run([KUBECTL, *shlex.split(line)], capture_output=True, text=True, env=env, timeout=60)
        return (done.stdout + done.stderr).strip()
    return run


@pytest.mark.parametrize("line, want, rule", ERRORS, ids=[r[0] for r in ERRORS])
def test_errors_are_kubectls(cluster, real_kubectl, line, want, rule):
    assert cluster.kubectl(line) == want, rule
    if real_kubectl is not None:
        assert real_kubectl(line) == want, f"kubectl {flagsets.KUBECTL_VERSION} prints otherwise ({rule})"


@pytest.mark.parametrize("line, path, args, parsed, after, rule", PARSED, ids=[r[0] for r in PARSED])
def test_parsing_is_pflags(real_kubectl, line, path, args, parsed, after, rule):
    got = flags.parse(line)
    assert (got.path, got.args, got.flags, got.after) == (path, args, parsed, after), rule
    if real_kubectl is not None:  # the real binary got past its flags: it went on to the server
        out = real_kubectl(line)
        assert "flag" not in out and "Error:" not in out, (rule, out)


@pytest.mark.parametrize("text, seconds", [("0", 0), ("5s", 5), ("1m30s", 90), ("1.5h", 5400), ("-2m", -120),
                                           ("300ms", 0.3), ("+1h0m0s", 3600)])
def test_parse_duration(text, seconds):
    """time.ParseDuration: units ns..h, fractions, a sign, "0" without a unit."""
    assert flags.parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("path", ["", *flagsets.COMMANDS])
def test_flag_tables_match_the_binary(path):
    """flagsets.py is what tools/kubectl_flags.py reads from this kubectl: the same flag names
    (regenerate it with ``python -m tools.kubectl_flags`` after a kubectl upgrade)."""
    if KUBECTL is None:
        pytest.skip("the real kubectl is not installed")
    from tools.kubectl_flags import _options
    words = path.split() if path else ["options"]
    text = subprocess.run([KUBECTL, *words, *(["--help"] if path else [])], capture_output=True, text=True,
                          timeout=60).stdout
    want = sorted(name for _, name, _ in _options(text))
    rows = flagsets.COMMANDS[path] if path else flagsets.GLOBAL
    assert sorted(r.split("|")[1] for r in rows) == want


def test_help_is_not_printed_but_pointed_to(cluster):
    """cobra prints the command's help for -h/--help; k8snet says where that page is."""
    out = cluster.kubectl("get pods --help")
    assert out.startswith("error:") and "kubectl_get/" in out
    with pytest.raises(UsageError):
        flags.parse("rollout status -h")


@pytest.mark.parametrize("verb", ["annotate", "edit", "patch", "port-forward", "top"])
def test_real_commands_not_simulated_say_so(cluster, verb):
    """A kubectl v1.37 command k8snet does not run is named as such, never "unknown command"."""
    out = cluster.kubectl(f"{verb} something")
    assert out.startswith(f"error: k8snet does not simulate `kubectl {verb}`"), out
    assert verb in flagsets.ROOT_COMMANDS
