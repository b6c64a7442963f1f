"""Run folders on other machines over the system ``ssh``, with nothing installed there.

Headless (no Textual): :mod:`.location` tells remote paths from local ones, :mod:`.ssh`
runs ssh (one ControlMaster per host), :mod:`.script` and ``agent.sh`` are what the remote
``sh`` runs, :mod:`.wire` parses its replies, :mod:`.session` drives one agent,
:mod:`.host` batches polls per host (and the runs polled together) and reconnects,
:mod:`.transport` is the reader's transport seam, :mod:`.runs` finds and reads the runs
under a remote path, :mod:`.fetch` copies the files a view shows (images) on demand.
"""
