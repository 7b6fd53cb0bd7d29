"""Data-quality tooling shared by the pipeline: validation of frames and publication of quality reports."""
