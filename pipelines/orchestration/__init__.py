"""The Dagster face of the engine: resources, schedules and the `Definitions`."""
