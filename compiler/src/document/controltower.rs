//! `control` blocks → the `--parameters` JSON of `aws controltower enable-control` for
//! `CT.MULTISERVICE.PV.1` (facts §6): `[{"key":"AllowedRegions","value":[…]}, …]`.

use crate::ir::json::string;
use crate::rules::Control;

/// The control's identifier in the Control Tower control catalog.
pub const CONTROL_ID: &str = "CT.MULTISERVICE.PV.1";

pub fn render(c: &Control) -> String {
    let mut params = Vec::new();
    let mut param = |key: &str, values: &[String]| {
        let mut seen: Vec<&String> = Vec::new();
        for v in values {
            if !seen.contains(&v) {
                seen.push(v);
            }
        }
        let items: Vec<String> = seen.iter().map(|v| string(v)).collect();
        params.push(format!(
            "{{\"key\":\"{key}\",\"value\":[{}]}}",
            items.join(",")
        ));
    };
    param("AllowedRegions", &c.regions);
    if !c.exempt_actions.is_empty() {
        param("ExemptedActions", &c.exempt_actions);
    }
    if !c.exempt_principals.is_empty() {
        param("ExemptedPrincipalArns", &c.exempt_principals);
    }
    format!("[{}]", params.join(","))
}
