//! The standard library, written in the language itself (`stdlib/*.gov`) and embedded so the
//! sugar's meaning is always available and always the same as the documented text.

/// Module name → source.
pub const MODULES: &[(&str, &str)] = &[
    ("bedrock", include_str!("../../stdlib/bedrock.gov")),
    ("cris", include_str!("../../stdlib/cris.gov")),
    ("global", include_str!("../../stdlib/global.gov")),
    ("mcp", include_str!("../../stdlib/mcp.gov")),
    ("models", include_str!("../../stdlib/models.gov")),
    ("rcp", include_str!("../../stdlib/rcp.gov")),
];

/// `rcp::services`: the services resource control policies govern. The checker, the
/// desugaring and the reference semantics read this one item.
pub const RCP_SERVICES: (&str, &str) = ("rcp", "services");

/// `global::services`: the services served from one partition-wide endpoint, which
/// `only regions … for all services` exempts (generated from the catalog's sources).
pub const GLOBAL_SERVICES: (&str, &str) = ("global", "services");

/// The source of the stdlib module `name`, if there is one.
pub(crate) fn module(name: &str) -> Option<&'static str> {
    MODULES.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
}
