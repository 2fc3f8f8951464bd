"""How many trials run at once, and the CPUs a ``ray_features`` sweep needs: checked before Ray starts.

Why: with ``[resources] ray_features`` each trial's spectrograms are Ray tasks on the sweep's own cluster, so
the trials must leave a CPU free for them (trials holding every CPU would wait forever for tasks that can never
start). A local Ray instance's CPUs are known before it starts (``--num-cpus``, else the machine's), so a sweep
that cannot run one trial is refused before Ray starts, naming the sweep file and the key; a cluster named by
``--address`` is checked once connected, with the same sentence.
"""

from __future__ import annotations

from workbench.core.errors import WorkbenchError
from workbench.core.wording import plural
from workbench.sweeps.definition.sweep_file import SweepFile
from workbench.usable_cpus import usable_cpus

RAY_FEATURE_CPUS = 1.0  # kept free for the feature tasks of trials with [resources] ray_features


def _cpus(number: float) -> str:
    """``2 CPUs``, ``1 CPU``, ``1.5 CPUs``: a CPU count as Ray gives it (a float) in a sentence."""
    return f"{number:g} {plural(number, 'CPU')}"


def local_cpus(num_cpus: int | None) -> int:
    """The CPUs a local Ray instance gets: ``--num-cpus``, else those this process may use (Ray counts a
    container's quota, which may be fewer, but not ``taskset``'s affinity)."""
    return num_cpus if num_cpus is not None else usable_cpus()


def cluster_words(address: str | None, num_cpus: int | None) -> str:
    """Which cluster the CPUs are of: the end of :func:`trial_slots`' sentence, ``{cpus}`` where its CPUs go."""
    if address:
        return f"the Ray cluster at {address} has {{cpus}}"
    if num_cpus is not None:
        return f"the local Ray instance has {{cpus}} (--num-cpus {num_cpus})"
    return "this machine has {cpus}"


def trial_slots(sweep: SweepFile, wanted: int | None, cpus: float, cluster: str) -> int | None:
    """Trials at once: ``wanted`` (None: as many as the CPUs allow), and with ``ray_features`` at most as many as
    leave :data:`RAY_FEATURE_CPUS` of the ``cpus`` free; WorkbenchError when not even one trial fits.
    ``cluster``: :func:`cluster_words`."""
    resources = sweep.resources
    if not resources.ray_features:
        return wanted
    per_trial = resources.cpus_per_trial
    fitting = int((cpus - RAY_FEATURE_CPUS) // per_trial)
    if fitting < 1:
        needed = _cpus(per_trial + RAY_FEATURE_CPUS)
        raise WorkbenchError(
            f"{sweep.source.name}: [resources] ray_features needs a CPU for the feature tasks besides the "
            f"{_cpus(per_trial)} each trial reserves (cpus_per_trial), so at least {needed}, but "
            f"{cluster.format(cpus=_cpus(cpus))}: give Ray more CPUs, lower [resources] cpus_per_trial or set "
            "ray_features = false.")
    return min(wanted, fitting) if wanted else fitting
