//! `src/html/entities_table.rs` is generated: regenerating it must give the checked-in file.
//! Needs `python3` (its `html.entities.html5` is the WHATWG list); CI has it.

#[test]
fn the_entities_table_is_what_its_generator_writes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("entities_table.rs");
    let root = env!("CARGO_MANIFEST_DIR");
    let status = std::process::Command::new("python3")
        .arg("scripts/gen-entities.py")
        .arg(&out)
        .current_dir(root)
        .status()
        .expect("python3 runs scripts/gen-entities.py (install python3 to run this test)");
    assert!(status.success());
    let fresh = std::fs::read_to_string(&out).unwrap();
    let checked_in = std::fs::read_to_string(format!("{root}/src/html/entities_table.rs")).unwrap();
    assert!(
        fresh == checked_in,
        "src/html/entities_table.rs differs from `python3 scripts/gen-entities.py`: regenerate it"
    );
}
