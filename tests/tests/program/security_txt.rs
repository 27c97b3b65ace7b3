//! The program's security.txt (issue 19): in the SBF build's bytes exactly once, with its required
//! fields, read back by the convention's own parser, as explorers and `query-security-txt` find it
//! (by its markers: sbpf-linker lays the ELF out anew and keeps it in .rodata, where platform-tools'
//! linker would keep the `.security.txt` section the macro asks for).
use liquid_staking_localnet::sbf;

/// An ELF64 file's sections (little endian, as SBF is): name, file offset, size.
fn sections(elf: &[u8]) -> Vec<(String, usize, usize)> {
    let u16_at = |o: usize| u16::from_le_bytes(elf[o..o + 2].try_into().unwrap()) as usize;
    let u32_at = |o: usize| u32::from_le_bytes(elf[o..o + 4].try_into().unwrap()) as usize;
    let u64_at = |o: usize| u64::from_le_bytes(elf[o..o + 8].try_into().unwrap()) as usize;
    assert_eq!(&elf[..4], b"\x7fELF", "an ELF file");
    let (table, entry_size, count, names_index) = (u64_at(0x28), u16_at(0x3a), u16_at(0x3c), u16_at(0x3e));
    let header = |i: usize| table + i * entry_size;
    let names = u64_at(header(names_index) + 0x18);
    (0..count)
        .map(|i| {
            let start = names + u32_at(header(i));
            let end = start + elf[start..].iter().position(|b| *b == 0).expect("a terminated name");
            (String::from_utf8_lossy(&elf[start..end]).into_owned(), u64_at(header(i) + 0x18), u64_at(header(i) + 0x20))
        })
        .collect()
}

#[test]
fn the_sbf_build_carries_its_security_txt() {
    let path = sbf::program_path();
    let so = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}; build it with scripts/build-sbf.sh", path.display()));
    let txt = solana_security_txt::find_and_parse(&so).expect("a security.txt the convention's parser reads");
    assert_eq!(txt.name, "Liquid staking for Solana");
    assert_eq!(txt.project_url, "private");
    assert!(!txt.contacts.is_empty(), "a contact");
    assert!(txt.policy.contains("SECURITY.md"), "the policy points to SECURITY.md: {}", txt.policy);
    assert_eq!(txt.source_release.as_deref(), Some(concat!("v", env!("CARGO_PKG_VERSION"))));
    // Exactly once: a naive reader takes the first marker it finds.
    let begin = solana_security_txt::SECURITY_TXT_BEGIN.as_bytes();
    let at: Vec<usize> = so.windows(begin.len()).enumerate().filter(|(_, w)| *w == begin).map(|(i, _)| i).collect();
    assert_eq!(at.len(), 1, "one security.txt");
    // In the read-only data the program is loaded with.
    let sections = sections(&so);
    let rodata = sections.iter().find(|(name, ..)| name == ".rodata").expect("a .rodata section");
    assert!((rodata.1..rodata.1 + rodata.2).contains(&at[0]), "the security.txt at {} lies in .rodata {rodata:?}", at[0]);
    // SECURITY.md, the policy it points to, is in the source.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace");
    assert!(std::fs::read_to_string(root.join("SECURITY.md")).unwrap().contains("## Reporting a vulnerability"));
}
