//! Fuzz target: arbitrary bytes as one `.gov` file → parse + check the whole program (with the
//! stdlib, parsed once per session) → render the diagnostics as a human would see them and as
//! JSON. Any panic, stack overflow, timeout or out-of-memory is a finding; so is a diagnostic
//! whose span lies outside its file or off a character boundary.
#![no_main]

use govc_compiler::db;
use govc_fuzz::{assert_spans, render, with_program};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    with_program(data, |database, ws| {
        let diags = db::program_diagnostics(database, ws);
        assert_spans(database, ws, diags);
        render(database, ws, diags);
    });
});
