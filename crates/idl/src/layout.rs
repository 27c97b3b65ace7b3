//! Account layouts, read from an IDL, and the rule an upgrade must keep: an account written by a
//! released build must read the same under the new build. An upgrade swaps the program's bytes
//! and leaves every account as it was, so a field moved, retyped or removed would make the new
//! build misread live pools, tickets and rate accounts.
//!
//! The rule, for every account type of a release (releases/<version>/liquid_staking.json):
//! - the discriminator and the size are the same (Anchor accounts are allocated once; growing one
//!   takes a migration that reallocates it, and the release's entry in MIGRATIONS names it);
//! - every field keeps its name, offset and type;
//! - new fields only take bytes that were reserved or padding (`_reserved*`, `_padding*`), which
//!   the program always wrote as zeros, so old accounts read as the new field's zero value.
use serde_json::Value;
use std::collections::BTreeMap;

/// One leaf field of an account: where it is and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Its path, e.g. `fees.reward_bps` or `entries[].vote`.
    pub path: String,
    pub offset: usize,
    pub size: usize,
    /// The IDL's type of the leaf, e.g. `u64`, `pubkey`, `[u8; 28]`.
    pub ty: String,
}

impl Field {
    fn is_spare(&self) -> bool {
        self.path.rsplit(['.', ']']).next().is_some_and(|name| name.starts_with("_reserved") || name.starts_with("_padding"))
    }
}

/// An account type's layout: discriminator, size (the discriminator's 8 bytes included) and its
/// leaf fields in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub discriminator: Vec<u8>,
    pub size: usize,
    pub fields: Vec<Field>,
}

/// The layout of every account type an IDL declares, by name.
pub fn layouts(idl: &Value) -> Result<BTreeMap<String, Layout>, String> {
    let types: BTreeMap<&str, &Value> = idl["types"]
        .as_array()
        .ok_or("the IDL has no types")?
        .iter()
        .filter_map(|t| Some((t["name"].as_str()?, t)))
        .collect();
    let mut out = BTreeMap::new();
    for account in idl["accounts"].as_array().ok_or("the IDL has no accounts")? {
        let name = account["name"].as_str().ok_or("an account without a name")?;
        let discriminator: Vec<u8> =
            account["discriminator"].as_array().ok_or("no discriminator")?.iter().map(|b| b.as_u64().unwrap_or(0) as u8).collect();
        let mut fields = Vec::new();
        let size = 8 + flatten(&types, &serde_json::json!({ "defined": { "name": name } }), "", 8, &mut fields)?;
        out.insert(name.to_string(), Layout { discriminator, size, fields });
    }
    Ok(out)
}

/// Appends the leaves of `ty` at `offset` under `path`; returns its size. Borsh accounts have no
/// padding, and bytemuck (repr C, Pod) ones have none the IDL does not show, so sizes add up.
fn flatten(types: &BTreeMap<&str, &Value>, ty: &Value, path: &str, offset: usize, out: &mut Vec<Field>) -> Result<usize, String> {
    let leaf = |size: usize, name: String, out: &mut Vec<Field>| {
        out.push(Field { path: path.to_string(), offset, size, ty: name });
        Ok(size)
    };
    if let Some(name) = ty.as_str() {
        let size = match name {
            "u8" | "i8" | "bool" => 1,
            "u16" | "i16" => 2,
            "u32" | "i32" | "f32" => 4,
            "u64" | "i64" | "f64" => 8,
            "u128" | "i128" => 16,
            "pubkey" => 32,
            other => return Err(format!("{path}: type {other} has no fixed size")),
        };
        return leaf(size, name.to_string(), out);
    }
    if let Some([element, count]) = ty.get("array").and_then(Value::as_array).map(Vec::as_slice) {
        let count = count.as_u64().ok_or_else(|| format!("{path}: an array without a fixed length"))? as usize;
        if let Some(primitive) = element.as_str() {
            let mut probe = Vec::new();
            let size = flatten(types, element, path, offset, &mut probe)?;
            return leaf(size * count, format!("[{primitive}; {count}]"), out);
        }
        // An array of structs: the first element's leaves stand for all (same stride), and the
        // array itself is a leaf too so that its length and stride are compared.
        let mut element_fields = Vec::new();
        let stride = flatten(types, element, &format!("{path}[]"), offset, &mut element_fields)?;
        out.push(Field { path: path.to_string(), offset, size: stride * count, ty: format!("[{stride} bytes; {count}]") });
        out.extend(element_fields);
        return Ok(stride * count);
    }
    if let Some(name) = ty.get("defined").and_then(|d| d["name"].as_str()) {
        let def = types.get(name).ok_or_else(|| format!("{path}: type {name} is not in the IDL"))?;
        let fields = def["type"]["fields"].as_array().ok_or_else(|| format!("{name}: not a struct with named fields"))?;
        let mut size = 0;
        for field in fields {
            let field_name = field["name"].as_str().ok_or("a field without a name")?;
            let field_path = if path.is_empty() { field_name.to_string() } else { format!("{path}.{field_name}") };
            size += flatten(types, &field["type"], &field_path, offset + size, out)?;
        }
        return Ok(size);
    }
    Err(format!("{path}: type {ty} is not fixed-size"))
}

/// Account types that a release's accounts are migrated from, with the instruction that does it:
/// (release, account, how). Their size may differ; their fields are still compared.
pub const MIGRATIONS: &[(&str, &str, &str)] = &[];

/// Why accounts written by `old` would not read the same under `new`; empty when they would.
pub fn incompatibilities(release: &str, old: &BTreeMap<String, Layout>, new: &BTreeMap<String, Layout>) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, before) in old {
        let Some(after) = new.get(name) else {
            problems.push(format!("{name}: the account type is gone; accounts of it exist on chain"));
            continue;
        };
        if before.discriminator != after.discriminator {
            problems.push(format!("{name}: the discriminator changed ({:?} -> {:?})", before.discriminator, after.discriminator));
        }
        let migrated = MIGRATIONS.iter().any(|(r, a, _)| *r == release && a == name);
        if before.size != after.size && !migrated {
            problems.push(format!(
                "{name}: {} bytes, was {} (accounts are allocated once: a new size needs a migration in MIGRATIONS)",
                after.size, before.size
            ));
        }
        for field in before.fields.iter().filter(|f| !f.is_spare()) {
            match after.fields.iter().find(|f| f.path == field.path) {
                None => problems.push(format!("{name}.{}: removed or renamed (was at offset {}, {})", field.path, field.offset, field.ty)),
                Some(now) if (now.offset, &now.ty) != (field.offset, &field.ty) => problems.push(format!(
                    "{name}.{}: at offset {} as {}, was at {} as {}",
                    field.path, now.offset, now.ty, field.offset, field.ty
                )),
                Some(_) => {}
            }
        }
        // A new field must sit inside bytes that were spare (zeros in every old account).
        let spare: Vec<(usize, usize)> = before.fields.iter().filter(|f| f.is_spare()).map(|f| (f.offset, f.offset + f.size)).collect();
        for field in after.fields.iter().filter(|f| !f.is_spare() && !before.fields.iter().any(|b| b.path == f.path)) {
            let (start, end) = (field.offset, field.offset + field.size);
            let element_spare = element_spares(before, field);
            let inside = spare.iter().chain(element_spare.iter()).any(|&(s, e)| s <= start && end <= e);
            if !inside && !(migrated && start >= before.size) {
                problems.push(format!(
                    "{name}.{}: a new field at offset {start}..{end} over bytes that old accounts use (only _reserved/_padding bytes may be taken)",
                    field.path
                ));
            }
        }
    }
    problems
}

/// The spare ranges of the element of the array `field` sits in, as seen at the first element
/// (where the flattened leaves of an element are).
fn element_spares(before: &Layout, field: &Field) -> Vec<(usize, usize)> {
    let Some((array, _)) = field.path.split_once("[]") else { return Vec::new() };
    let prefix = format!("{array}[]");
    before.fields.iter().filter(|f| f.path.starts_with(&prefix) && f.is_spare()).map(|f| (f.offset, f.offset + f.size)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    fn repo() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    fn read(path: &Path) -> Value {
        serde_json::from_str(&std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).unwrap()
    }

    fn current() -> Value {
        read(&repo().join("idl/liquid_staking.json"))
    }

    /// Every account type of the current IDL, laid out; sizes as the program allocates them.
    #[test]
    fn layouts_match_the_programs_sizes() {
        let layouts = layouts(&current()).unwrap();
        // The program's own sizes (8 + INIT_SPACE for borsh accounts, 8 + size_of for zero-copy).
        use liquid_staking::state::{ExchangeRate, Pool, Ticket, ValidatorList};
        for (name, size) in [("Pool", Pool::SPACE), ("Ticket", Ticket::SPACE), ("ExchangeRate", ExchangeRate::SPACE), ("ValidatorList", ValidatorList::SPACE)] {
            assert_eq!(layouts[name].size, size, "{name}");
        }
        let pool = &layouts["Pool"];
        assert_eq!(pool.fields[0], Field { path: "version".into(), offset: 8, size: 1, ty: "u8".into() });
        assert!(pool.fields.iter().any(|f| f.path == "fees.reward_bps"));
        let list = &layouts["ValidatorList"];
        assert!(list.fields.iter().any(|f| f.path.starts_with("entries[].")) && list.fields.iter().any(|f| f.path.starts_with("scoring.")));
    }

    /// The gate before an upgrade: accounts of every released build read the same under this one.
    #[test]
    fn every_release_reads_the_same_under_this_build() {
        let new = layouts(&current()).unwrap();
        let releases = std::fs::read_dir(repo().join("releases")).expect("releases/ holds the released IDLs");
        let mut checked = 0;
        for entry in releases {
            let dir = entry.unwrap().path();
            let idl = dir.join("liquid_staking.json");
            if !idl.exists() {
                continue;
            }
            let release = dir.file_name().unwrap().to_string_lossy().to_string();
            let problems = incompatibilities(&release, &layouts(&read(&idl)).unwrap(), &new);
            assert!(problems.is_empty(), "release {release}:\n{}", problems.join("\n"));
            checked += 1;
        }
        assert!(checked > 0, "no release recorded in releases/");
    }

    fn pool_fields(idl: &mut Value) -> &mut Vec<Value> {
        let types = idl["types"].as_array_mut().unwrap();
        let pool = types.iter_mut().find(|t| t["name"] == "Pool").unwrap();
        pool["type"]["fields"].as_array_mut().unwrap()
    }

    /// Deliberately broken layouts are refused, each with its reason.
    #[test]
    fn broken_layouts_are_refused() {
        let old = layouts(&current()).unwrap();
        let refused = |change: &dyn Fn(&mut Value), expect: &str| {
            let mut idl = current();
            change(&mut idl);
            let problems = incompatibilities("test", &old, &layouts(&idl).unwrap());
            assert!(problems.iter().any(|p| p.contains(expect)), "expected {expect:?} in {problems:#?}");
        };
        // A field inserted in the middle moves every later one.
        refused(&|idl| pool_fields(idl).insert(3, serde_json::json!({ "name": "new_flag", "type": "u8" })), "Pool.admin: at offset 12 as pubkey, was at 11");
        // A field retyped.
        refused(&|idl| pool_fields(idl)[0]["type"] = "u16".into(), "Pool.version: at offset 8 as u16, was at 8 as u8");
        // A field removed (and the size with it).
        refused(&|idl| {
            pool_fields(idl).remove(2);
        }, "Pool.reserve_bump: removed or renamed");
        // A field appended past the end grows the account.
        refused(&|idl| pool_fields(idl).push(serde_json::json!({ "name": "extra", "type": "u64" })), "Pool: ");
        // Two fields swapped.
        refused(&|idl| pool_fields(idl).swap(3, 4), "Pool.admin: at offset 43");
        // A new field carved out of the reserve is fine, and so is the rest of the reserve.
        let mut idl = current();
        let fields = pool_fields(&mut idl);
        let last = fields.pop().unwrap();
        let reserved = last["type"]["array"][1].as_u64().unwrap();
        fields.push(serde_json::json!({ "name": "new_counter", "type": "u64" }));
        fields.push(serde_json::json!({ "name": "_reserved", "type": { "array": ["u8", reserved - 8] } }));
        assert_eq!(incompatibilities("test", &old, &layouts(&idl).unwrap()), Vec::<String>::new());
        // The discriminator.
        refused(&|idl| idl["accounts"][0]["discriminator"][0] = 0.into(), "discriminator changed");
    }
}
