//! The server's settings, from `initializationOptions` and `workspace/didChangeConfiguration`.
//!
//! Shape (the VS Code extension and `docs/editors.md` depend on it): `{ "dynlens": { "diagnostics": { "enable": bool }, "hover": { "detail":
//! "full" | "compact" }, "dynStar": { "enable": bool } } }`, or the inner object alone.
//! Missing fields keep their defaults (diagnostics on, full detail, dyn* on).

use serde::Deserialize;
use serde_json::Value;

use dynlens_core::HoverConfig;

/// All settings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct Settings {
    /// `diagnostics.enable`.
    pub diagnostics: DiagnosticsSettings,
    /// `hover.detail`.
    pub hover: HoverSettings,
    /// `dynStar.enable`.
    pub dyn_star: DynStarSettings,
}

/// `diagnostics.*`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct DiagnosticsSettings {
    /// Publish diagnostics at all.
    pub enable: bool,
}

impl Default for DiagnosticsSettings {
    fn default() -> Self {
        DiagnosticsSettings { enable: true }
    }
}

/// `hover.*`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
#[serde(default)]
pub struct HoverSettings {
    /// How much a hover says.
    pub detail: HoverDetail,
}

/// `hover.detail`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum HoverDetail {
    /// The whole explanation.
    #[default]
    Full,
    /// The verdict and one line per violation.
    Compact,
}

/// `dynStar.*`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct DynStarSettings {
    /// Show the dyn* verdict.
    pub enable: bool,
}

impl Default for DynStarSettings {
    fn default() -> Self {
        DynStarSettings { enable: true }
    }
}

impl Settings {
    /// Reads settings sent by a client. `Ok(None)`: the value carries no dynlens settings
    /// (e.g. another extension's section), so the current settings stay.
    pub fn from_json(value: &Value) -> Result<Option<Settings>, String> {
        let inner = match value.get("dynlens") {
            Some(inner) => inner,
            None if ["diagnostics", "hover", "dynStar"]
                .iter()
                .any(|k| value.get(k).is_some()) =>
            {
                value
            }
            None => return Ok(None),
        };
        if inner.is_null() {
            return Ok(None);
        }
        Settings::deserialize(inner)
            .map(Some)
            .map_err(|e| format!("invalid dynlens settings: {e}"))
    }

    /// The core's hover configuration for these settings.
    pub fn hover_config(&self) -> HoverConfig {
        HoverConfig {
            full: self.hover.detail == HoverDetail::Full,
            show_dyn_star: self.dyn_star.enable,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wrapped_and_bare_objects_are_read_alike() {
        let wrapped = json!({ "dynlens": { "diagnostics": { "enable": false }, "hover": { "detail": "compact" } } });
        let bare = json!({ "diagnostics": { "enable": false }, "hover": { "detail": "compact" } });
        let expected = Settings {
            diagnostics: DiagnosticsSettings { enable: false },
            hover: HoverSettings {
                detail: HoverDetail::Compact,
            },
            dyn_star: DynStarSettings { enable: true },
        };
        assert_eq!(Settings::from_json(&wrapped), Ok(Some(expected.clone())));
        assert_eq!(Settings::from_json(&bare), Ok(Some(expected)));
    }

    #[test]
    fn foreign_and_invalid_settings() {
        assert_eq!(
            Settings::from_json(&json!({ "rust-analyzer": {} })),
            Ok(None)
        );
        assert_eq!(Settings::from_json(&json!(null)), Ok(None));
        assert!(
            Settings::from_json(&json!({ "dynlens": { "hover": { "detail": "loud" } } })).is_err()
        );
        let defaults = Settings::from_json(&json!({ "dynlens": {} }))
            .unwrap()
            .unwrap();
        assert_eq!(
            defaults.hover_config(),
            HoverConfig {
                full: true,
                show_dyn_star: true
            }
        );
    }
}
