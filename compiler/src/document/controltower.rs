//! `control` blocks → the `--parameters` JSON of `aws controltower enable-control` for
//! `CT.MULTISERVICE.PV.1` (aws.md §6): `[{"key":"AllowedRegions","value":[…]}, …]`.

use crate::ir::json::string;
use crate::rules::Control;

/// The control's identifier in the Control Tower control catalog.
pub(crate) const CONTROL_ID: &str = "CT.MULTISERVICE.PV.1";

/// The control's parameters as compact JSON: `AllowedRegions`, then `ExemptedActions` and
/// `ExemptedPrincipalArns` when not empty, each list without duplicates.
pub(crate) fn render(c: &Control) -> String {
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

/// The actions CT.MULTISERVICE.PV.1 never denies, as published (aws.md §6). Control Tower may
/// update the list ("view the most recent version … in the AWS Control Tower console"); it is
/// used to evaluate tests, not written to any output.
pub(crate) const DEFAULT_NOT_ACTIONS: &[&str] = &[
    "a4b:*",
    "access-analyzer:*",
    "account:*",
    "acm:*",
    "activate:*",
    "artifact:*",
    "aws-marketplace-management:*",
    "aws-marketplace:*",
    "aws-portal:*",
    "billing:*",
    "billingconductor:*",
    "budgets:*",
    "ce:*",
    "chatbot:*",
    "chime:*",
    "cloudfront:*",
    "cloudtrail:LookupEvents",
    "compute-optimizer:*",
    "config:*",
    "consoleapp:*",
    "consolidatedbilling:*",
    "cur:*",
    "datapipeline:GetAccountLimits",
    "devicefarm:*",
    "directconnect:*",
    "ec2:DescribeRegions",
    "ec2:DescribeTransitGateways",
    "ec2:DescribeVpnGateways",
    "ecr-public:*",
    "fms:*",
    "freetier:*",
    "globalaccelerator:*",
    "health:*",
    "iam:*",
    "importexport:*",
    "invoicing:*",
    "iq:*",
    "kms:*",
    "license-manager:ListReceivedLicenses",
    "lightsail:Get*",
    "mobileanalytics:*",
    "networkmanager:*",
    "notifications-contacts:*",
    "notifications:*",
    "organizations:*",
    "payments:*",
    "pricing:*",
    "quicksight:DescribeAccountSubscription",
    "resource-explorer-2:*",
    "route53-recovery-cluster:*",
    "route53-recovery-control-config:*",
    "route53-recovery-readiness:*",
    "route53:*",
    "route53domains:*",
    "s3:CreateMultiRegionAccessPoint",
    "s3:DeleteMultiRegionAccessPoint",
    "s3:DescribeMultiRegionAccessPointOperation",
    "s3:GetAccountPublicAccessBlock",
    "s3:GetBucketLocation",
    "s3:GetBucketPolicyStatus",
    "s3:GetBucketPublicAccessBlock",
    "s3:GetMultiRegionAccessPoint",
    "s3:GetMultiRegionAccessPointPolicy",
    "s3:GetMultiRegionAccessPointPolicyStatus",
    "s3:GetStorageLensConfiguration",
    "s3:GetStorageLensDashboard",
    "s3:ListAllMyBuckets",
    "s3:ListMultiRegionAccessPoints",
    "s3:ListStorageLensConfigurations",
    "s3:PutAccountPublicAccessBlock",
    "s3:PutMultiRegionAccessPointPolicy",
    "savingsplans:*",
    "shield:*",
    "sso:*",
    "sts:*",
    "support:*",
    "supportapp:*",
    "supportplans:*",
    "sustainability:*",
    "tag:GetResources",
    "tax:*",
    "trustedadvisor:*",
    "vendor-insights:ListEntitledSecurityProfiles",
    "waf-regional:*",
    "waf:*",
    "wafv2:*",
];

/// Roles the control always exempts (aws.md §6).
pub(crate) const EXEMPT_ROLES: &[&str] = &[
    "arn:*:iam::*:role/AWSControlTowerExecution",
    "arn:*:iam::*:role/aws-controltower-ConfigRecorderRole",
    "arn:*:iam::*:role/aws-controltower-ForwardSnsNotificationRole",
    "arn:*:iam::*:role/AWSControlTower_VPCFlowLogsRole",
];

/// The SCP Control Tower attaches to each OU for this control (aws.md §6): one Deny with a
/// NotAction list, outside the allowed Regions, for principals other than the exempted ones.
pub fn scp(c: &Control) -> crate::ir::Statement {
    use crate::ir::{Effect, Op, Operator, Scope, Statement};
    let mut condition = crate::ir::Condition::new();
    condition
        .entry(Operator::plain(Op::StringNotEquals))
        .or_default()
        .insert(
            "aws:RequestedRegion".into(),
            c.regions.iter().map(|r| r.as_str().into()).collect(),
        );
    condition
        .entry(Operator::plain(Op::ArnNotLike))
        .or_default()
        .insert(
            "aws:PrincipalArn".into(),
            c.exempt_principals
                .iter()
                .map(|p| p.as_str())
                .chain(EXEMPT_ROLES.iter().copied())
                .map(crate::ir::Name::from)
                .collect(),
        );
    Statement {
        effect: Effect::Deny,
        action: Scope::not_of(
            c.exempt_actions
                .iter()
                .cloned()
                .chain(DEFAULT_NOT_ACTIONS.iter().map(|a| a.to_string())),
        ),
        resource: Scope::any(),
        condition,
        origins: crate::ir::FlatSet::from([crate::rules::Origin {
            file: c.file.as_str().into(),
            span: c.span,
            policy: c.name.as_str().into(),
            label: CONTROL_ID.into(),
        }]),
        sid: None,
    }
}
