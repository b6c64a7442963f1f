"""Headless monitoring of watched runs: the watcher thread, alerts and run statistics."""
