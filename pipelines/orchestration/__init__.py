"""The Dagster face of the engine: resources, schedules and the `Definitions`."""

import os

# Arrow's C++ default allocator is chosen once, when pyarrow is first imported (the Dagster
# process imports it after this package): the system allocator, since mimalloc keeps what
# Arrow frees (~4 MiB more from the first parquet file on). io_manager._system_allocator sets
# the Python-level pool too, for a process that imported pyarrow before this. A user's own
# ARROW_DEFAULT_MEMORY_POOL is kept.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
