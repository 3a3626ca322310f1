//! The tool table: `tools.toml`, parsed once, saying how each plain tool's
//! arguments are read. Tools with a grammar of their own are in `tools`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;
use writ_core::Tier;

/// What a tool's positional arguments are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Operands {
    /// Files whose contents are read.
    Read,
    /// Files looked at (names, sizes), not read.
    List,
    /// Files written.
    Write,
    /// Files removed.
    Delete,
    /// Not files.
    #[default]
    None,
    /// A pattern, then files read.
    PatternRead,
    /// A file read, then a file (or name prefix) written.
    ReadThenWrite,
}

/// How one tool's arguments are read.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolSpec {
    /// Tier of running the tool at all.
    #[serde(default = "read_tier")]
    pub tier: Tier,
    /// What positional arguments are.
    #[serde(default)]
    pub operands: Operands,
    /// Options that take a value.
    #[serde(default)]
    pub value_options: Vec<String>,
    /// Options whose value is a file read.
    #[serde(default)]
    pub read_options: Vec<String>,
    /// Options whose value is a file written.
    #[serde(default)]
    pub write_options: Vec<String>,
    /// Options whose value runs as a program.
    #[serde(default)]
    pub exec_options: Vec<String>,
    /// Options whose effect is not modelled.
    #[serde(default)]
    pub unknown_options: Vec<String>,
    /// Subcommand words to tier.
    #[serde(default)]
    pub subcommands: BTreeMap<String, Tier>,
    /// Tier of a subcommand not listed.
    #[serde(default)]
    pub default: Option<Tier>,
}

fn read_tier() -> Tier {
    Tier::Read
}

impl ToolSpec {
    /// Whether `option` (without any `=value`) takes a value.
    pub fn takes_value(&self, option: &str) -> bool {
        [
            &self.value_options,
            &self.read_options,
            &self.write_options,
            &self.exec_options,
        ]
        .iter()
        .any(|list| list.iter().any(|o| o == option))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TableFile {
    tool: BTreeMap<String, ToolSpec>,
}

/// A tool table: tool name to how its arguments are read.
pub type ToolTable = BTreeMap<String, ToolSpec>;

/// The table shipped with writ.
pub const SHIPPED: &str = include_str!("../tools.toml");

/// The shipped table, parsed once.
pub fn tools() -> &'static BTreeMap<String, ToolSpec> {
    static TABLE: OnceLock<BTreeMap<String, ToolSpec>> = OnceLock::new();
    TABLE.get_or_init(|| parse(SHIPPED).unwrap_or_default())
}

/// Parses a tool table.
pub fn parse(text: &str) -> Result<BTreeMap<String, ToolSpec>, toml::de::Error> {
    toml::from_str::<TableFile>(text).map(|t| t.tool)
}

#[cfg(test)]
mod tests {
    #[test]
    fn shipped_table_parses() {
        let table = super::parse(super::SHIPPED).expect("tools.toml parses");
        assert!(table.contains_key("cat"));
        assert!(table["npm"].subcommands.contains_key("publish"));
    }
}
