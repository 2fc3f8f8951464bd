"""Sweeps: hyper-parameter and architecture searches of ``kws train`` on Ray Tune (``kws sweep``).

Why on Ray: a search outgrows one ``kws train`` at a time, and Ray Tune already schedules trials,
stops the weak ones early (ASHA), retries and spreads them over a cluster; the workbench adds only
what is specific to keyword models -- the sweep file, the trial (a ``kws train`` child process in a
Ray worker), the board budget check before training, the objective and the results.

Nothing here imports TensorFlow (each trial is a child process) or Qt, and Ray is imported only
when a sweep actually runs: ``kws --help``, the sweep file checks and the GUI work without it.
"""

RAY_MISSING = "kws sweep needs Ray (Ray Tune): {remedy}"
# Ray is there but one of its (or Tune's) own imports fails: name that module, not Ray
RAY_BROKEN = "kws sweep needs Ray (Ray Tune), which cannot be imported ({reason}): {remedy}"
RAY_REMEDY_PIP = "pip install kws-workbench[cluster]"
# the packaged app has no pip: Ray comes with the training runtime (packaging/README.md)
RAY_REMEDY_PACKAGED = ("install the KWS Workbench training runtime of this version (the kws-workbench-training "
                       "package, or its archive unpacked into the user data folder)")
