//! Embedded AWS reference data (filled by the catalog work).
