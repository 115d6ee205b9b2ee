"""Where parse and normalise meet: one document's bytes → its typed result (`extract_document`),
the result cache keyed by extractor version, and the fan-out over an Executor."""
