//! A request as IAM sees it: action, resource and context keys. Apart from the evaluator so
//! that policy variables ([`crate::vars`]) and the evaluators ([`crate::eval`],
//! [`crate::compiled`]) can all read it without importing each other.

use std::collections::BTreeMap;

/// A context value: one string or a list (`Bool` values as `"true"` / `"false"`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContextValue {
    /// A single-valued key.
    One(String),
    /// A multivalued key.
    Many(Vec<String>),
}

/// One request as IAM sees it. Context keys compare case-insensitively (aws.md §3.1).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Request {
    /// `service:Action`.
    pub action: String,
    /// The resource's ARN (or `*`).
    pub resource: String,
    /// The request's condition keys.
    pub context: BTreeMap<String, ContextValue>,
}

impl Request {
    /// A request without context keys.
    pub fn new(action: impl Into<String>, resource: impl Into<String>) -> Request {
        Request {
            action: action.into(),
            resource: resource.into(),
            context: BTreeMap::new(),
        }
    }

    /// The request with `key` set to one value.
    pub fn with(mut self, key: impl Into<String>, value: impl Into<String>) -> Request {
        self.context
            .insert(key.into(), ContextValue::One(value.into()));
        self
    }

    /// The request with `key` set to a list of values.
    pub fn with_many<I, S>(mut self, key: impl Into<String>, values: I) -> Request
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let values = values.into_iter().map(Into::into).collect();
        self.context.insert(key.into(), ContextValue::Many(values));
        self
    }

    /// The value of `key` (names compare case-insensitively), as given.
    pub fn lookup(&self, key: &str) -> Option<&ContextValue> {
        self.context
            .iter()
            .find(|(k, _)| same_key(k, key))
            .map(|(_, v)| v)
    }

    /// The values of `key`, or `None` when the key is missing or its list is empty.
    pub fn values(&self, key: &str) -> Option<&[String]> {
        let values = match self.lookup(key)? {
            ContextValue::One(v) => std::slice::from_ref(v),
            ContextValue::Many(vs) => vs.as_slice(),
        };
        (!values.is_empty()).then_some(values)
    }
}

/// Whether two condition key names are the same key: IAM compares them case-insensitively.
pub fn same_key(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b) || (!a.is_ascii() && a.to_lowercase() == b.to_lowercase())
}
