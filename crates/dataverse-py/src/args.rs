//! The keyword arguments of one call, as the Python layer sends them: a JSON object.

use dataverse_client::{Error, Version};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::errors::invalid;

/// A call's arguments by name.
pub struct Args(Map<String, Value>);

impl Args {
    /// Parse the JSON object the Python layer sent.
    pub fn parse(text: &str) -> Result<Args, Error> {
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(map)) => Ok(Args(map)),
            Ok(_) => Err(invalid("the arguments must be a JSON object")),
            Err(e) => Err(invalid(format!("the arguments are not JSON: {e}"))),
        }
    }

    fn get(&self, name: &str) -> Option<&Value> {
        self.0.get(name).filter(|v| !v.is_null())
    }

    /// An argument as the JSON the Python layer sent (`None` when absent or null).
    pub fn raw(&self, name: &str) -> Option<Value> {
        self.get(name).cloned()
    }

    /// A required identifier or string; numbers become their decimal text.
    pub fn str(&self, name: &str) -> Result<String, Error> {
        self.opt_str(name)?
            .ok_or_else(|| invalid(format!("{name} is required")))
    }

    /// An optional identifier or string.
    pub fn opt_str(&self, name: &str) -> Result<Option<String>, Error> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) if n.is_u64() => Ok(Some(n.to_string())),
            Some(other) => Err(invalid(format!(
                "{name} must be a string or a non-negative integer, not {other}"
            ))),
        }
    }

    /// A list of identifiers or strings (absent: empty).
    pub fn strs(&self, name: &str) -> Result<Vec<String>, Error> {
        match self.get(name) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.clone()),
                    Value::Number(n) if n.is_u64() => Ok(n.to_string()),
                    other => Err(invalid(format!(
                        "{name} must hold strings or non-negative integers, not {other}"
                    ))),
                })
                .collect(),
            Some(other) => Err(invalid(format!("{name} must be a list, not {other}"))),
        }
    }

    /// A boolean with a default.
    pub fn bool_or(&self, name: &str, default: bool) -> Result<bool, Error> {
        match self.get(name) {
            None => Ok(default),
            Some(Value::Bool(b)) => Ok(*b),
            Some(other) => Err(invalid(format!(
                "{name} must be True or False, not {other}"
            ))),
        }
    }

    /// An optional boolean.
    pub fn opt_bool(&self, name: &str) -> Result<Option<bool>, Error> {
        self.get(name)
            .map(|_| self.bool_or(name, false))
            .transpose()
    }

    /// An optional non-negative integer.
    pub fn opt_u64(&self, name: &str) -> Result<Option<u64>, Error> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Number(n)) if n.is_u64() => Ok(n.as_u64()),
            Some(other) => Err(invalid(format!(
                "{name} must be a non-negative integer, not {other}"
            ))),
        }
    }

    /// An optional dataset version (`:latest`, `:draft`, `1.0`, ...).
    pub fn version(&self, name: &str) -> Result<Option<Version>, Error> {
        self.opt_str(name)?.map(|v| Version::parse(&v)).transpose()
    }

    /// A required request body, checked against the Rust type.
    pub fn body<T: DeserializeOwned>(&self, name: &str) -> Result<T, Error> {
        let value = self
            .get(name)
            .cloned()
            .ok_or_else(|| invalid(format!("{name} is required")))?;
        body_from(name, value)
    }

    /// An optional request body (absent: the type's default).
    pub fn body_or_default<T: DeserializeOwned + Default>(&self, name: &str) -> Result<T, Error> {
        match self.get(name) {
            None => Ok(T::default()),
            Some(v) => body_from(name, v.clone()),
        }
    }
}

/// Decode a body, naming the path of the first problem.
pub fn body_from<T: DeserializeOwned>(name: &str, value: Value) -> Result<T, Error> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        invalid(format!("{name}: at {path}: {}", e.into_inner()))
    })
}
