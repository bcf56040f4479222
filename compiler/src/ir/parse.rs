//! Policy JSON → IR statements: reads hand-written SCPs (the seeds) for comparisons.
