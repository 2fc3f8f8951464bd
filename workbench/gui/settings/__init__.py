"""What the window remembers between sessions: the settings file's values (:mod:`.app_settings`), their debounced
writes (:mod:`.settings_autosave`), the keys of remembered tunings (:mod:`.tuning_keys`), the migration of earlier
versions' values (:mod:`.legacy_settings`), the one reader of a stored text (:mod:`.stored_values`), and the lists
kept most recent first that several windows share (:mod:`.recent_json_list`)."""
