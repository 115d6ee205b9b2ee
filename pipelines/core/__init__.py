"""The bottom layer: the template spec and section registry, typed models, settings and
sources, text/charset/media utilities, the lake (raw store). Imports nothing of gongkai's."""
