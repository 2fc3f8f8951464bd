"""Running trials on Ray: the session, the Tune trainable and its ``kws train`` child, driver hooks, features as tasks."""
