"""Write k8snet/kubectl/flagsets.py: the flags real kubectl accepts, per command, as pflag types.

    python -m tools.kubectl_flags [path/to/kubectl]

Reads each simulated command's ``--help`` (Options) and ``kubectl options`` (the global
flags), then asks the binary itself what the help does not say, with command lines pflag
refuses before any server contact (a kubeconfig pointing at port 1 keeps it that way):

* a value flag followed by an unknown flag: when pflag reports the unknown flag, the first
  one took no argument (it has a NoOptDefVal, like ``--dry-run``);
* an integer flag set to 2**31: "value out of range" means it is 32 bits wide; set to ``0x1``:
  "invalid syntax" means it parses base 10 only (klog's ``Level``, ``-v``), not Go's base 0;
* a list flag set to ``"a`` (an unclosed quote): pflag's StringSlice reads its value as CSV and
  refuses it, StringArray keeps it as one value (``--env``, ``--annotations``).

Flag names and types are facts about kubectl's command line, not upstream code.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile

#: Command paths the simulator runs (k8snet/kubectl/commands.py _VERBS and its sub-commands).
COMMANDS = ("get", "describe", "apply", "create", "create deployment", "create namespace", "run", "expose",
            "delete", "scale", "label", "rollout", "rollout status", "rollout history", "rollout undo",
            "rollout restart", "exec", "cordon", "uncordon", "taint", "logs", "drain", "auth", "auth can-i",
            "auth whoami")
#: Parents whose sub-commands cobra resolves before parsing flags.
PARENTS = ("create", "rollout", "auth")
#: What pflag puts in for a flag given without a value (NoOptDefVal); the probe only says one exists.
NO_OPT_DEFAULTS = {"dry-run": "unchanged", "validate": "strict", "cascade": "background"}

_OPTION = re.compile(r"^\s+(?:-(\w), )?--([\w-]+)=(.*):$")
_DURATION = re.compile(r"^-?(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$")


def _kubectl(binary: str, kubeconfig: str, *args: str) -> str:
    env = dict(os.environ, KUBECONFIG=kubeconfig)
    done = subprocess.run([binary, *args], capture_output=True, text=True, env=env, timeout=30)
    return done.stdout + done.stderr


def _kind(default: str) -> str:
    if default in ("true", "false"):
        return "bool"
    if default == "[]":
        return "list"
    if re.fullmatch(r"-?\d+", default):
        return "int"
    if _DURATION.fullmatch(default):
        return "duration"
    return "string"


def _options(text: str) -> list[tuple[str, str, str]]:
    return [m.groups() for m in map(_OPTION.match, text.splitlines()) if m]


def _subcommands(text: str) -> dict[str, str]:
    """``Available Commands:`` of a parent's help -> {name: name}."""
    block = text.partition("Available Commands:\n")[2].partition("\n\n")[0]
    return {line.split()[0]: line.split()[0] for line in block.splitlines() if line.strip()}


def _probe(binary: str, kubeconfig: str, path: list[str], short: str, name: str, kind: str) -> str:
    if kind == "bool":
        return "bool"
    out = _kubectl(binary, kubeconfig, *path, f"--{name}", "--zzz-probe")
    if "unknown flag: --zzz-probe" in out:
        if name not in NO_OPT_DEFAULTS:
            raise SystemExit(f"kubectl {' '.join(path)} --{name} takes no value: add it to NO_OPT_DEFAULTS")
        return f"{kind}={NO_OPT_DEFAULTS[name]}"
    if kind == "int":
        if "invalid syntax" in _kubectl(binary, kubeconfig, *path, f"--{name}=0x1", "--zzz-probe"):
            return "level"
        out = _kubectl(binary, kubeconfig, *path, f"--{name}=2147483648", "--zzz-probe")
        return "int32" if "value out of range" in out else "int64"
    if kind == "list":
        out = _kubectl(binary, kubeconfig, *path, f'--{name}="a', "--zzz-probe")
        return "stringSlice" if "in quoted-field" in out else "stringArray"
    return kind


def generate(binary: str) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".kubeconfig", delete=False) as f:
        f.write("apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]\n"
                "contexts: [{name: c, context: {cluster: c}}]\ncurrent-context: c\n")
        kubeconfig = f.name
    try:
        version = _kubectl(binary, kubeconfig, "version", "--client").splitlines()[0].split()[-1]
        tables: dict[str, list[str]] = {}
        for path in ("",) + COMMANDS:
            words = path.split()
            text = _kubectl(binary, kubeconfig, *(words or ["options"]), *(["--help"] if words else []))
            rows = []
            for short, name, default in _options(text):
                kind = _probe(binary, kubeconfig, words or ["get"], short or "", name, _kind(default))
                rows.append(f"{short or ''}|{name}|{kind}")
            tables[path] = rows
        subs = {p: sorted(_subcommands(_kubectl(binary, kubeconfig, p, "--help"))) for p in PARENTS}
        # The root's commands in the order cobra holds them (kubectl adds them group by group):
        # the order of `kubectl --help` and of cobra's "Did you mean this?" suggestions.
        roots = [line.split()[0] for line in _kubectl(binary, kubeconfig, "--help").splitlines()
                 if line.startswith("  ") and line[2:3].isalpha() and not line.startswith("  kubectl ")]
        aliases = {}
        for p in PARENTS:
            for sub in subs[p]:
                text = _kubectl(binary, kubeconfig, p, sub, "--help")
                names = text.partition("Aliases:\n")[2].partition("\n")[0]
                for alias in [a.strip() for a in names.split(",")][1:] if names else []:
                    aliases[f"{p} {alias}"] = f"{p} {sub}"
    finally:
        os.unlink(kubeconfig)
    lines = [f'"""The flags kubectl {version} accepts, per command (generated by tools/kubectl_flags.py',
             "from the binary's --help and probes; do not edit by hand).", "",
             "Each row is ``shorthand|name|type``; type is a pflag value type (bool, string, stringSlice,",
             "stringArray, int32, int64, duration, or klog's level: base-10 int32), ``type=value`` when the",
             "flag may be given without a value (NoOptDefVal).",
             '"""', "", f"KUBECTL_VERSION = {version!r}", "",
             "#: The global flags (``kubectl options``): every command accepts them.",
             "GLOBAL = (", *[f"    {r!r}," for r in tables.pop("")], ")", "",
             "#: The flags of each command path the simulator runs.", "COMMANDS = {"]
    for path, rows in tables.items():
        lines.append(f"    {path!r}: (")
        lines += [f"        {r!r}," for r in rows]
        lines.append("    ),")
    lines += ["}", "", "#: The sub-commands of a parent command (cobra resolves them before flags).", "SUBCOMMANDS = {"]
    lines += [f"    {p!r}: {tuple(s)!r}," for p, s in subs.items()]
    lines += ["}", "", "#: Every top-level command, in cobra's order (kubectl --help).",
              f"ROOT_COMMANDS = {tuple(roots)!r}", "", "#: Sub-command aliases -> the command path.", "ALIASES = {"]
    lines += [f"    {a!r}: {c!r}," for a, c in sorted(aliases.items())]
    lines += ["}", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    kubectl = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(sys.executable), "kubectl")
    target = os.path.join(os.path.dirname(__file__), os.pardir, "k8snet", "kubectl", "flagsets.py")
    with open(target, "w") as out:
        out.write(generate(kubectl))
