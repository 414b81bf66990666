//! `GET /api/docs` (signed-in operators): the JSON API for people, read from the generated
//! OpenAPI document — each endpoint, its request and response fields, and its statuses.

use crate::auth::CurrentOperator;
use crate::error::AppResult;
use crate::routes::Layout;
use actix_web_flash_messages::IncomingFlashMessages;
use askama::Template;
use askama_web::WebTemplate;
use serde_json::Value;

pub struct FieldDoc {
    pub name: String,
    pub kind: String,
    pub required: bool,
    pub description: String,
}

pub struct StatusDoc {
    pub status: String,
    pub description: String,
    pub fields: Vec<FieldDoc>,
}

pub struct EndpointDoc {
    pub method: String,
    pub path: String,
    pub summary: String,
    pub request: Vec<FieldDoc>,
    pub statuses: Vec<StatusDoc>,
}

#[derive(Template, WebTemplate)]
#[template(path = "api/docs.html")]
pub struct ApiDocsPage {
    pub layout: Layout,
    pub endpoints: Vec<EndpointDoc>,
}

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// The fields of the schema a `$ref` (or an inline schema) names.
fn fields(doc: &Value, schema: Option<&Value>) -> Vec<FieldDoc> {
    let Some(schema) = schema else {
        return Vec::new();
    };
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => doc
            .pointer(r.trim_start_matches('#'))
            .unwrap_or(&Value::Null),
        None => schema,
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|props| {
            props
                .iter()
                .map(|(name, p)| {
                    let kind = match p.get("type") {
                        Some(Value::String(t)) => t.clone(),
                        Some(Value::Array(ts)) => ts
                            .iter()
                            .filter_map(Value::as_str)
                            .collect::<Vec<_>>()
                            .join(" or "),
                        _ => p
                            .get("$ref")
                            .or_else(|| p.pointer("/items/$ref"))
                            .and_then(Value::as_str)
                            .and_then(|r| r.rsplit('/').next())
                            .unwrap_or("object")
                            .to_string(),
                    };
                    FieldDoc {
                        name: name.clone(),
                        kind,
                        required: required.contains(&name.as_str()),
                        description: text(p, "description"),
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Every endpoint of the document, by path then method.
pub fn endpoints(doc: &Value) -> Vec<EndpointDoc> {
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        for method in ["get", "post", "put", "patch", "delete"] {
            let Some(op) = item.get(method) else { continue };
            let json = |v: &Value| v.pointer("/content/application~1json/schema").cloned();
            let request = op.get("requestBody").and_then(json);
            let statuses = op
                .get("responses")
                .and_then(Value::as_object)
                .map(|r| {
                    r.iter()
                        .map(|(status, resp)| StatusDoc {
                            status: status.clone(),
                            description: text(resp, "description"),
                            fields: fields(doc, json(resp).as_ref()),
                        })
                        .collect()
                })
                .unwrap_or_default();
            out.push(EndpointDoc {
                method: method.to_ascii_uppercase(),
                path: path.clone(),
                summary: text(op, "summary"),
                request: fields(doc, request.as_ref()),
                statuses,
            });
        }
    }
    out
}

pub async fn page(op: CurrentOperator, flashes: IncomingFlashMessages) -> AppResult<ApiDocsPage> {
    Ok(ApiDocsPage {
        layout: Layout::for_operator(&op, &flashes),
        endpoints: endpoints(&super::openapi::json()),
    })
}
