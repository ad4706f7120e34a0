# Jupyter server settings for the course. `make lab` installs this file into .venv/etc/jupyter/;
# Binder copies the repository into the home directory, so there it already is ~/.jupyter/.
#
# A Binder seat has 2 GB and a lesson kernel peaks at about 430 MB. Closing a tab shuts its
# kernel down (overrides.json5); a kernel no tab shows any more (the browser was closed, the tab
# crashed) is shut down after 30 idle minutes. A kernel with a tab open is never culled: a learner
# may think for longer than that. Checked every 2 minutes, so culled after 30 to 32 minutes.
c = get_config()  # noqa: F821 - provided by traitlets when it loads this file
c.MappingKernelManager.cull_idle_timeout = 1800
c.MappingKernelManager.cull_connected = False
c.MappingKernelManager.cull_interval = 120
