//! `govc compile --emit cloudformation`: `cloudformation/govc.template.json`, the compiled
//! documents as one CloudFormation template (docs/compiler.md, "Deployment outputs").
//! Organization policies are `AWS::Organizations::Policy` resources whose `Content` is the
//! document's JSON text, byte for byte, with their `TargetIds`; identity policies
//! `AWS::IAM::ManagedPolicy`; Control Tower controls `AWS::ControlTower::EnabledControl`. A pure
//! function of the compile output; pretty-printed, keys sorted.

use serde_json::{json, Map, Value};

use crate::compile::Output;
use crate::document::{controltower, DocKind, Document};

/// The file, relative to the output directory.
pub const FILE: &str = "cloudformation/govc.template.json";

/// A logical id: letters and digits only, from the document's kind and name (`ScpModels`);
/// `+` and `-` in group names become `Plus` and `Part`, so distinct documents stay distinct.
fn logical_id(d: &Document) -> String {
    let kind = match d.kind {
        DocKind::Scp => "Scp",
        DocKind::Rcp => "Rcp",
        DocKind::BedrockPolicy => "BedrockPolicy",
        DocKind::IamPolicy => "IamPolicy",
        DocKind::ControlTowerControl => "Control",
    };
    format!("{kind}{}", camel(&d.name))
}

/// `a_b+c-2` → `ABPlusCPart2`: letters and digits, words capitalised.
fn camel(name: &str) -> String {
    let mut s = String::new();
    let mut upper = true;
    for c in name.chars() {
        match c {
            '+' => {
                s.push_str("Plus");
                upper = true;
            }
            '-' => {
                s.push_str("Part");
                upper = true;
            }
            '_' => upper = true,
            c if c.is_ascii_alphanumeric() => {
                s.push(if upper { c.to_ascii_uppercase() } else { c });
                upper = false;
            }
            _ => upper = true,
        }
    }
    s
}

/// The text of `cloudformation/govc.template.json`. `org_id` is the organization's id, when
/// the program declares it (the default of the template's `OrganizationId` parameter).
pub fn render(out: &Output, org_id: Option<&str>) -> String {
    let ids = out.target_ids();
    let id_of = |name: &str| -> String { ids.get(name).copied().unwrap_or_default().to_string() };
    let mut resources = Map::new();
    let mut parameters = Map::new();
    for d in &out.documents {
        let id = logical_id(d);
        match d.kind {
            DocKind::Scp | DocKind::Rcp | DocKind::BedrockPolicy => {
                let targets: Vec<String> = d.targets.iter().map(|t| id_of(t)).collect();
                let mut props = json!({
                    "Name": d.name,
                    "Type": d.kind.type_name(),
                    "Content": d.content,
                    "Description": format!("Compiled by govc from {}", d.policies.join(", ")),
                });
                if !targets.is_empty() {
                    if let Some(p) = props.as_object_mut() {
                        p.insert("TargetIds".into(), json!(targets));
                    }
                }
                resources.insert(
                    id,
                    json!({"Type": "AWS::Organizations::Policy", "Properties": props}),
                );
            }
            DocKind::IamPolicy => {
                let document: Value = serde_json::from_str(&d.content).unwrap_or(Value::Null);
                resources.insert(
                    id,
                    json!({"Type": "AWS::IAM::ManagedPolicy", "Properties": {
                        "ManagedPolicyName": d.name,
                        "PolicyDocument": document,
                    }}),
                );
            }
            DocKind::ControlTowerControl => {
                parameters.insert(
                    "RegionDenyControlArn".into(),
                    json!({"Type": "String", "Description": format!(
                        "The ARN of {} in the landing zone's home Region (Control Catalog)",
                        controltower::CONTROL_ID
                    )}),
                );
                parameters.insert(
                    "ManagementAccountId".into(),
                    json!({"Type": "String", "AllowedPattern": "^[0-9]{12}$",
                           "Description": "The organization's management account"}),
                );
                let mut org = json!({"Type": "String", "AllowedPattern": "^o-[a-z0-9]{10,32}$",
                                     "Description": "The organization's id"});
                if let (Some(o), Some(m)) = (org_id, org.as_object_mut()) {
                    m.insert("Default".into(), json!(o));
                }
                parameters.insert("OrganizationId".into(), org);
                let params: Vec<Value> = serde_json::from_str::<Vec<Value>>(&d.content)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|p| json!({"Key": p.get("key"), "Value": p.get("value")}))
                    .collect();
                for t in &d.targets {
                    let ou = id_of(t);
                    resources.insert(
                        format!("{id}{}", camel(t)),
                        json!({"Type": "AWS::ControlTower::EnabledControl", "Properties": {
                            "ControlIdentifier": {"Ref": "RegionDenyControlArn"},
                            "TargetIdentifier": {"Fn::Sub": format!(
                                "arn:${{AWS::Partition}}:organizations::${{ManagementAccountId}}:ou/${{OrganizationId}}/{ou}"
                            )},
                            "Parameters": params,
                        }}),
                    );
                }
            }
        }
    }
    let mut template = json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "AI-governance policies compiled by govc (govc compile --emit cloudformation); do not edit: change the .gov sources and compile again",
        "Resources": resources,
    });
    if let Some(tm) = template.as_object_mut() {
        if !parameters.is_empty() {
            tm.insert("Parameters".into(), Value::Object(parameters));
        }
        // An allow-list SCP replaces FullAWSAccess there; a template cannot detach it.
        let detach = out.full_access_detached();
        if !detach.is_empty() {
            tm.insert(
                "Metadata".into(),
                json!({"govc": {"DetachFullAWSAccessFrom": detach}}),
            );
        }
    }
    let mut s = serde_json::to_string_pretty(&template).unwrap_or_default();
    s.push('\n');
    s
}
