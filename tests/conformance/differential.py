"""Differential testing: sidecar-lsp's findings against Copilot's own verdicts, per environment.

Copilot deploys a workload once per environment, after merging ``environments.<env>`` over the base;
the oracle answers for the base (``""``) and for every environment the manifest overrides. For each
of them the tool and Copilot must agree:

* **false error**: Copilot accepts the environment, and sidecar-lsp reports an error that applies to
  it (codes ``X-…`` excepted: documented deploy-time checks beyond Copilot);
* **miss**: Copilot rejects the environment, and sidecar-lsp reports no error that applies to it.

An error applies to every environment unless its scope names the environments it is about
(``Finding.scope``, which the message puts as ``in environment 'prod': ``). A base problem that every
override fixes is a hint that says so; it counts for the base only.

Besides, every "Copilot ignores unknown keys" warning is checked: the manifest without those keys
must get the same verdict from Copilot (**unknown-key claim**).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generate import (
    Alias,
    Anchored,
    Case,
    Generator,
    RandomChooser,
    cases,
    realistic_sources,
    render,
    seen_under_keys,
)
from oracle import Oracle, VerdictSource

from sidecar_lsp.core.check.analyze import Options, analyze
from sidecar_lsp.core.check.validate import override_environment
from sidecar_lsp.core.model import UNKNOWN_KEY, Finding, Reach, Severity
from sidecar_lsp.core.rules import RULES
from sidecar_lsp.core.schema.store import load_schema
from sidecar_lsp.core.workspace.rules import WORKSPACE_RULES

OPTIONS = Options(assume_manifest=True)
"""As ``sidecar-lsp check`` runs on a file under ``copilot/``."""
_LINE = re.compile(r"line \d+")
_SAMPLES_PER_KEY = 5


def tool_errors(findings: Iterable[Finding], envs: Sequence[str]) -> dict[str, list[Finding]]:
    """The errors that apply to each environment (``""`` is the base)."""
    out: dict[str, list[Finding]] = {env: [] for env in envs}
    for finding in findings:
        reach = finding.scope.reach
        if finding.severity is Severity.HINT and reach is Reach.WITHOUT_OVERRIDE:
            out.setdefault("", []).append(finding)
            continue
        if finding.severity is not Severity.ERROR:
            continue
        if reach is Reach.WITHOUT_OVERRIDE_AND_NAMED:
            targets = ["", *finding.scope.environments]
        elif reach is Reach.NAMED:
            targets = list(finding.scope.environments)
        elif (written_in := override_environment(finding)) is not None:
            targets = [written_in]
        else:
            targets = list(envs)
        for env in targets:
            out.setdefault(env, []).append(finding)
    return out


def oracle_envs(verdict: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Environment -> (stage, message) from a verdict; environment and pipeline manifests have only ``""``."""
    per_env: dict[str, str] = verdict.get("per_env") or {}
    stages: dict[str, str] = verdict.get("per_env_stage") or {}
    if not per_env:
        return {"": (verdict["stage"], verdict.get("error", ""))}
    return {
        env: (stages.get(env, "ok" if message == "ok" else verdict["stage"]), message)
        for env, message in per_env.items()
    }


@dataclass
class Disagreement:
    kind: str
    """``false error``, ``miss`` or ``unknown-key claim``."""
    category: str
    env: str
    stage: str
    """The oracle's stage for the environment (``ok`` for a false error)."""
    oracle: str
    tool: list[str]
    case: Case

    def key(self) -> tuple[str, str, str]:
        detail = self.tool[0].split(" ", 1)[0] if self.kind == "false error" and self.tool else self.stage
        return self.kind, self.category, detail

    def describe(self) -> str:
        lines = [
            f"{self.kind} [{self.category}] case {self.case.index} ({self.case.source}), env {self.env or '(base)'!r}",
            f"  Copilot ({self.stage}): {self.oracle[:300]}",
        ]
        lines += [f"  sidecar-lsp: {t[:300]}" for t in self.tool] or ["  sidecar-lsp: no error"]
        lines += ["  ---", *("  " + line for line in self.case.text.splitlines())]
        return "\n".join(lines)


@dataclass
class Tally:
    manifests: int = 0
    environments: int = 0
    by_category: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(category, outcome) -> manifests; outcome is agree, false error, miss or unknown-key claim."""
    by_stage: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(oracle stage, outcome) per environment."""
    false_error_codes: Counter[str] = field(default_factory=Counter)
    miss_messages: Counter[str] = field(default_factory=Counter)
    """Copilot's message (line numbers and values masked) -> environments the tool passes."""
    samples: dict[tuple[str, str, str], list[Disagreement]] = field(default_factory=dict)

    def add(self, other: Tally) -> None:
        self.manifests += other.manifests
        self.environments += other.environments
        self.by_category.update(other.by_category)
        self.by_stage.update(other.by_stage)
        self.false_error_codes.update(other.false_error_codes)
        self.miss_messages.update(other.miss_messages)
        for key, items in other.samples.items():
            bucket = self.samples.setdefault(key, [])
            bucket.extend(items[: max(0, _SAMPLES_PER_KEY - len(bucket))])

    def disagreements(self) -> list[Disagreement]:
        return [d for items in self.samples.values() for d in items]

    def disagreeing_manifests(self) -> int:
        return sum(n for (_, outcome), n in self.by_category.items() if outcome != "agree")


def _beyond_copilot(code: str) -> bool:
    """A check Copilot's decoding and ``Validate()`` do not make (a deploy-time failure in its template or
    pipeline code, in ECS or CloudFormation, or the workspace): the oracle cannot judge it. A crash or a
    decoding failure Copilot reports is not beyond it."""
    rule = RULES.get(code) or WORKSPACE_RULES.get(code)
    return rule is not None and not rule.copilot


def compare(case: Case, verdict: dict[str, Any], findings: list[Finding] | None = None) -> list[Disagreement]:
    """Where the tool and Copilot disagree on one manifest."""
    envs = oracle_envs(verdict)
    if findings is None:
        findings = analyze(case.text, OPTIONS).findings
    errors = tool_errors(findings, list(envs))
    out: list[Disagreement] = []
    for env, (stage, message) in envs.items():
        mine = errors.get(env, [])
        plain = [f for f in mine if not _beyond_copilot(f.code)]
        described = [f"{f.code} {f.span.start.line + 1}:{f.span.start.col + 1} {f.message}" for f in mine]
        if stage == "ok" and plain:
            out.append(
                Disagreement(
                    "false error",
                    case.category,
                    env,
                    stage,
                    message,
                    [d for d, f in zip(described, mine, strict=False) if f in plain],
                    case,
                )
            )
        elif stage != "ok" and not mine and not _depends_on_assumed_values(verdict, message):
            out.append(Disagreement("miss", case.category, env, stage, message, [], case))
    return out


def _depends_on_assumed_values(verdict: dict[str, Any], message: str) -> bool:
    """Copilot refused a value the oracle made up for an undefined ``${VAR}`` (its README: it tries a few
    values and keeps the one that gets furthest): a real shell could give one it accepts, so this is no
    miss. A failure to decode stays one (``${PORT}`` in a number field can never decode)."""
    assumed = [str(v) for v in (verdict.get("assumed_values") or {}).values() if str(v)]
    return "unmarshal" not in message and any(value in message for value in assumed)


def _without_witnessed_misses(
    oracle: VerdictSource, case: Case, verdict: dict[str, Any], found: list[Disagreement]
) -> list[Disagreement]:
    """Drop a miss when Copilot itself accepts the environment for some value the tool cannot know.

    - Undefined ``${VAR}``s: the oracle's own search tries only a few values (``1``, an ARN, a CIDR
      block, ``10s``), so ``deduplication_scope: ${X}`` is refused there although ``X=queue`` deploys.
      Tried here: the schema's examples and words, each given to every variable at once, and the values
      that make a written ``prefix${V}suffix`` one of those words (``${D}s`` is ``SUCCESS`` with
      ``D=SUCCES``).
    - The application's name, and the name of an environment without an override (the oracle calls
      them ``app`` and ``base``): the tool is told neither, so ``version: ${COPILOT_ENVIRONMENT_NAME}``
      is no error for it while an environment may be called ``grpc``. Tried here: those of the same
      words that are names.
    """
    misses = {d.env for d in found if d.kind == "miss"}
    if not misses:
        return found
    names = verdict.get("undefined_vars") or []
    requests: list[dict[str, Any]] = [
        {"text": case.text, "vars": dict.fromkeys(names, value), "var_search": False}
        for value in ((*_witness_values(), *_manifest_names(case.tree)) if names else ())
    ]
    requests += [{"text": case.text, "vars": values} for values in _affix_solutions(case.text, names)]
    if "${COPILOT_APPLICATION_NAME}" in case.text:
        requests += [
            {"text": case.text, "app": name}
            for name in _name_candidates(case.text, "APPLICATION", _manifest_names(case.tree))
        ]
    if "" in misses and "${COPILOT_ENVIRONMENT_NAME}" in case.text and verdict.get("kind") == "workload":
        overridden = case.tree.get("environments") if isinstance(case.tree, dict) else None
        requests += [
            {"text": case.text, "env": [name]}
            for name in _name_candidates(case.text, "ENVIRONMENT", _manifest_names(case.tree))
            if not (isinstance(overridden, dict) and name in overridden)
        ]
    if not requests:
        return found
    witnessed: set[str] = set()
    for request, answer in zip(requests, oracle.verdicts(requests), strict=True):
        for env, (stage, _) in oracle_envs(answer).items():
            if stage == "ok":
                witnessed.add("" if "env" in request else env)  # an environment without an override
    if names and misses - witnessed:
        witnessed |= _searched_assignment(oracle, case.text, names, _manifest_names(case.tree))
    return [d for d in found if not (d.kind == "miss" and d.env in witnessed)]


_STAGES = ("read", "yaml", "interpolate", "unmarshal", "applyenv", "panic", "validate", "ok")
_MAX_SEARCHED_NAMES = 24


_NAMING_KEYS = ("target_container", "targetContainer", "source_volume")


def _manifest_names(tree: Any) -> tuple[str, ...]:
    """The container and volume names the manifest itself defines (``target_container: ${X}`` deploys with
    ``X`` one of them), those it refers to (``name: ${SERVICE_NAME}`` deploys with a target's name, even a
    number's), then the other values it writes."""
    if not isinstance(tree, dict):
        return ()
    found = [tree.get("name")]
    for section in (
        tree.get("sidecars"),
        (tree.get("storage") or {}).get("volumes") if isinstance(tree.get("storage"), dict) else None,
    ):
        if isinstance(section, dict):
            found.extend(section)
    referred, written = _referred_and_written(tree)
    found.extend(referred)
    found.extend(written[:_MAX_WRITTEN_VALUES])
    texts = (str(n) for n in found if isinstance(n, (str, int)) and not isinstance(n, bool))
    return tuple(n for n in dict.fromkeys(texts) if "$" not in n)


_MAX_WRITTEN_VALUES = 40


def _referred_and_written(tree: Any) -> tuple[list[Any], list[Any]]:
    """The names the manifest refers to (targets, ``source_volume``, ``depends_on``), and every scalar it
    writes: a ``${VAR}`` often stands for one of them (an imported subnet's id in ``http.private.subnets``)."""
    referred: list[Any] = []
    written: list[Any] = []
    for key, value, is_entry in seen_under_keys(tree):
        if is_entry and key in _NAMING_KEYS:
            referred.append(value)
        elif is_entry and key == "depends_on" and isinstance(value, dict):
            referred.extend(value)
        elif not is_entry and isinstance(value, (str, int)) and not isinstance(value, bool):
            written.append(value)
    return referred, written


def _searched_assignment(
    oracle: VerdictSource, text: str, names: list[str], own: tuple[str, ...] = ()
) -> set[str]:
    """The environments Copilot accepts for the best values found one variable at a time: each variable in
    turn takes the candidate (its affix solutions, then the witness words) that gets Copilot furthest,
    the others keeping theirs. Needed when variables need different values (``${N}s`` and ``${D}`` in two
    duration fields: ``N=1``, ``D=10s``), which neither the oracle's own search nor one word for all tries."""
    names = names[:_MAX_SEARCHED_NAMES]
    affixes: dict[str, list[str]] = {name: [] for name in names}
    for solution in _affix_solutions(text, names):
        for name, value in solution.items():
            affixes[name].append(value)
    candidates = {name: [*dict.fromkeys([*affixes[name], "1", *_witness_values(), *own])] for name in names}
    chosen = {name: candidates[name][0] for name in names}

    def score(answer: dict[str, Any]) -> tuple[int, int, int]:
        """Environments accepted, then the stage reached, then fewer decoding errors (yaml.v3 lists them)."""
        envs = oracle_envs(answer).values()
        return (
            sum(stage == "ok" for stage, _ in envs),
            min(_STAGES.index(stage) if stage in _STAGES else 0 for stage, _ in envs),
            -sum(len(_LINE.findall(message)) for _, message in envs),
        )

    best = oracle.verdicts([{"text": text, "vars": chosen, "var_search": False}])[0]
    for _round in range(2):
        for name in names:
            trials = [{**chosen, name: value} for value in candidates[name] if value != chosen[name]]
            answers = oracle.verdicts({"text": text, "vars": trial, "var_search": False} for trial in trials)
            for trial, answer in zip(trials, answers, strict=True):
                if score(answer) > score(best):
                    chosen, best = trial, answer
    return {env for env, (stage, _) in oracle_envs(best).items() if stage == "ok"}


def _name_candidates(text: str, which: str, own: tuple[str, ...] = ()) -> list[str]:
    """Names to try for ``${COPILOT_<which>_NAME}``: the witness words, and the values that make a written
    ``prefix${…}suffix`` one of them, that can be a name (lower-case letters, digits and hyphens)."""
    variable = f"COPILOT_{which}_NAME"
    values = [solution[variable] for solution in _affix_solutions(text, [variable])]
    values += [*_witness_values(), *own]
    return [v for v in dict.fromkeys(values) if re.fullmatch(r"[a-z][a-z0-9-]*", v)]


_AFFIXED_VARIABLE = re.compile(r"([^\s'\"\[\],{}:$]*)\$\{([_a-zA-Z][_a-zA-Z0-9]*)\}([^\s'\"\[\],{}$]*)")
_MAX_AFFIX_SOLUTIONS = 40


def _affix_solutions(text: str, names: list[str]) -> list[dict[str, str]]:
    """For each ``prefix${V}suffix`` written with literal text around one undefined variable, the
    values of V that turn it into one of the schema's words (case-insensitively, as Copilot's word
    checks compare)."""
    solutions: list[dict[str, str]] = []
    for match in _AFFIXED_VARIABLE.finditer(text):
        prefix, name, suffix = match.groups()
        if name not in names or not (prefix or suffix):
            continue
        for word in _witness_values():
            folded = word.lower()
            if (
                len(word) > len(prefix) + len(suffix)
                and folded.startswith(prefix.lower())
                and (folded.endswith(suffix.lower()))
            ):
                value = {name: word[len(prefix) : len(word) - len(suffix)]}
                if value not in solutions:
                    solutions.append(value)
    return solutions[:_MAX_AFFIX_SOLUTIONS]


@functools.lru_cache(maxsize=1)
def _witness_values() -> tuple[str, ...]:
    values: set[str] = set()

    def walk(schema: Any) -> None:
        if isinstance(schema, dict):
            for keyword in ("examples", "enum"):
                words = schema.get(keyword)
                if isinstance(words, list):
                    values.update(
                        str(w) for w in words if isinstance(w, (str, int)) and not isinstance(w, bool)
                    )
            for child in schema.values():
                walk(child)
        elif isinstance(schema, list):
            for child in schema:
                walk(child)

    walk(load_schema())
    return tuple(sorted(values))


def unknown_key_claims(case: Case, findings: list[Finding]) -> list[tuple[str | int, ...]]:
    """Paths the tool says Copilot ignores, when the case can be rewritten without them."""
    if _has_references(case.tree):
        return []
    return [f.path for f in findings if f.code == UNKNOWN_KEY and f.path]


def without(tree: Any, paths: Iterable[tuple[str | int, ...]]) -> Any:
    import copy

    tree = copy.deepcopy(tree)
    for path in paths:
        holder = tree
        for part in path[:-1]:
            if (
                isinstance(holder, dict)
                and part in holder
                or isinstance(holder, list)
                and isinstance(part, int)
                and 0 <= part < len(holder)
            ):
                holder = holder[part]
            else:
                holder = None
                break
        if isinstance(holder, dict):
            holder.pop(path[-1], None)
    return tree


def _has_references(tree: Any) -> bool:
    if isinstance(tree, (Anchored, Alias)):
        return True
    if isinstance(tree, dict):
        return any(_has_references(v) for v in tree.values())
    if isinstance(tree, list):
        return any(_has_references(v) for v in tree)
    return False


def _normal(verdict: dict[str, Any]) -> dict[str, str]:
    """Per environment: accepted or not (which error Copilot reports first may change with the keys)."""
    return {env: "ok" if stage == "ok" else "rejected" for env, (stage, _) in oracle_envs(verdict).items()}


def run(oracle: VerdictSource, batch: Sequence[Case]) -> Tally:
    """Compare a batch of cases; the oracle answers them in one stream."""
    tally = Tally()
    verdicts = oracle.verdicts({"text": case.text} for case in batch)
    claims: list[tuple[Case, dict[str, Any], list[tuple[str | int, ...]]]] = []
    results: list[tuple[Case, dict[str, Any], list[Disagreement]]] = []
    for case, verdict in zip(batch, verdicts, strict=False):
        findings = analyze(case.text, OPTIONS).findings
        found = compare(case, verdict, findings)
        results.append((case, verdict, found))
        paths = unknown_key_claims(case, findings)
        if paths:
            claims.append((case, verdict, paths))
    rewritten = oracle.verdicts(
        {"text": render(without(case.tree, paths), RandomChooser(_fixed()))} for case, _, paths in claims
    )
    claim_failures: dict[int, Disagreement] = {}
    for (case, verdict, paths), after in zip(claims, rewritten, strict=False):
        before_envs, after_envs = _normal(verdict), _normal(after)
        if before_envs != after_envs:
            env = next((e for e in before_envs if before_envs[e] != after_envs.get(e)), "")
            claim_failures[case.index] = Disagreement(
                "unknown-key claim",
                case.category,
                env,
                oracle_envs(verdict).get(env, ("ok", ""))[0],
                f"with the keys: {oracle_envs(verdict).get(env, ('', ''))[1]}; without "
                f"{', '.join(map(_dotted, paths))}: {oracle_envs(after).get(env, ('', ''))[1]}",
                [f"{UNKNOWN_KEY} {_dotted(p)}" for p in paths],
                case,
            )
    results = [
        (case, verdict, _without_witnessed_misses(oracle, case, verdict, found))
        for case, verdict, found in results
    ]
    for case, verdict, found in results:
        tally.manifests += 1
        envs = oracle_envs(verdict)
        tally.environments += len(envs)
        failed = {d.env: d for d in found}
        for env, (stage, _) in envs.items():
            tally.by_stage[stage, failed[env].kind if env in failed else "agree"] += 1
        claim = claim_failures.get(case.index)
        if claim is not None:
            found = [*found, claim]
        outcome = (
            "false error"
            if any(d.kind == "false error" for d in found)
            else found[0].kind
            if found
            else "agree"
        )
        tally.by_category[case.category, outcome] += 1
        for d in found:
            if d.kind == "false error":
                tally.false_error_codes.update({t.split(" ", 1)[0] for t in d.tool})
            elif d.kind == "miss":
                tally.miss_messages[f"{d.stage}: {_mask(d.oracle)}"] += 1
            bucket = tally.samples.setdefault(d.key(), [])
            if len(bucket) < _SAMPLES_PER_KEY:
                bucket.append(d)
    return tally


def _mask(message: str) -> str:
    message = _LINE.sub(
        "line N", message.split("\n")[0] if "unmarshal errors" not in message else message.replace("\n", " ")
    )
    message = re.sub(r"`[^`]*`", "`…`", message)
    return re.sub(r"\d+", "N", message)[:150]


def _fixed() -> Any:
    import random

    return random.Random(0)


def _dotted(path: tuple[str | int, ...]) -> str:
    from sidecar_lsp.core.model import dotted

    return dotted(path)


def make_generator(extra: Sequence[Path] = ()) -> Generator:
    return Generator(load_schema(), realistic_sources(extra))


def run_range(
    oracle_path: Path, seed: int, start: int, stop: int, extra: Sequence[Path] = (), batch: int = 500
) -> Tally:
    """Generate and compare cases ``start``..``stop-1`` of ``seed`` with one oracle process."""
    generator = make_generator(extra)
    tally = Tally()
    with Oracle(oracle_path) as oracle:
        pending: list[Case] = []
        for case in cases(generator, seed, start, stop):
            pending.append(case)
            if len(pending) >= batch:
                tally.add(run(oracle, pending))
                pending = []
        if pending:
            tally.add(run(oracle, pending))
    return tally


OUTCOMES = ("agree", "false error", "miss", "unknown-key claim")


def report(tally: Tally, *, seed: int, count: int) -> str:
    """The agreement figures as a table per category and per oracle stage."""
    per_env = {o: sum(n for (_, oo), n in tally.by_stage.items() if oo == o) for o in OUTCOMES[1:3]}
    per_manifest = {o: sum(n for (_, oo), n in tally.by_category.items() if oo == o) for o in OUTCOMES[1:]}
    lines = [
        f"{tally.manifests} manifests ({tally.environments} environments), seed {seed}, requested {count}: "
        f"{tally.disagreeing_manifests()} disagree",
        f"false errors: {per_manifest['false error']} manifests ({per_env['false error']} environments); "
        f"misses: {per_manifest['miss']} manifests ({per_env['miss']} environments); "
        f"unknown-key claims contradicted: {per_manifest['unknown-key claim']} manifests",
        "",
        f"{'category':<14}" + "".join(f"{o:>19}" for o in OUTCOMES),
    ]
    categories = sorted({c for c, _ in tally.by_category})
    for category in categories:
        lines.append(f"{category:<14}" + "".join(f"{tally.by_category[category, o]:>19}" for o in OUTCOMES))
    lines.append(
        f"{'total':<14}"
        + "".join(f"{sum(n for (_, oo), n in tally.by_category.items() if oo == o):>19}" for o in OUTCOMES)
    )
    lines += [
        "",
        "per environment, by Copilot's stage:",
        f"{'stage':<14}" + "".join(f"{o:>19}" for o in OUTCOMES[:3]),
    ]
    for stage in sorted({s for s, _ in tally.by_stage}):
        lines.append(f"{stage:<14}" + "".join(f"{tally.by_stage[stage, o]:>19}" for o in OUTCOMES[:3]))
    if tally.false_error_codes:
        lines += [
            "",
            "false errors by sidecar-lsp code: "
            + ", ".join(f"{c} {n}" for c, n in tally.false_error_codes.most_common()),
        ]
    if tally.miss_messages:
        lines += ["", "misses (environments) by Copilot's message:"]
        lines += [f"{n:>7}  {m}" for m, n in tally.miss_messages.most_common(40)]
    return "\n".join(lines)
