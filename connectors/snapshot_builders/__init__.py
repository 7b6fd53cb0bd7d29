"""Scripts that derive embedded-snapshot files from other snapshot files (a new envelope around real
values), so every derived file can be rebuilt and checked. Each module says what it derives from what."""
