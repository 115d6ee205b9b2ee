"""The pipeline's stages as plain functions, one per Dagster asset (no dagster imports)."""
