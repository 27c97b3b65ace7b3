//! The program's security.txt (the solana-security-txt convention): who to tell about a
//! vulnerability, in the deployed bytes themselves, where explorers and `query-security-txt` read
//! it. SECURITY.md at the root of the source is the policy it points to; an operator deploying
//! its own build sets its own contacts here first (README, "Deploying").
#[cfg(not(feature = "no-entrypoint"))]
solana_security_txt::security_txt! {
    name: "Liquid staking for Solana",
    // Not public yet: the convention's word for it.
    project_url: "private",
    contacts: "other:the security contact in SECURITY.md of the source this build was made from",
    policy: "SECURITY.md of the source: report privately to the contact there, never in a public issue; acknowledged within 72 hours; a fix is deployed before the report is disclosed",
    preferred_languages: "en",
    source_release: concat!("v", env!("CARGO_PKG_VERSION")),
    auditors: "None"
}
