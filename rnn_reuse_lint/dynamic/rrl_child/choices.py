"""The choices of compared literals an entry runs with: the aimed one first, then the alternatives."""
# (child code: Python 3.6 syntax, functions unannotated, checked by mypy check_untyped_defs; never runs in the parent)


def offered(entry):
    """How many choices of compared literals the plan offers an entry (1: the aimed one only)."""
    most = 0
    for key in ("init_args", "args"):
        for spec in (entry.get(key) or {}).values():
            most = max([most, len(spec.get("alternatives") or [])] +
                       [len(v.get("alternatives") or []) for v in (spec.get("attrs") or {}).values()
                        if isinstance(v, dict)])
    return 1 + most


def reruns(entry):
    """Whether the entry runs once per choice (findings in exclusive branches), not only until one succeeds."""
    specs = list((entry.get("init_args") or {}).values()) + list((entry.get("args") or {}).values())
    specs += [v for s in list(specs) for v in (s.get("attrs") or {}).values() if isinstance(v, dict)]
    return any(s.get("rerun") for s in specs)


def choose(spec, choice):
    """The spec with its choice-th alternative literal (0: the aimed one), in namespaces too."""
    if not choice:
        return spec
    alternatives = spec.get("alternatives") or []
    if alternatives:
        return dict(spec, value=alternatives[min(choice, len(alternatives)) - 1])
    if spec.get("kind") == "namespace":
        attrs = dict((k, choose(v, choice) if isinstance(v, dict) else v) for k, v in spec["attrs"].items())
        return dict(spec, attrs=attrs)
    return spec
