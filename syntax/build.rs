use std::path::PathBuf;

fn main() {
    // The parser is generated into OUT_DIR so the tree holds only the .lalrpop source.
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("syntax");
    println!("cargo:rerun-if-changed=src/grammar.lalrpop");
    if let Err(e) = lalrpop::Configuration::new()
        .set_out_dir(&out)
        .process_file("src/grammar.lalrpop")
    {
        eprintln!("lalrpop failed: {e}");
        std::process::exit(1);
    }
}
