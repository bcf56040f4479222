//! A model call through an inference profile is not one request but several: Bedrock
//! authorises the profile in the Region the call is made in, then the foundation model in
//! every Region the profile may route the call to (semantics.md "Calls through inference
//! profiles"; AWS, Amazon Bedrock User Guide, "Geographic cross-Region inference" and "Global
//! cross-Region inference", IAM sections). A call is allowed when every one of its
//! authorisations is.

use std::collections::BTreeMap;

use crate::catalog::Catalog;
use crate::ir::eval::{ContextValue, Request};

const REGION: &str = "aws:RequestedRegion";
const PROFILE_ARN: &str = "bedrock:InferenceProfileArn";

/// What the call is made through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Via {
    /// A foundation model directly, in the source Region.
    Model(String),
    /// A system-defined (cross-Region) inference profile, by id (`us.anthropic.…`,
    /// `global.…`).
    SystemProfile(String),
    /// An application inference profile (its ARN) that wraps a model or a system profile. The
    /// foundation-model authorisations carry the application profile's ARN in
    /// `bedrock:InferenceProfileArn` (AWS does not say which ARN they carry when it wraps a
    /// system profile; semantics.md records the assumption).
    ApplicationProfile {
        /// The application profile's ARN.
        arn: String,
        /// What it wraps: a foundation model or a system profile.
        wraps: Box<Via>,
    },
}

/// One call as a client makes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    /// `bedrock:InvokeModel` or `bedrock:InvokeModelWithResponseStream`.
    pub action: String,
    /// The Region the call is made in.
    pub source: String,
    /// The calling account's id (system profile ARNs are in the caller's account).
    pub account: String,
    /// What the call names: a model, a system profile or an application profile.
    pub via: Via,
    /// The call's other context keys (principal, tags, …), on every authorisation.
    pub context: BTreeMap<String, ContextValue>,
}

/// The authorisations of a call, in the order Bedrock makes them; `None` when the profile is
/// unknown to `cat` or not offered in the source Region.
pub fn authorisations(cat: &Catalog, call: &Call) -> Option<Vec<Request>> {
    let mut out = Vec::new();
    hops(cat, call, &call.via, None, &mut out)?;
    Some(out)
}

fn request(call: &Call, resource: String, region: &str, profile: Option<&str>) -> Request {
    let mut r = Request {
        action: call.action.clone(),
        resource,
        context: call.context.clone(),
    };
    r.context
        .insert(REGION.into(), ContextValue::One(region.to_string()));
    if let Some(p) = profile {
        r.context
            .insert(PROFILE_ARN.into(), ContextValue::One(p.to_string()));
    }
    r
}

fn model_arn(region: &str, model: &str) -> String {
    format!("arn:aws:bedrock:{region}::foundation-model/{model}")
}

fn hops(
    cat: &Catalog,
    call: &Call,
    via: &Via,
    through: Option<&str>,
    out: &mut Vec<Request>,
) -> Option<()> {
    let source = call.source.as_str();
    match via {
        Via::Model(m) => out.push(request(call, model_arn(source, m), source, through)),
        Via::SystemProfile(id) => {
            let profile = cat.inference_profile(id)?;
            let arn = format!(
                "arn:aws:bedrock:{source}:{}:inference-profile/{id}",
                call.account
            );
            // The profile itself, unless an application profile already stands for it.
            if through.is_none() {
                out.push(request(call, arn.clone(), source, None));
            }
            let tag = through.unwrap_or(&arn);
            if profile.is_global() {
                // Global: the model in the source Region, then Region-less, as `unspecified`.
                profile.destinations(source)?;
                out.push(request(
                    call,
                    model_arn(source, &profile.model),
                    source,
                    Some(tag),
                ));
                out.push(request(
                    call,
                    model_arn("", &profile.model),
                    "unspecified",
                    Some(tag),
                ));
            } else {
                for d in profile.destinations(source)? {
                    out.push(request(call, model_arn(d, &profile.model), d, Some(tag)));
                }
            }
        }
        Via::ApplicationProfile { arn, wraps } => {
            out.push(request(call, arn.clone(), source, None));
            hops(cat, call, wraps, Some(arn), out)?;
        }
    }
    Some(())
}
